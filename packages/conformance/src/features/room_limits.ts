import { describe, expect, it } from 'vitest';
import { aliceAndBob, chatFixture, sleep } from '../fixture.ts';
import { heldRoom } from '../held_room.ts';
import { type StepUnderTest, UNLIMITED_ROOM_RATE } from '../step.ts';

// What a room and a user may take on, seen from telnet: a room's message rate (all its members
// together), the messages that may wait for one member, the rooms one user may be in, and how
// many rooms one /rooms shows.
export function roomLimits(step: StepUnderTest): void {
  const chat = chatFixture(step);

  describe('a room’s message rate', () => {
    it('passes the burst on, then drops lines over it with an error to the sender, who stays', async () => {
      const { alice, bob } = await aliceAndBob(chat, {
        roomMessagesPerSecond: 2,
        roomMessageBurst: 2,
      });
      for (const text of ['one', 'two', 'three']) alice.send(text);
      expect(await alice.next()).toBe(
        'error: lobby is busy (at most 2 messages a second); yours was dropped.',
      );
      expect(await bob.next()).toBe('alice: one');
      expect(await bob.next()).toBe('alice: two');
      // Once the room has calmed down, the sender is heard again: nobody was disconnected.
      await sleep(600);
      alice.send('four');
      expect(await bob.next()).toBe('alice: four');
    });

    it('counts every member’s lines together', async () => {
      const { alice, bob } = await aliceAndBob(chat, {
        roomMessagesPerSecond: 1,
        roomMessageBurst: 2,
      });
      alice.send('one');
      expect(await bob.next()).toBe('alice: one');
      bob.send('two');
      expect(await alice.next()).toBe('bob: two');
      alice.send('three');
      expect(await alice.next()).toMatch(/^error: lobby is busy/);
    });
  });

  describe('a member that falls behind', () => {
    it('is dropped once maxQueuedEvents wait for it, and told why, while the others get every line in order', async () => {
      const { alice, bob } = await aliceAndBob(chat, {
        maxUnreadInputs: 4,
        maxQueuedEvents: 20,
        ...UNLIMITED_ROOM_RATE,
      });
      const slow = await chat.login('slow');
      await alice.expect('* slow joined lobby');
      const held = await heldRoom(step.REGISTRY, 'held');
      try {
        // slow's connection now waits for the held room, and reads nothing from its mailbox.
        slow.send('/join held');
        await held.joining;
        // One line at a time, each read by alice before the next: only slow falls behind.
        for (let i = 0; i < 30; i++) {
          bob.send(`line ${i}`);
          await alice.expect(`bob: line ${i}`);
        }
        const fromBob = alice.received.filter((line) => line.startsWith('bob: '));
        expect(fromBob).toEqual(Array.from({ length: 30 }, (_, i) => `bob: line ${i}`));
        expect(alice.received).toContain('* slow left lobby');
        held.release();
        expect(await slow.expect(/^error: you fell behind/)).toBe(
          'error: you fell behind in lobby (20 messages waiting unread); disconnecting.',
        );
        await slow.closed;
        // What waited for slow, and no more: the room stopped sending at the bound.
        const toSlow = slow.received.filter((line) => /bob: line \d+$/.test(line));
        expect(toSlow).toEqual(Array.from({ length: 20 }, (_, i) => `[lobby] bob: line ${i}`));
      } finally {
        await held.stop();
      }
      // The room goes on without slow.
      alice.send('/users');
      expect(await alice.expect(/^In lobby/)).toBe('In lobby: alice, bob');
    });
  });

  describe('rooms per user', () => {
    it('refuses a join past maxRoomsPerUser, and takes one after a /leave', async () => {
      await chat.start({ maxRoomsPerUser: 2 });
      const alice = await chat.login('alice'); // in the default room: one
      alice.send('/join games');
      expect(await alice.next()).toBe('You joined games; nobody else is here.');
      alice.send('/join music');
      expect(await alice.next()).toBe(
        'error: you are in 2 rooms, the most allowed; /leave one first',
      );
      alice.send('/leave'); // the room alice talks in: games
      expect(await alice.next()).toMatch(/^You left games/);
      alice.send('/join music');
      expect(await alice.next()).toBe('You joined music; nobody else is here.');
    });
  });

  describe('the rooms listing', () => {
    it('shows the first maxListedRooms rooms and says how many more there are', async () => {
      await chat.start({ maxListedRooms: 3 });
      const alice = await chat.login('alice');
      for (const room of ['c', 'a', 'b']) {
        alice.send(`/join ${room}`);
        await alice.expect(`You joined ${room}; nobody else is here.`);
      }
      alice.send('/rooms');
      expect(await alice.next()).toBe('Rooms: a (1), b (1), c (1), and 1 more');
    });

    it('shows 100 rooms at most by default, however many there are', async () => {
      // 150 joins at once: over the flood rule, which is not what this tests.
      await chat.start({ maxRoomsPerUser: 200, linesPerSecond: 1e6, lineBurst: 1e6 });
      const alice = await chat.login('alice');
      for (let i = 0; i < 150; i++) alice.send(`/join r${String(i).padStart(3, '0')}`);
      await alice.expect('You joined r149; nobody else is here.');
      alice.send('/rooms');
      const listing = await alice.expect(/^Rooms: /);
      expect(listing.split(', ')).toHaveLength(100 + 1);
      expect(listing).toMatch(/^Rooms: lobby \(1\), r000 \(1\), .*, r098 \(1\), and 51 more$/);
    });
  });
}
