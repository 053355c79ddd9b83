/** Rooms started without `history` (steps 5 and 6): no ids, no catch-up, nothing kept. */
import { send } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { localRooms } from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

roomsAndUsersPerTest();

describe('a room without history', () => {
  it('stamps messages with a time only, and shows a newcomer nothing said before', async () => {
    const ann = new FakeUser();
    await ann.ask({ type: 'name', name: 'ann' }, 'named');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    send(ann.pid, ['request', { type: 'say', text: 'hello' }]);
    const { event } = await ann.waitForMessage();
    expect(event.news).toMatchObject({ type: 'message', text: 'hello' });
    expect(typeof (event.news as { timestamp: number }).timestamp).toBe('number');
    expect(event.news).not.toHaveProperty('id');

    const bob = new FakeUser();
    await bob.ask({ type: 'name', name: 'bob' }, 'named');
    const joined = await bob.ask({ type: 'join', room: 'lobby' }, 'joined');
    expect(joined).not.toHaveProperty('history');
    expect(await localRooms.history('lobby', 10)).toBeUndefined();
    await vi.waitFor(() => expect(bob.events.some((e) => e.type === 'room')).toBe(false));
  });
});
