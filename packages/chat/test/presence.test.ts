/**
 * Presence in a room: since when each member is there, how they are connected, a status that
 * every room of the user shows (and the rooms they join later), and typing notices that reach
 * the others at most once a second, never the typer.
 */
import { exit, send } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { ChatServer, type RoomNews, type SessionEvent } from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

roomsAndUsersPerTest();

async function inLobby(name: string): Promise<FakeUser> {
  const user = new FakeUser();
  await user.ask({ type: 'name', name }, 'named');
  await user.ask({ type: 'join', room: 'lobby' }, 'joined');
  return user;
}

/** The room news of `type` a user's session passed on. */
function news<T extends RoomNews['type']>(
  user: FakeUser,
  type: T,
): Extract<RoomNews, { type: T }>[] {
  return user.events.flatMap((event: SessionEvent) =>
    event.type === 'room' && event.event.news.type === type
      ? [event.event.news as Extract<RoomNews, { type: T }>]
      : [],
  );
}

describe('presence', () => {
  it('lists who is in a room, since when, how connected and their status', async () => {
    const before = Date.now();
    const ann = await inLobby('ann');
    const bob = await inLobby('bob');
    send(bob.pid, ['request', { type: 'status', status: 'away', message: 'lunch' }]);
    await vi.waitFor(() => expect(news(ann, 'status')).toHaveLength(1));
    const users = await ann.ask({ type: 'users' }, 'users');
    expect(users.users).toEqual(['ann', 'bob']);
    expect(users.presence).toEqual([
      { username: 'ann', since: expect.any(Number), transports: ['fake'], status: 'online' },
      {
        username: 'bob',
        since: expect.any(Number),
        transports: ['fake'],
        status: 'away',
        message: 'lunch',
      },
    ]);
    expect(users.presence[0]!.since).toBeGreaterThanOrEqual(before);
    expect(users.presence[1]!.since).toBeGreaterThanOrEqual(users.presence[0]!.since);
  });

  it('tells every room of the user, and each room joined later, of a status', async () => {
    const ann = await inLobby('ann');
    const bob = await inLobby('bob');
    send(bob.pid, ['request', { type: 'status', status: 'away', message: '  brb \u0007 ' }]);
    await vi.waitFor(() =>
      expect(news(ann, 'status')).toEqual([
        { type: 'status', roomId: 'lobby', username: 'bob', status: 'away', message: 'brb' },
      ]),
    );
    // Bob's own session shows him his status too (the room tells every member).
    await vi.waitFor(() => expect(news(bob, 'status')).toHaveLength(1));

    const carol = new FakeUser();
    await carol.ask({ type: 'name', name: 'carol' }, 'named');
    await carol.ask({ type: 'join', room: 'kitchen' }, 'joined');
    await bob.ask({ type: 'join', room: 'kitchen' }, 'joined');
    await vi.waitFor(() =>
      expect(news(carol, 'status')).toEqual([
        { type: 'status', roomId: 'kitchen', username: 'bob', status: 'away', message: 'brb' },
      ]),
    );

    send(bob.pid, ['request', { type: 'status', status: 'online' }]);
    await vi.waitFor(() => expect(news(ann, 'status').at(-1)?.status).toBe('online'));
    await vi.waitFor(() => expect(news(carol, 'status').at(-1)?.status).toBe('online'));
    expect(news(ann, 'status').at(-1)).not.toHaveProperty('message');
  });

  it('keeps an away user away in a room that crashed and started again', async () => {
    const ann = await inLobby('ann');
    const bob = await inLobby('bob');
    send(bob.pid, ['request', { type: 'status', status: 'away', message: 'lunch' }]);
    await vi.waitFor(() => expect(news(ann, 'status')).toHaveLength(1));
    exit(ChatServer.whereis('lobby')!, 'kill');
    await vi.waitFor(() =>
      expect(bob.events.some((e) => e.type === 'joined' && e.rejoined)).toBe(true),
    );
    await vi.waitFor(async () => {
      const users = await ann.ask({ type: 'users' }, 'users');
      const away = users.presence.find((member) => member.username === 'bob');
      expect(away).toMatchObject({ status: 'away', message: 'lunch' });
    });
  });

  it('refuses a status note that is too long, and changes nothing', async () => {
    const ann = await inLobby('ann');
    const error = await ann.ask(
      { type: 'status', status: 'away', message: 'x'.repeat(101) },
      'error',
    );
    expect(error).toMatchObject({ code: 'INVALID_MESSAGE', problem: 'too_long', limit: 100 });
    const users = await ann.ask({ type: 'users' }, 'users');
    expect(users.presence[0]?.status).toBe('online');
  });

  it('passes typing on to the others at most once a second, never to the typer', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      const ann = await inLobby('ann');
      const bob = await inLobby('bob');
      for (let i = 0; i < 5; i++) send(ann.pid, ['request', { type: 'typing' }]);
      await vi.waitFor(() => expect(news(bob, 'typing')).toHaveLength(1));
      vi.advanceTimersByTime(1000);
      send(ann.pid, ['request', { type: 'typing', room: 'LOBBY' }]);
      await vi.waitFor(() => expect(news(bob, 'typing')).toHaveLength(2));
      expect(news(bob, 'typing')[0]).toEqual({ type: 'typing', roomId: 'lobby', username: 'ann' });
      // A marker: once bob has it, every typing notice sent before it has been handled.
      send(ann.pid, ['request', { type: 'say', text: 'done' }]);
      await vi.waitFor(() => expect(news(bob, 'message')).toHaveLength(1));
      expect(news(bob, 'typing')).toHaveLength(2);
      expect(news(ann, 'typing')).toEqual([]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('answers typing in a room the user is not in with NOT_IN_ROOM', async () => {
    const ann = await inLobby('ann');
    expect(await ann.ask({ type: 'typing', room: 'kitchen' }, 'error')).toMatchObject({
      code: 'NOT_IN_ROOM',
      request: 'typing',
    });
  });
});
