import { listenAddress } from '@otp-chat/05-tcp-chat';
import { describe, expect, it } from 'vitest';

// The name rules and the command parser are the conformance suite's `name-rules` and
// `command-parsing` features; the listen address is this step's own.
describe('listen address', () => {
  it('is 127.0.0.1:8080 by default', () => {
    expect(listenAddress({}, {})).toEqual({ host: '127.0.0.1', port: 8080 });
  });

  it('comes from CHAT_HOST and CHAT_PORT, and flags win over them', () => {
    const env = { CHAT_HOST: '0.0.0.0', CHAT_PORT: '9000' };
    expect(listenAddress({}, env)).toEqual({ host: '0.0.0.0', port: 9000 });
    expect(listenAddress({ port: '0' }, env)).toEqual({ host: '0.0.0.0', port: 0 });
    expect(listenAddress({ host: '::1', port: '7000' }, env)).toEqual({ host: '::1', port: 7000 });
  });

  it.each(['http', '-1', '65536', '80.5', ''])('refuses the port %j', (port) => {
    expect(() => listenAddress({ port }, {})).toThrow(/not a port/);
  });
});
