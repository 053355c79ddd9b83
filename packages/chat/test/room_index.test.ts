import { exit, whenIdle, whereis } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { ChatServer, ROOM_INDEX } from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

// The rooms listing reads a sorted index of the rooms' names from its cursor on: it must stay
// the registry's truth as rooms start and stop, however they stop.

roomsAndUsersPerTest();

function page(after?: string, limit = 100) {
  const { rooms, more } = ChatServer.listRoomsPage(after, limit);
  return { ids: rooms.map((room) => room.id), more };
}

async function open(...rooms: string[]): Promise<void> {
  for (const room of rooms) expect(await ChatServer.createRoom(room)).toBe('ok');
}

describe('the rooms index', () => {
  it('lists a room as soon as it starts, in the collator’s order, with a fresh count', async () => {
    await open('delta', 'Bravo', 'alpha');
    expect(page()).toEqual({ ids: ['alpha', 'Bravo', 'delta'], more: 0 });
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'charlie' }, 'joined');
    await ann.ask({ type: 'join', room: 'Bravo' }, 'joined');
    const listed = ChatServer.listRoomsPage('alpha', 2);
    expect(listed).toEqual({
      rooms: [
        { id: 'Bravo', userCount: 1 },
        { id: 'charlie', userCount: 1 },
      ],
      more: 1,
    });
  });

  it('drops a room the moment it stops, before the index hears of it', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await open('a', 'c');
    await ann.ask({ type: 'join', room: 'b' }, 'joined');
    expect(page().ids).toEqual(['a', 'b', 'c']);
    await ann.ask({ type: 'leave', room: 'b' }, 'left');
    expect(ChatServer.whereis('b')).toBeUndefined();
    expect(page().ids).toEqual(['a', 'c']);
    await whenIdle();
    expect(page('a', 1)).toEqual({ ids: ['c'], more: 0 });
  });

  it('lists a room that crashed once, under its new run, and drops it when it stops', async () => {
    await open('a', 'b', 'c');
    const first = ChatServer.whereis('b')!;
    exit(first, 'kill');
    // Gone from the registry at once, so from the listing, even before its supervisor hears.
    expect(page().ids).toEqual(['a', 'c']);
    await vi.waitFor(() => expect([undefined, first]).not.toContain(ChatServer.whereis('b')));
    await whenIdle();
    expect(page()).toEqual({ ids: ['a', 'b', 'c'], more: 0 });
    // A join and a leave empty the restarted room: it stops for good.
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'b' }, 'joined');
    await ann.ask({ type: 'leave', room: 'b' }, 'left');
    await whenIdle();
    expect(page()).toEqual({ ids: ['a', 'c'], more: 0 });
  });

  it('pages on from a cursor that names a room that has since gone', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await open('a', 'd', 'e');
    await ann.ask({ type: 'join', room: 'c' }, 'joined');
    const first = page(undefined, 2);
    expect(first).toEqual({ ids: ['a', 'c'], more: 2 });
    await ann.ask({ type: 'leave', room: 'c' }, 'left');
    await open('b', 'cc');
    expect(page('c', 2)).toEqual({ ids: ['cc', 'd'], more: 1 });
  });

  it('takes a room back under another spelling of its name once the first has stopped', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await ann.ask({ type: 'leave', room: 'lobby' }, 'left');
    await open('LOBBY');
    expect(page().ids).toEqual(['LOBBY']);
    await whenIdle();
    expect(page()).toEqual({ ids: ['LOBBY'], more: 0 });
  });

  it('starts over with the rooms when the index itself dies (rest_for_one)', async () => {
    await open('a', 'b');
    const index = whereis(ROOM_INDEX)!;
    exit(index, 'kill');
    await vi.waitFor(() => expect([undefined, index]).not.toContain(whereis(ROOM_INDEX)));
    await vi.waitFor(() => expect(ChatServer.whereis('a')).toBeUndefined());
    expect(page()).toEqual({ ids: [], more: 0 });
    await vi.waitFor(async () => expect(await ChatServer.createRoom('c')).toBe('ok'));
    expect(page()).toEqual({ ids: ['c'], more: 0 });
  });
});
