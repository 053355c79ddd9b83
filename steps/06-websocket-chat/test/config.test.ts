import { listenAddress } from '@otp-chat/06-websocket-chat';
import { describe, expect, it } from 'vitest';

// The name rules and the command parser are the conformance suite's `name-rules` and
// `command-parsing` features; the listen address is this step's own.
describe('listen address', () => {
  it('is 127.0.0.1, telnet on 8080 and the web on 4000, by default', () => {
    expect(listenAddress({}, {})).toEqual({ host: '127.0.0.1', port: 8080, webPort: 4000 });
  });

  it('comes from CHAT_HOST, CHAT_PORT and CHAT_WEB_PORT, and flags win over them', () => {
    const env = { CHAT_HOST: '0.0.0.0', CHAT_PORT: '9000', CHAT_WEB_PORT: '9001' };
    expect(listenAddress({}, env)).toEqual({ host: '0.0.0.0', port: 9000, webPort: 9001 });
    expect(listenAddress({ port: '0', webPort: '0' }, env)).toEqual({
      host: '0.0.0.0',
      port: 0,
      webPort: 0,
    });
    expect(listenAddress({ host: '::1', port: '7000' }, env)).toEqual({
      host: '::1',
      port: 7000,
      webPort: 9001,
    });
  });

  it.each(['http', '-1', '65536', '80.5', ''])('refuses the port %j', (port) => {
    expect(() => listenAddress({ port }, {})).toThrow(/not a port/);
    expect(() => listenAddress({ webPort: port }, {})).toThrow(/not a port/);
  });
});
