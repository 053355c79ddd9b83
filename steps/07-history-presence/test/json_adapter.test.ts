/**
 * The JSON adapter's step 7 messages, both ways: each new client message as the session's
 * request (and bad ones as errors with their codes), each new session event as the server
 * messages the protocol's schema accepts.
 */
import {
  decodeClientFrame,
  encodeJsonEvent,
  type HistoryMessage,
  RoomEvent,
  ServerMessage,
  type SessionEvent,
  toRequest,
} from '@otp-chat/07-history-presence';
import { describe, expect, it } from 'vitest';

/** The request a frame becomes; fails the test if the frame is refused. */
function request(frame: object) {
  const [status, decoded] = decodeClientFrame(JSON.stringify(frame));
  if (status === 'error') throw new Error(`refused: ${JSON.stringify(decoded)}`);
  return toRequest(decoded);
}

/** The code a frame is refused with. */
function refusal(frame: object): string {
  const [status, decoded] = decodeClientFrame(JSON.stringify(frame));
  expect(status).toBe('error');
  return (decoded as { code: string }).code;
}

/** What the adapter sends for an event, as a list of messages, each checked by the schema. */
function sent(event: SessionEvent): unknown[] {
  const encoded = encodeJsonEvent(event);
  const all = encoded === undefined ? [] : Array.isArray(encoded) ? encoded : [encoded];
  const messages = all.map((one) => (Buffer.isBuffer(one) ? JSON.parse(one.toString()) : one));
  for (const message of messages) expect(ServerMessage.parse(message)).toEqual(message);
  return messages;
}

const said = (id: number, text = `m${id}`): HistoryMessage => ({
  id,
  epoch: 7,
  from: 'ada',
  text,
  timestamp: 1_700_000_000_000 + id,
});

describe('client messages', () => {
  it('reads a join with since, and without', () => {
    expect(
      request({ type: 'join', roomId: 'lobby', username: 'ada', since: { epoch: 7, id: 4 } }),
    ).toEqual({ type: 'join', room: 'lobby', username: 'ada', since: { epoch: 7, id: 4 } });
    expect(request({ type: 'join', roomId: 'lobby', username: 'ada' })).toEqual({
      type: 'join',
      room: 'lobby',
      username: 'ada',
    });
  });

  it('reads get_history as a history request', () => {
    expect(request({ type: 'get_history', roomId: 'lobby' })).toEqual({
      type: 'history',
      room: 'lobby',
    });
    expect(request({ type: 'get_history', roomId: 'lobby', limit: 20, before: 41 })).toEqual({
      type: 'history',
      room: 'lobby',
      limit: 20,
      before: 41,
    });
  });

  it('reads set_status and typing', () => {
    expect(request({ type: 'set_status', status: 'away', message: 'lunch' })).toEqual({
      type: 'status',
      status: 'away',
      message: 'lunch',
    });
    expect(request({ type: 'set_status', status: 'online' })).toEqual({
      type: 'status',
      status: 'online',
    });
    expect(request({ type: 'typing', roomId: 'lobby' })).toEqual({ type: 'typing', room: 'lobby' });
  });

  it.each([
    ['a page of 0', { type: 'get_history', roomId: 'lobby', limit: 0 }, 'INVALID_LIMIT'],
    ['a page of 101', { type: 'get_history', roomId: 'lobby', limit: 101 }, 'INVALID_LIMIT'],
    ['a page of 1.5', { type: 'get_history', roomId: 'lobby', limit: 1.5 }, 'INVALID_LIMIT'],
    ['a page before id 0', { type: 'get_history', roomId: 'lobby', before: 0 }, 'INVALID_FIELD'],
    ['a history of a bad room', { type: 'get_history', roomId: 'a b' }, 'INVALID_ROOM'],
    ['a status that is none', { type: 'set_status', status: 'busy' }, 'INVALID_FIELD'],
    [
      'a note of 101 characters',
      { type: 'set_status', status: 'away', message: 'x'.repeat(101) },
      'INVALID_MESSAGE',
    ],
    ['typing nowhere', { type: 'typing' }, 'INVALID_ROOM'],
    [
      'a since with a fraction',
      { type: 'join', roomId: 'lobby', username: 'ada', since: { epoch: 1.5, id: 1 } },
      'INVALID_FIELD',
    ],
    [
      'a since below 0',
      { type: 'join', roomId: 'lobby', username: 'ada', since: { epoch: 1, id: -1 } },
      'INVALID_FIELD',
    ],
  ])('refuses %s', (_what, frame, code) => {
    expect(refusal(frame)).toBe(code);
  });

  it('keeps INVALID_FIELD for a list_rooms limit of 0, as in step 6', () => {
    expect(refusal({ type: 'list_rooms', limit: 0 })).toBe('INVALID_FIELD');
  });
});

