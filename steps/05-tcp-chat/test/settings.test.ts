import { describe, expect, it } from 'vitest';
import { tunedSettings } from '../src/config.ts';

describe('the timings main.ts takes from flags and the environment', () => {
  it('sets only what is given, a flag before the environment', () => {
    expect(tunedSettings({}, {})).toEqual({});
    expect(
      tunedSettings(
        { 'name-timeout-ms': '250' },
        { CHAT_NAME_TIMEOUT_MS: '9', CHAT_MAX_UNREAD: '8' },
      ),
    ).toEqual({ nameTimeoutMs: 250, maxUnreadInputs: 8 });
  });

  it.each(['0', '-5', '1.5', 'soon', ''])('refuses %j with a message for the user', (value) => {
    expect(() => tunedSettings({ 'max-unread': value }, {})).toThrow(/not a max unread/);
  });
});
