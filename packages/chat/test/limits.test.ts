import { Process, Registry, send } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import {
  ChatServer,
  REGISTRY,
  ROOM_LIMITS,
  type RoomLimits,
  type SessionEvent,
} from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

// What a room and a session take on, whatever the transport: a room's message rate, what may
// wait unread for one member, the rooms one user may be in, and how much one listing shows.

roomsAndUsersPerTest();

/** The limits rooms started from now on take (ChatSupervisor.startLink(limits) sets them too). */
function roomLimits(limits: Partial<RoomLimits>): void {
  Registry.putMeta(REGISTRY, ROOM_LIMITS, limits);
}

async function named(name: string, options: ConstructorParameters<typeof FakeUser>[0] = {}) {
  const user = new FakeUser(options);
  await user.ask({ type: 'name', name }, 'named');
  return user;
}

function said(events: readonly SessionEvent[]): string[] {
  return events.flatMap((event) =>
    event.type === 'room' && event.event.news.type === 'message' ? [event.event.news.text] : [],
  );
}

describe('a room’s message rate', () => {
  it('passes on the burst, then drops messages over the rate with RATE_LIMITED to the sender', async () => {
    roomLimits({ messagesPerSecond: 1, messageBurst: 3 });
    const ann = await named('ann');
    const bob = await named('bob');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await bob.ask({ type: 'join', room: 'lobby' }, 'joined');
    for (let i = 1; i <= 5; i++) send(ann.pid, ['request', { type: 'say', text: `m${i}` }]);
    await vi.waitFor(() => expect(ann.events.filter((e) => e.type === 'error')).toHaveLength(2));
    expect(ann.events.filter((e) => e.type === 'error')).toEqual([
      { type: 'error', code: 'RATE_LIMITED', request: 'say', subject: 'lobby', limit: 1 },
      { type: 'error', code: 'RATE_LIMITED', request: 'say', subject: 'lobby', limit: 1 },
    ]);
    await vi.waitFor(() => expect(said(bob.events)).toEqual(['m1', 'm2', 'm3']));
    // The sender is not punished: it is still in the room, and talks again once calm.
    expect(await ChatServer.members(ChatServer.whereis('lobby')!)).toEqual(['ann', 'bob']);
  });

  it('is counted for the room, all members together', async () => {
    roomLimits({ messagesPerSecond: 1, messageBurst: 2 });
    const ann = await named('ann');
    const bob = await named('bob');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await bob.ask({ type: 'join', room: 'lobby' }, 'joined');
    send(ann.pid, ['request', { type: 'say', text: 'one' }]);
    send(bob.pid, ['request', { type: 'say', text: 'two' }]);
    expect(await ann.ask({ type: 'say', text: 'three' }, 'error')).toMatchObject({
      code: 'RATE_LIMITED',
    });
    await vi.waitFor(() => expect(said(bob.events)).toEqual(['one', 'two']));
  });
});

