import { describe, expect, it } from 'vitest';
import { chatFixture, sleep } from '../fixture.ts';
import { heldRoom } from '../held_room.ts';
import { type StepUnderTest, UNLIMITED_ROOM_RATE, webStep } from '../step.ts';
import type { ServerMessage, WebClient } from '../web_client.ts';

// The room limits of the room-limits feature, in the JSON protocol: RATE_LIMITED for a message
// over its room's rate, TOO_SLOW and close 1008 for a member that fell behind, TOO_MANY_ROOMS for a join past the rooms one user may be in, and the
// rooms listing a page at a time (`list_rooms` with `cursor` and `limit`, `room_list.next`).
export function websocketRoomLimits(stepUnderTest: StepUnderTest): void {
  const chat = chatFixture(webStep(stepUnderTest));

  describe('a room’s message rate', () => {
    it('drops a message over it with RATE_LIMITED, and the sender stays', async () => {
      await chat.start({ roomMessagesPerSecond: 2, roomMessageBurst: 2 });
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      await grace.expect('user_joined');
      for (const text of ['one', 'two', 'three']) ada.say('lobby', text);
      expect(await ada.expect('error')).toEqual({
        type: 'error',
        code: 'RATE_LIMITED',
        message: 'lobby is busy: at most 2 messages a second; this one was dropped',
      });
      expect((await grace.expect('message')).text).toBe('one');
      expect((await grace.expect('message')).text).toBe('two');
      await sleep(600);
      ada.say('lobby', 'four');
      expect((await grace.expect('message')).text).toBe('four');
      expect(ada.isOpen).toBe(true);
    });
  });

  describe('a member that falls behind', () => {
    it('is dropped once maxQueuedEvents wait for it, with TOO_SLOW and close 1008, while the others get every message in order', async () => {
      await chat.start({ maxUnreadInputs: 4, maxQueuedEvents: 20, ...UNLIMITED_ROOM_RATE });
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      const slow = await chat.webLogin('slow');
      await grace.expect('user_joined', (message) => message.username === 'slow');
      const held = await heldRoom(stepUnderTest.REGISTRY, 'held');
      const texts: string[] = [];
      const others: ServerMessage[] = [];
      try {
        // slow's connection now waits for the held room, and reads nothing from its mailbox.
        slow.join('held', 'slow');
        await held.joining;
        // One message at a time, each read by grace before the next: only slow falls behind.
        for (let i = 0; i < 30; i++) {
          ada.say('lobby', `message ${i}`);
          texts.push(await nextText(grace, others));
        }
        expect(texts).toEqual(Array.from({ length: 30 }, (_, i) => `message ${i}`));
        expect(others).toMatchObject([{ type: 'user_left', username: 'slow' }]);
        held.release();
        expect(await slow.next()).toMatchObject({ type: 'joined', roomId: 'held' });
        // What waited for slow, and no more: the room stopped sending at the bound.
        for (let i = 0; i < 20; i++) {
          expect(await slow.next()).toMatchObject({ type: 'message', text: `message ${i}` });
        }
        expect(await slow.next()).toEqual({
          type: 'error',
          code: 'TOO_SLOW',
          message: 'you fell behind in lobby: 20 messages waited unread; disconnecting',
        });
        expect((await slow.closed).code).toBe(1008);
      } finally {
        await held.stop();
      }
      grace.listUsers('lobby');
      expect(await grace.expect('user_list')).toMatchObject({ users: ['grace', 'ada'] });
    });
  });

  describe('rooms per user', () => {
    it('refuses a join past maxRoomsPerUser with TOO_MANY_ROOMS', async () => {
      await chat.start({ maxRoomsPerUser: 2 });
      const ada = await chat.webLogin('ada');
      ada.join('games', 'ada');
      await ada.expect('joined');
      ada.join('music', 'ada');
      expect(await ada.expect('error')).toEqual({
        type: 'error',
        code: 'TOO_MANY_ROOMS',
        message: 'you are in 2 rooms, the most allowed: leave one first',
      });
      ada.leave('games');
      await ada.expect('left');
      ada.join('music', 'ada');
      expect(await ada.expect('joined')).toMatchObject({ roomId: 'music' });
    });
  });

  describe('the rooms listing', () => {
    it('comes a page at a time: `limit` rooms after `cursor`, and `next` while more follow', async () => {
      await chat.start();
      const ada = await chat.web();
      for (const room of ['e', 'c', 'a', 'd', 'b']) {
        ada.join(room, 'ada');
        await ada.expect('joined');
      }
      const ids = async (page: { cursor?: string; limit?: number }) => {
        ada.listRooms(page);
        const { rooms, next } = await ada.expect('room_list');
        return { ids: rooms.map((room) => room.id), next };
      };
      expect(await ids({ limit: 2 })).toEqual({ ids: ['a', 'b'], next: 'b' });
      expect(await ids({ cursor: 'b', limit: 2 })).toEqual({ ids: ['c', 'd'], next: 'd' });
      expect(await ids({ cursor: 'd', limit: 2 })).toEqual({ ids: ['e'], next: undefined });
      expect(await ids({})).toEqual({ ids: ['a', 'b', 'c', 'd', 'e'], next: undefined });
    });

    it('never shows more than maxListedRooms, whatever `limit` asks', async () => {
      await chat.start({ maxListedRooms: 3 });
      const ada = await chat.web();
      for (const room of ['a', 'b', 'c', 'd']) {
        ada.join(room, 'ada');
        await ada.expect('joined');
      }
      ada.listRooms({ limit: 1000 });
      const listing = await ada.expect('room_list');
      expect(listing.rooms.map((room) => room.id)).toEqual(['a', 'b', 'c']);
      expect(listing.next).toBe('c');
    });
  });
}

/** The text of the next chat message `client` gets; what comes before it goes to `others`. */
async function nextText(client: WebClient, others: ServerMessage[]): Promise<string> {
  for (;;) {
    const message = await client.next();
    if (message.type === 'message') return message.text;
    others.push(message);
  }
}
