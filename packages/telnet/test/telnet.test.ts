import { createServer, type Socket } from 'node:net';
import { RoomEvent, type Session, type SessionEvent } from '@otp-chat/chat';
import { receive, spawn } from '@otp-chat/otp';
import {
  COMMANDS,
  connectionSpec,
  decodeLine,
  decodeName,
  encodeEvent,
  listen,
  type TelnetConfig,
  telnetNews,
} from '@otp-chat/telnet';
import { afterEach, describe, expect, it } from 'vitest';

// The adapter's two directions as pure functions, and the two things a step may set. What a
// telnet user sees end to end is the conformance suite's (telnet-chat, commands, limits), run
// against every step that uses this package.

/** What encodeEvent reads of a session: the user's name and the rooms they are in. */
function sessionOf(name: string, rooms: string[]): Session {
  return { name, rooms } as unknown as Session;
}

const text = (parts: Array<string | Buffer>) => parts.map(String).join('|');

describe('decodeLine', () => {
  it('makes plain text a message and a command a request', () => {
    expect(decodeLine('hello there')).toEqual({ type: 'say', text: 'hello there' });
    expect(decodeLine('/join games')).toEqual({ type: 'join', room: 'games' });
    expect(decodeLine('/msg bob  hi  you')).toEqual({
      type: 'private',
      to: 'bob',
      text: 'hi  you',
    });
    expect(decodeLine('/rooms')).toEqual({ type: 'rooms' });
  });

  it('answers a command used wrongly at once, without the session', () => {
    expect(decodeLine('/join')).toEqual({ type: 'reply', line: 'error: usage: /join <room>' });
  });

  it('ignores a line of blanks and control characters', () => {
    expect(decodeLine('  \u0007 ')).toBeUndefined();
  });
});

describe('decodeName', () => {
  it('takes the trimmed line as the name, and /quit as quitting', () => {
    expect(decodeName('  ann ')).toEqual({ type: 'name', name: 'ann' });
    expect(decodeName('/quit')).toEqual({ type: 'quit' });
  });
});

describe('encodeEvent', () => {
  const news = { type: 'message', roomId: 'lobby', from: 'bob', text: 'hi', timestamp: 0 } as const;

  it("does not echo the user's own message: the terminal shows what they typed", () => {
    const event: SessionEvent = { type: 'room', event: new RoomEvent(news), mine: true };
    expect(encodeEvent(event, sessionOf('bob', ['lobby']))).toEqual([]);
  });

  it('says which room a message is from once the user is in several', () => {
    const event: SessionEvent = { type: 'room', event: new RoomEvent(news), mine: false };
    expect(text(encodeEvent(event, sessionOf('ann', ['lobby'])))).toBe('bob: hi\r\n');
    expect(text(encodeEvent(event, sessionOf('ann', ['lobby', 'games'])))).toBe(
      '[lobby] |bob: hi\r\n',
    );
  });

  it("encodes a room's news once, whoever asks", () => {
    const event = new RoomEvent(news);
    const seen = ['ann', 'cy'].map((name) =>
      encodeEvent({ type: 'room', event, mine: false }, sessionOf(name, ['lobby'])),
    );
    expect(seen[0]![0]).toBe(seen[1]![0]);
    expect(seen[0]![0]).toBe(event.encoded(telnetNews));
  });

  it('names the others in a room joined, not the user', () => {
    const event: SessionEvent = {
      type: 'joined',
      room: 'lobby',
      users: ['bob', 'ann'],
      rejoined: false,
    };
    expect(encodeEvent(event, sessionOf('ann', []))).toEqual(['You joined lobby with bob.']);
  });

  it('lists every command for /help, and drops a blank message silently', () => {
    expect(encodeEvent({ type: 'help' }, sessionOf('ann', []))).toHaveLength(COMMANDS.length);
    const blank: SessionEvent = {
      type: 'error',
      code: 'INVALID_MESSAGE',
      request: 'say',
      problem: 'blank',
    };
    expect(encodeEvent(blank, sessionOf('ann', ['lobby']))).toEqual([]);
  });

  it('tells the sender a message the server could not store was not sent', () => {
    const unstored: SessionEvent = {
      type: 'error',
      code: 'STORAGE_UNAVAILABLE',
      request: 'say',
      subject: 'lobby',
    };
    expect(encodeEvent(unstored, sessionOf('ann', ['lobby']))).toEqual([
      'error: lobby cannot store messages just now; yours was not sent.',
    ]);
  });
});

describe('connectionSpec', () => {
  const config: TelnetConfig = {
    defaultRoom: 'lobby',
    nameTimeoutMs: 1000,
    maxLineBytes: 4096,
    linesPerSecond: 20,
    lineBurst: 40,
    maxOutboundBytes: 1024,
    maxUnreadInputs: 32,
    maxRoomsPerUser: 100,
    maxListedRooms: 100,
  };
  const socket = { remoteAddress: '127.0.0.1' } as Socket;

  it("labels a connection with its client's address, after the step's label if it gives one", () => {
    expect(connectionSpec(socket, config).id).toBe('127.0.0.1');
    expect(connectionSpec(socket, { ...config, label: 'telnet' }).id).toBe('telnet 127.0.0.1');
    expect(connectionSpec({} as Socket, { ...config, label: 'telnet' }).id).toBe('telnet');
    expect(connectionSpec({} as Socket, config).id).toBe('connection');
  });
});

/** Runs `body` as a process; resolves to what it returns. */
function inProcess<T>(body: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    spawn(() => body().then(resolve, reject));
  });
}

describe('listen', () => {
  const servers = [createServer(), createServer()];
  afterEach(() => {
    for (const server of servers) server.close();
  });

  it('writes the port it got back, and answers the error when the port is taken', async () => {
    const answers = await inProcess(async () => {
      const endpoint = { host: '127.0.0.1', port: 0 };
      const listening = await listen(servers[0]!, endpoint);
      return [listening, endpoint.port, await listen(servers[1]!, endpoint)] as const;
    });
    const [listening, port, taken] = answers;
    expect(listening).toEqual(['ok', port]);
    expect(port).toBe((servers[0]!.address() as { port: number }).port);
    expect(taken).toEqual(['error', expect.objectContaining({ code: 'EADDRINUSE' })]);
  });

  it('sends the process an error of the server once it listens', async () => {
    const message = await inProcess(async () => {
      await listen(servers[0]!, { host: '127.0.0.1', port: 0 });
      servers[0]!.emit('error', new Error('boom'));
      return receive((m) => Array.isArray(m) && m[0] === 'listen_error', 1000);
    });
    expect(message).toEqual(['listen_error', new Error('boom')]);
  });
});
