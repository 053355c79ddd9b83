import {
  explainNameProblem,
  listenAddress,
  MAX_NAME_LENGTH,
  nameKey,
  nameProblem,
  parseCommand,
} from '@otp-chat/06-websocket-chat';
import { describe, expect, it } from 'vitest';

describe('name rules', () => {
  it.each([
    ['alice', undefined],
    ['a', undefined],
    ['x'.repeat(MAX_NAME_LENGTH), undefined],
    ['Zoë', undefined],
    ['😀'.repeat(MAX_NAME_LENGTH), undefined],
    ['', 'empty'],
    ['x'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
    ['😀'.repeat(MAX_NAME_LENGTH + 1), 'too_long'],
    ['al ice', 'has_space'],
    ['al\tice', 'has_space'],
    ['al\u00a0ice', 'has_space'],
    ['al\u0000ice', 'has_control'],
    ['al\u001bice', 'has_control'],
    ['/alice', 'starts_with_slash'],
  ])('%j: %s', (name, problem) => {
    expect(nameProblem(name)).toBe(problem);
  });

  it('has a sentence for every problem', () => {
    for (const problem of [
      'empty',
      'too_long',
      'has_space',
      'has_control',
      'starts_with_slash',
    ] as const) {
      expect(explainNameProblem(problem)).toMatch(/^a name /);
    }
  });

  it('gives names that differ only in case or in how an accent is encoded the same key', () => {
    expect(nameKey('Alice')).toBe(nameKey('aLICE'));
    expect(nameKey('Zo\u00eb')).toBe(nameKey('Zoe\u0308'));
    expect(nameKey('alice')).not.toBe(nameKey('alicia'));
  });
});

describe('commands', () => {
  it.each([
    ['/help', ['help']],
    ['/HELP', ['help']],
    ['/join games', ['join', 'games']],
    ['  /join   games  ', ['join', 'games']],
    ['/leave', ['leave']],
    ['/rooms', ['rooms']],
    ['/users', ['users']],
    ['/quit', ['quit']],
    ['/msg bob  hello   there ', ['msg', 'bob', 'hello   there']],
    ['/join', ['error', 'usage: /join <room>']],
    ['/join a b', ['error', 'usage: /join <room>']],
    ['/leave now', ['error', 'usage: /leave']],
    ['/msg bob', ['error', 'usage: /msg <user> <text>']],
    ['/shrug', ['error', 'unknown command /shrug; /help lists the commands']],
    ['/', ['error', 'unknown command /; /help lists the commands']],
  ])('%j', (line, command) => {
    expect(parseCommand(line)).toEqual(command);
  });
});

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
