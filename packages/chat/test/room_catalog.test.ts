/**
 * The catalog of rooms (step 8): with storage, a room can be made empty with a description,
 * its members set its topic (each member told), and the listing shows every stored room, empty
 * ones with 0 people. Without storage, the catalog's requests are refused with NO_STORAGE.
 */
import { describe, expect, it } from 'vitest';
import { MAX_DESCRIPTION_LENGTH, type RoomNews } from '../src/index.js';
import { FakeStorage } from './fake_storage.ts';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

type TopicNews = Extract<RoomNews, { type: 'topic' }>;

function topics(user: FakeUser): TopicNews[] {
  return user.events.flatMap((event) =>
    event.type === 'room' && event.event.news.type === 'topic' ? [event.event.news] : [],
  );
}

async function joined(name: string, room: string): Promise<FakeUser> {
  const user = new FakeUser();
  await user.ask({ type: 'join', room, username: name }, 'joined');
  return user;
}

describe('with storage', () => {
  let storage: FakeStorage;
  roomsAndUsersPerTest({}, {}, () => {
    storage = new FakeStorage();
    return storage;
  });

  it('makes an empty room with its description, listed with nobody in it', async () => {
    const ann = await joined('ann', 'lobby');
    const made = await ann.ask(
      { type: 'create_room', room: 'Books', description: ' Read\u0007 anything? ' },
      'room_created',
    );
    // Controls out and spaces trimmed, as a status note is.
    expect(made).toEqual({ type: 'room_created', room: 'Books', description: 'Read anything?' });
    const listed = await ann.ask({ type: 'rooms' }, 'rooms');
    expect(listed.rooms).toEqual([
      { id: 'Books', userCount: 0, description: 'Read anything?' },
      { id: 'lobby', userCount: 1 },
    ]);
  });

  it('refuses a room that exists (in any case) with ROOM_EXISTS, and a bad name', async () => {
    const ann = await joined('ann', 'lobby');
    expect(await ann.ask({ type: 'create_room', room: 'LOBBY' }, 'catalog_error')).toEqual({
      type: 'catalog_error',
      code: 'ROOM_EXISTS',
      request: 'create_room',
      subject: 'LOBBY',
    });
    const bad = await ann.ask({ type: 'create_room', room: 'two words' }, 'catalog_error');
    expect(bad).toMatchObject({ code: 'INVALID_ROOM', problem: 'has_space' });
  });

  it('refuses a description over the limit, saying the limit', async () => {
    const ann = await joined('ann', 'lobby');
    const long = 'x'.repeat(MAX_DESCRIPTION_LENGTH + 1);
    const refused = await ann.ask(
      { type: 'create_room', room: 'books', description: long },
      'catalog_error',
    );
    expect(refused).toMatchObject({
      code: 'INVALID_DESCRIPTION',
      problem: 'too_long',
      limit: MAX_DESCRIPTION_LENGTH,
    });
    expect((await ann.ask({ type: 'rooms' }, 'rooms')).rooms.map((r) => r.id)).toEqual(['lobby']);
  });

  it('tells every member a new topic, stores it, and shows it to a later join', async () => {
    const [ann, bob] = [await joined('ann', 'lobby'), await joined('bob', 'lobby')];
    ann.tell({ type: 'topic', text: 'Say hello' });
    const news = { type: 'topic', roomId: 'lobby', username: 'ann', description: 'Say hello' };
    await expect.poll(() => topics(bob)).toEqual([news]);
    expect(topics(ann)).toEqual([news]);
    const cid = await joined('cid', 'lobby');
    expect(cid.events.find((e) => e.type === 'joined')).toMatchObject({ description: 'Say hello' });
    const listed = await cid.ask({ type: 'rooms' }, 'rooms');
    expect(listed.rooms).toEqual([{ id: 'lobby', userCount: 3, description: 'Say hello' }]);
  });

  it('lets only members set a topic, and refuses a blank one', async () => {
    const ann = await joined('ann', 'lobby');
    const outside = await ann.ask({ type: 'topic', room: 'books', text: 'mine' }, 'catalog_error');
    expect(outside).toMatchObject({ code: 'NOT_IN_ROOM', request: 'topic', subject: 'books' });
    const blank = await ann.ask({ type: 'topic', text: ' \u0007 ' }, 'catalog_error');
    expect(blank).toMatchObject({ code: 'INVALID_DESCRIPTION', problem: 'blank' });
  });

  it('says STORAGE_UNAVAILABLE when storage is away, and lists the live rooms', async () => {
    const ann = await joined('ann', 'lobby');
    storage.away = true;
    const refused = await ann.ask({ type: 'create_room', room: 'books' }, 'catalog_error');
    expect(refused.code).toBe('STORAGE_UNAVAILABLE');
    const topic = await ann.ask({ type: 'topic', text: 'hi' }, 'catalog_error');
    expect(topic.code).toBe('STORAGE_UNAVAILABLE');
    expect((await ann.ask({ type: 'rooms' }, 'rooms')).rooms).toEqual([
      { id: 'lobby', userCount: 1 },
    ]);
  });

  it('pages the catalog after a cursor, saying how many more', async () => {
    const ann = await joined('ann', 'lobby');
    for (const room of ['art', 'books', 'cooking']) {
      await ann.ask({ type: 'create_room', room }, 'room_created');
    }
    const first = await ann.ask({ type: 'rooms', limit: 2 }, 'rooms');
    expect(first).toMatchObject({ more: 2, next: 'books' });
    const rest = await ann.ask({ type: 'rooms', after: 'books', limit: 2 }, 'rooms');
    expect(rest.rooms.map((room) => room.id)).toEqual(['cooking', 'lobby']);
    expect(rest.more).toBe(0);
  });
});

describe('without storage (steps 5 to 7)', () => {
  roomsAndUsersPerTest({});

  it('refuses to make a room or set a topic with NO_STORAGE', async () => {
    const ann = await joined('ann', 'lobby');
    const made = await ann.ask({ type: 'create_room', room: 'books' }, 'catalog_error');
    expect(made).toMatchObject({ code: 'NO_STORAGE', request: 'create_room' });
    const topic = await ann.ask({ type: 'topic', text: 'hi' }, 'catalog_error');
    expect(topic).toMatchObject({ code: 'NO_STORAGE', request: 'topic', subject: 'lobby' });
  });
});