describe('server messages', () => {
  const joined = { type: 'joined', room: 'lobby', users: ['ada'], rejoined: false } as const;

  it('sends a join with history as joined, then the history', () => {
    expect(sent({ ...joined, history: { messages: [said(1), said(2)] } })).toEqual([
      { type: 'joined', roomId: 'lobby', users: ['ada'] },
      { type: 'history', roomId: 'lobby', messages: [said(1), said(2)] },
    ]);
  });

  it('sends no history when the join brings nothing, or the server keeps none', () => {
    const alone = [{ type: 'joined', roomId: 'lobby', users: ['ada'] }];
    expect(sent({ ...joined, history: { messages: [] } })).toEqual(alone);
    expect(sent(joined)).toEqual(alone);
  });

  it('says what is missed before the history: a count, or null when the numbering restarted', () => {
    expect(sent({ ...joined, history: { messages: [said(4)], gone: 2 } })).toEqual([
      { type: 'joined', roomId: 'lobby', users: ['ada'] },
      { type: 'history_gap', roomId: 'lobby', missed: 2 },
      { type: 'history', roomId: 'lobby', messages: [said(4)] },
    ]);
    expect(sent({ ...joined, history: { messages: [], gone: 'all' } })).toEqual([
      { type: 'joined', roomId: 'lobby', users: ['ada'] },
      { type: 'history_gap', roomId: 'lobby', missed: null },
      { type: 'history', roomId: 'lobby', messages: [] },
    ]);
  });

  it('answers a history request with a page that says if there is more', () => {
    const page = { type: 'history', room: 'lobby', messages: [said(3)], more: true } as const;
    expect(sent(page)).toEqual([
      { type: 'history', roomId: 'lobby', messages: [said(3)], more: true },
    ]);
    expect(sent({ ...page, messages: [], more: false })).toEqual([
      { type: 'history', roomId: 'lobby', messages: [], more: false },
    ]);
    expect(sent({ ...page, gone: 5, more: false })).toEqual([
      { type: 'history_gap', roomId: 'lobby', missed: 5 },
      { type: 'history', roomId: 'lobby', messages: [said(3)], more: false },
    ]);
  });

  it('sends a message with its id and epoch, a status and typing, as the room made them', () => {
    const message = { type: 'message', roomId: 'lobby', ...said(9) } as const;
    const { id, epoch, from, text, timestamp } = message;
    const news = { type: 'message', roomId: 'lobby', from, text, timestamp, id, epoch } as const;
    expect(sent({ type: 'room', event: new RoomEvent(news), mine: false })).toEqual([news]);
    const away = {
      type: 'status',
      roomId: 'lobby',
      username: 'grace',
      status: 'away',
      message: 'lunch',
    } as const;
    expect(sent({ type: 'room', event: new RoomEvent(away), mine: false })).toEqual([away]);
    const typing = { type: 'typing', roomId: 'lobby', username: 'grace' } as const;
    expect(sent({ type: 'room', event: new RoomEvent(typing), mine: false })).toEqual([typing]);
  });

  it('lists the members with their presence', () => {
    const grace = {
      username: 'grace',
      since: 1_700_000_000_000,
      transports: ['websocket'],
      status: 'away',
      message: 'lunch',
    } as const;
    expect(sent({ type: 'users', room: 'lobby', users: ['grace'], presence: [grace] })).toEqual([
      { type: 'user_list', roomId: 'lobby', users: ['grace'], presence: [grace] },
    ]);
  });

  it.each([
    ['INVALID_LIMIT', { limit: 100 }, 'limit: a page of lobby holds 1 to 100 messages'],
    ['UNKNOWN_MESSAGE_ID', {}, 'before: lobby has no message with that id'],
    ['NO_HISTORY', {}, 'lobby keeps no history on this server'],
  ] as const)('sends the history error %s', (code, extra, message) => {
    const error = { type: 'error', code, request: 'history', subject: 'lobby', ...extra } as const;
    expect(sent(error)).toEqual([{ type: 'error', code, message }]);
  });

  it('refuses a message without its id, and a gap of a negative count', () => {
    const bare = { type: 'message', roomId: 'x', from: 'a', text: 'b', timestamp: 1 };
    expect(ServerMessage.safeParse(bare).success).toBe(false);
    expect(ServerMessage.safeParse({ ...bare, id: 1, epoch: 2 }).success).toBe(true);
    const gap = { type: 'history_gap', roomId: 'x', missed: -1 };
    expect(ServerMessage.safeParse(gap).success).toBe(false);
  });
});
