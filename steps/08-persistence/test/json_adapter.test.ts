/**
 * The JSON adapter's step 8 messages, both ways: the catalog's client messages (create_room,
 * set_topic) as the session's requests, bad ones refused with their codes; and the catalog's
 * events (room_created, its errors, a topic, a description on joined and in a listing) as
 * server messages the protocol's schema accepts. Step 7's messages are tested in step 7.
 */
import {
  decodeClientFrame,
  encodeJsonEvent,
  MAX_DESCRIPTION_LENGTH,
  RoomEvent,
  ServerMessage,
  type SessionEvent,
  toRequest,
} from '@otp-chat/08-persistence';
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

describe('client messages', () => {
  it('reads create_room, with a description and without', () => {
    expect(request({ type: 'create_room', roomId: 'rust', description: 'crabs' })).toEqual({
      type: 'create_room',
      room: 'rust',
      description: 'crabs',
    });
    expect(request({ type: 'create_room', roomId: 'rust' })).toEqual({
      type: 'create_room',
      room: 'rust',
    });
  });

  it('reads set_topic as a topic request', () => {
    expect(request({ type: 'set_topic', roomId: 'rust', description: 'release day' })).toEqual({
      type: 'topic',
      room: 'rust',
      text: 'release day',
    });
  });

  it('refuses a bad room name, a description that is not text or far too long', () => {
    expect(refusal({ type: 'create_room', roomId: '' })).toBe('INVALID_ROOM');
    expect(refusal({ type: 'create_room', roomId: 'rust', description: 7 })).toBe(
      'INVALID_DESCRIPTION',
    );
    const long = 'x'.repeat(2 * MAX_DESCRIPTION_LENGTH + 1);
    expect(refusal({ type: 'set_topic', roomId: 'rust', description: long })).toBe(
      'INVALID_DESCRIPTION',
    );
    expect(refusal({ type: 'set_topic', roomId: 'rust' })).toBe('INVALID_DESCRIPTION');
  });
});

describe('server messages', () => {
  it('answers a created room, and the catalog errors with their codes', () => {
    expect(sent({ type: 'room_created', room: 'rust', description: 'crabs' })).toEqual([
      { type: 'room_created', roomId: 'rust', description: 'crabs' },
    ]);
    const exists = {
      type: 'catalog_error',
      code: 'ROOM_EXISTS',
      request: 'create_room',
      subject: 'rust',
    } as const;
    expect(sent(exists)).toEqual([
      { type: 'error', code: 'ROOM_EXISTS', message: 'there is a room called rust already' },
    ]);
    const down = { ...exists, code: 'STORAGE_UNAVAILABLE' } as const;
    expect(sent(down)).toEqual([
      {
        type: 'error',
        code: 'STORAGE_UNAVAILABLE',
        message: 'the rooms cannot be stored just now; try again later',
      },
    ]);
  });

  it('says what a room is about when joined and listed, and passes a new topic on', () => {
    const joined = {
      type: 'joined',
      room: 'rust',
      users: ['ada'],
      rejoined: false,
      description: 'crabs',
    } as const;
    expect(sent(joined)).toEqual([
      { type: 'joined', roomId: 'rust', users: ['ada'], description: 'crabs' },
    ]);
    const rooms = [{ id: 'rust', userCount: 0, description: 'crabs' }];
    expect(sent({ type: 'rooms', rooms, more: 0 })).toEqual([{ type: 'room_list', rooms }]);
    const topic = { type: 'topic', roomId: 'rust', username: 'ada', description: 'v2' } as const;
    expect(sent({ type: 'room', event: new RoomEvent(topic), mine: false })).toEqual([topic]);
  });
});
