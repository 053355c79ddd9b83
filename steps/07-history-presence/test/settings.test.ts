import { readSettings } from '@otp-chat/server';
import { describe, expect, it } from 'vitest';
import { defaultConfig, settings } from '../src/config.ts';

// How a settings table is read is @otp-chat/server's (its tests); step 5's settings are
// `chatSettings`. What this step adds: the web's.
describe('the web settings', () => {
  it("are the settings of step 5 and the web's, with their defaults", () => {
    expect(defaultConfig).toMatchObject({
      webPort: 4000,
      maxFrameBytes: 16_384,
      heartbeatMs: 30_000,
    });
    expect(defaultConfig.port).toBe(8080);
  });

  it('each come from a flag or else an environment variable', () => {
    const env = { CHAT_WEB_PORT: '9001', CHAT_HEARTBEAT_MS: '100', CHAT_MAX_FRAME_BYTES: '512' };
    expect(readSettings(settings, { 'web-port': '0' }, env)).toEqual({
      webPort: 0,
      heartbeatMs: 100,
      maxFrameBytes: 512,
    });
  });

  it.each([
    ['web-port', '65536', /^--web-port: not a port/],
    ['heartbeat-ms', 'x', /^--heartbeat-ms: not a whole number above 0/],
    ['max-frame-bytes', '0', /^--max-frame-bytes: not a whole number above 0/],
  ])('refuses --%s %j', (flag, value, message) => {
    expect(() => readSettings(settings, { [flag]: value }, {})).toThrow(message);
  });
});

describe('the origins allowed to open a WebSocket', () => {
  it('come from a flag or the environment, comma-separated, none by default', () => {
    expect(defaultConfig.allowedOrigins).toEqual([]);
    expect(
      readSettings(settings, {}, { CHAT_ALLOWED_ORIGINS: 'https://a.example, https://b.example' }),
    ).toEqual({ allowedOrigins: ['https://a.example', 'https://b.example'] });
  });
});
