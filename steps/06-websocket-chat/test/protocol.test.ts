import {
  type ClientMessage,
  decodeClientFrame,
  ERROR_CODES,
  ServerMessage,
} from '@otp-chat/06-websocket-chat';
import { describe, expect, it } from 'vitest';

// The protocol's schemas and the frame decoder, without a network.

describe('decodeClientFrame', () => {
  it('reads each kind of client message', () => {
    const messages: ClientMessage[] = [
      { type: 'join', roomId: 'lobby', username: 'ada' },
      { type: 'leave', roomId: 'lobby' },
      { type: 'message', roomId: 'lobby', text: 'hello' },
      { type: 'list_rooms' },
      { type: 'list_users', roomId: 'lobby' },
    ];
    for (const message of messages) {
      expect(decodeClientFrame(JSON.stringify(message))).toEqual(['ok', message]);
    }
  });

  it('keeps only the fields it knows', () => {
    const frame = JSON.stringify({ type: 'list_rooms', admin: true });
    expect(decodeClientFrame(frame)).toEqual(['ok', { type: 'list_rooms' }]);
  });

  it('answers the first problem only, with the code of the field it is in', () => {
    const frame = JSON.stringify({ type: 'join', roomId: 'a room', username: 'an user' });
    expect(decodeClientFrame(frame)).toEqual([
      'error',
      { type: 'error', code: 'INVALID_ROOM', message: 'roomId: a name cannot contain spaces' },
    ]);
  });

  it('reports a missing field as a problem with that field', () => {
    expect(decodeClientFrame('{"type":"message","roomId":"lobby"}')).toEqual([
      'error',
      {
        type: 'error',
        code: 'INVALID_MESSAGE',
        message: 'text: Invalid input: expected string, received undefined',
      },
    ]);
  });

  it.each(['', '{', 'null', '"join"', '42'])('refuses %j', (frame) => {
    const [status, error] = decodeClientFrame(frame);
    expect(status).toBe('error');
    expect(['INVALID_JSON', 'UNKNOWN_MESSAGE']).toContain((error as { code: string }).code);
  });
});

describe('the server messages', () => {
  it('has a schema that refuses what is not in the protocol', () => {
    expect(ServerMessage.safeParse({ type: 'joined', roomId: 'x', users: [] }).success).toBe(true);
    expect(ServerMessage.safeParse({ type: 'joined', roomId: 'x' }).success).toBe(false);
    expect(ServerMessage.safeParse({ type: 'hello' }).success).toBe(false);
    const badCode = { type: 'error', code: 'OOPS', message: 'no such code' };
    expect(ServerMessage.safeParse(badCode).success).toBe(false);
    const fraction = { type: 'message', roomId: 'x', from: 'a', text: 'b', timestamp: 1.5 };
    expect(ServerMessage.safeParse(fraction).success).toBe(false);
  });

  it('has the error codes of the protocol', () => {
    expect([...ERROR_CODES].sort()).toEqual([
      'ALREADY_IN_ROOM',
      'INVALID_JSON',
      'INVALID_MESSAGE',
      'INVALID_ROOM',
      'INVALID_USERNAME',
      'NOT_IN_ROOM',
      'RATE_LIMITED',
      'SERVER_SHUTDOWN',
      'UNKNOWN_MESSAGE',
      'UNKNOWN_USER',
    ]);
  });
});
