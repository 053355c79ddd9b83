import { CATALOG_CLIENT, catalogRequest, encodeCatalogEvent } from '@otp-chat/web';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';

const Client = z.discriminatedUnion('type', [...CATALOG_CLIENT]);

describe("the rooms catalog's JSON messages", () => {
  it('decode create_room and set_topic into the session requests', () => {
    const made = Client.parse({ type: 'create_room', roomId: 'books', description: 'Novels' });
    expect(catalogRequest(made)).toEqual({
      type: 'create_room',
      room: 'books',
      description: 'Novels',
    });
    const topic = Client.parse({ type: 'set_topic', roomId: 'books', description: 'Poems' });
    expect(catalogRequest(topic)).toEqual({ type: 'topic', room: 'books', text: 'Poems' });
  });

  it('refuse a bad room name and a description past the frame bound', () => {
    expect(Client.safeParse({ type: 'create_room', roomId: 'two words' }).success).toBe(false);
    const long = { type: 'set_topic', roomId: 'books', description: 'x'.repeat(401) };
    expect(Client.safeParse(long).success).toBe(false);
  });

  it('encode room_created, and a catalog error with its code', () => {
    expect(encodeCatalogEvent({ type: 'room_created', room: 'books' })).toEqual({
      type: 'room_created',
      roomId: 'books',
    });
    const exists = { type: 'catalog_error', code: 'ROOM_EXISTS', request: 'create_room' } as const;
    expect(encodeCatalogEvent({ ...exists, subject: 'Books' })).toEqual({
      type: 'error',
      code: 'ROOM_EXISTS',
      message: 'there is a room called Books already',
    });
  });
});
