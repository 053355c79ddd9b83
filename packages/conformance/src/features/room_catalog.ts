import { describe, expect, it } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { type StepUnderTest, webStep } from '../step.ts';
import { type CatalogWebClient, catalogClient } from '../web_client.ts';

// The rooms catalog of a step with storage (8 on): rooms made before anyone joins them, with
// what they are about; a topic any member may change, told to every member; and listings that
// show every room stored, people in it or not, with its description, on both transports.
export function roomCatalog(stepUnderTest: StepUnderTest): void {
  const step = webStep(stepUnderTest);
  const chat = chatFixture(step);

  /** A WebSocket client, in `room` as `name`, with the catalog's requests. */
  async function catalogLogin(name: string, room = 'lobby'): Promise<CatalogWebClient> {
    return catalogClient(await chat.webLogin(name, room));
  }

  describe('on telnet', () => {
    it('/create makes an empty room with its description, listed by /rooms', async () => {
      await chat.start();
      const ada = await chat.login('ada');
      ada.send('/create books What we read, and why');
      expect(await ada.next()).toBe('You made books; /join books to talk there.');
      ada.send('/rooms');
      expect(await ada.next()).toBe('Rooms: books (0) "What we read, and why", lobby (1)');
      ada.send('/join books');
      expect(await ada.next()).toBe('You joined books; nobody else is here.');
      expect(await ada.next()).toBe('Topic: What we read, and why');
    });

    it('/create refuses a room that exists, whatever its case, and a bad name', async () => {
      await chat.start();
      const ada = await chat.login('ada');
      ada.send('/create books');
      await ada.expect(/^You made books/);
      ada.send('/create BOOKS mine');
      expect(await ada.next()).toBe('error: there is a room called BOOKS already; /join it');
      ada.send('/create lobby');
      expect(await ada.next()).toBe('error: there is a room called lobby already; /join it');
      ada.send('/create /x');
      expect(await ada.next()).toMatch(/^error: room names follow the rules for names: /);
    });

    it('/create refuses a description past 200 characters, and makes nothing', async () => {
      await chat.start();
      const ada = await chat.login('ada');
      ada.send(`/create books ${'x'.repeat(201)}`);
      expect(await ada.next()).toBe('error: a description has at most 200 characters');
      ada.send('/rooms');
      expect(await ada.next()).toBe('Rooms: lobby (1)');
    });

    it('/topic sets what the room talked in is about, and tells every member', async () => {
      await chat.start();
      const ada = await chat.login('ada');
      const bob = await chat.login('bob');
      await ada.expect('* bob joined lobby');
      bob.send('/topic release on Friday');
      expect(await bob.next()).toBe('* bob set the topic of lobby: release on Friday');
      expect(await ada.next()).toBe('* bob set the topic of lobby: release on Friday');
      ada.send('/rooms');
      expect(await ada.next()).toBe('Rooms: lobby (2) "release on Friday"');
    });

    it('/topic with no text, or in no room, is refused', async () => {
      await chat.start();
      const ada = await chat.login('ada');
      ada.send('/topic');
      expect(await ada.next()).toMatch(/^error: /);
      ada.send('/leave');
      await ada.expect(/^You left lobby/);
      ada.send('/topic anything');
      expect(await ada.next()).toBe('error: you are in no room');
    });

    it('keeps a room its last member left, listed with nobody in it', async () => {
      await chat.start();
      const ada = await chat.login('ada');
      ada.send('/join dev');
      await ada.expect(/^You joined dev/);
      ada.send('/topic the build');
      await ada.expect(/set the topic/);
      ada.send('/leave');
      await ada.expect(/^You left dev/);
      ada.send('/rooms');
      expect(await ada.next()).toBe('Rooms: dev (0) "the build", lobby (1)');
    });
  });

  describe('on WebSocket', () => {
    it('create_room answers room_created, and list_rooms shows it empty, described', async () => {
      await chat.start();
      const ada = await catalogLogin('ada');
      ada.createRoom('books', 'What we read');
      expect(await ada.next()).toEqual({
        type: 'room_created',
        roomId: 'books',
        description: 'What we read',
      });
      ada.createRoom('garden');
      expect(await ada.next()).toEqual({ type: 'room_created', roomId: 'garden' });
      ada.listRooms();
      expect(await ada.next()).toEqual({
        type: 'room_list',
        rooms: [
          { id: 'books', userCount: 0, description: 'What we read' },
          { id: 'garden', userCount: 0 },
          { id: 'lobby', userCount: 1 },
        ],
      });
    });

    it('refuses a room that exists (ROOM_EXISTS) and a long description (INVALID_DESCRIPTION)', async () => {
      await chat.start();
      const ada = await catalogLogin('ada');
      ada.createRoom('Lobby');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'ROOM_EXISTS' });
      ada.createRoom('books', 'x'.repeat(201));
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'INVALID_DESCRIPTION' });
      ada.setTopic('lobby', '   ');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'INVALID_DESCRIPTION' });
    });

    it('set_topic tells every member, on both transports; a newcomer is told on joining', async () => {
      await chat.start();
      const ada = await catalogLogin('ada');
      const bob = await chat.login('bob');
      await ada.expect('user_joined');
      ada.setTopic('lobby', 'tea at four');
      const topic = { type: 'topic', roomId: 'lobby', username: 'ada', description: 'tea at four' };
      expect(await ada.next()).toEqual(topic);
      expect(await bob.next()).toBe('* ada set the topic of lobby: tea at four');
      const cy = await chat.web();
      cy.join('lobby', 'cy');
      expect(await cy.expect('joined')).toMatchObject({ description: 'tea at four' });
    });

    it('refuses a topic for a room the user is not in: NOT_IN_ROOM', async () => {
      await chat.start();
      const ada = await catalogLogin('ada');
      ada.createRoom('books');
      await ada.expect('room_created');
      ada.setTopic('books', 'mine');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'NOT_IN_ROOM' });
    });

    it('pages the catalog: next is the cursor of the page that follows', async () => {
      await chat.start();
      const ada = await catalogLogin('ada');
      for (const room of ['c', 'A', 'b']) {
        ada.createRoom(room);
        await ada.expect('room_created');
      }
      ada.listRooms({ limit: 2 });
      expect(await ada.next()).toEqual({
        type: 'room_list',
        rooms: [
          { id: 'A', userCount: 0 },
          { id: 'b', userCount: 0 },
        ],
        next: 'b',
      });
      ada.listRooms({ cursor: 'b', limit: 2 });
      expect(await ada.next()).toEqual({
        type: 'room_list',
        rooms: [
          { id: 'c', userCount: 0 },
          { id: 'lobby', userCount: 1 },
        ],
      });
    });
  });
}
