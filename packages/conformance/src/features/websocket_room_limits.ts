import { describe, expect, it } from 'vitest';
import { chatFixture, sleep } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';

// The room limits of the room-limits feature, in the JSON protocol: RATE_LIMITED for a message
// over its room's rate, TOO_MANY_ROOMS for a join past the rooms one user may be in, and the
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