describe('a member that falls behind', () => {
  it('is dropped once maxQueuedEvents wait for it, and its session ends with the reason', async () => {
    roomLimits({ maxQueuedEvents: 5, messagesPerSecond: 1000, messageBurst: 1000 });
    const ann = await named('ann');
    const slow = await named('slow');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await slow.ask({ type: 'join', room: 'lobby' }, 'joined');
    slow.stall();
    // One at a time: what waits in ann's own mailbox counts too (a connection's unread input).
    for (let i = 1; i <= 20; i++) await ann.ask({ type: 'say', text: `m${i}` }, 'room');
    const left = await vi.waitFor(() => {
      const event = ann.events.find((e) => e.type === 'room' && e.event.news.type === 'user_left');
      if (event === undefined) throw new Error('slow has not left yet');
      return event;
    });
    expect(left).toMatchObject({ event: { news: { username: 'slow' } } });
    expect(said(ann.events)).toHaveLength(20);
    // What waits for slow is bounded: the room stopped sending at the limit.
    expect(Process.messageQueueLength(slow.pid)).toBeLessThanOrEqual(6);
    expect(await ChatServer.members(ChatServer.whereis('lobby')!)).toEqual(['ann']);
    slow.resume();
    expect(await slow.waitFor('bye')).toEqual({
      type: 'bye',
      reason: 'behind',
      room: 'lobby',
      limit: 5,
    });
    // The message it had taken as it stalled, and the five that waited: no more.
    expect(said(slow.events)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6']);
  });

  it('keeps a member that reads, however busy the room', async () => {
    roomLimits({ maxQueuedEvents: 5, messagesPerSecond: 1000, messageBurst: 1000 });
    const ann = await named('ann');
    const bob = await named('bob');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await bob.ask({ type: 'join', room: 'lobby' }, 'joined');
    for (let i = 1; i <= 50; i++) await ann.ask({ type: 'say', text: `m${i}` }, 'room');
    await vi.waitFor(() => expect(said(bob.events)).toHaveLength(50));
    expect(bob.events.some((event) => event.type === 'bye')).toBe(false);
  });
});

describe('rooms per user', () => {
  it('refuses a join past maxRooms with TOO_MANY_ROOMS, and takes one after a leave', async () => {
    const ann = await named('ann', { maxRooms: 3 });
    for (const room of ['a', 'b', 'c']) await ann.ask({ type: 'join', room }, 'joined');
    expect(await ann.ask({ type: 'join', room: 'd' }, 'error')).toEqual({
      type: 'error',
      code: 'TOO_MANY_ROOMS',
      request: 'join',
      subject: 'd',
      limit: 3,
    });
    expect(ChatServer.whereis('d')).toBeUndefined();
    // A room already joined is not a new one.
    await ann.ask({ type: 'join', room: 'a' }, 'already_in');
    await ann.ask({ type: 'leave', room: 'b' }, 'left');
    expect(await ann.ask({ type: 'join', room: 'd' }, 'joined')).toMatchObject({ room: 'd' });
  });
});

describe('the rooms listing', () => {
  it('comes a page at a time: at most `limit` rooms after `after`, and how many more', async () => {
    const ann = await named('ann');
    const names = Array.from({ length: 25 }, (_, i) => `room${String(i).padStart(2, '0')}`);
    // Joined in a shuffled order: the registry's order is not the listing's.
    for (const room of [...names].reverse()) await ann.ask({ type: 'join', room }, 'joined');
    const first = await ann.ask({ type: 'rooms', limit: 10 }, 'rooms');
    expect(first.rooms.map((room) => room.id)).toEqual(names.slice(0, 10));
    expect(first).toMatchObject({ more: 15, next: 'room09' });
    const second = await ann.ask({ type: 'rooms', after: first.next!, limit: 10 }, 'rooms');
    expect(second.rooms.map((room) => room.id)).toEqual(names.slice(10, 20));
    const last = await ann.ask({ type: 'rooms', after: second.next!, limit: 10 }, 'rooms');
    expect(last.rooms.map((room) => room.id)).toEqual(names.slice(20));
    expect(last.more).toBe(0);
    expect(last).not.toHaveProperty('next');
    expect(ChatServer.listRoomsPage(undefined, 25).rooms).toEqual(ChatServer.listRooms());
  });

  it('never shows more than maxListedRooms, whatever the client asks', async () => {
    const ann = await named('ann', { maxListedRooms: 4 });
    for (const room of ['e', 'd', 'c', 'b', 'a', 'f'])
      await ann.ask({ type: 'join', room }, 'joined');
    const page = await ann.ask({ type: 'rooms', limit: 1000 }, 'rooms');
    expect(page.rooms.map((room) => room.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(page).toMatchObject({ more: 2, next: 'd' });
    const all = await ann.ask({ type: 'rooms' }, 'rooms');
    expect(all.rooms).toHaveLength(4);
  });
});
