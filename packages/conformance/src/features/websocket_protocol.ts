import { captureCrashReports, DynamicSupervisor, exit, formatTree, isAlive } from '@otp-chat/otp';
import { describe, expect, it, onTestFinished } from 'vitest';
import { chatFixture } from '../fixture.ts';
import { type FeatureContext, keepsEmptyRooms, type StepUnderTest, webStep } from '../step.ts';

// The JSON protocol over real WebSockets, message type by message type and error by error. Every
// frame the server sends in these tests is also checked against the step's protocol schema (see
// checkedWebSocket in fixture.ts). Then the schema and the frame decoder, without a network.
export function websocketProtocol(stepUnderTest: StepUnderTest, where: FeatureContext): void {
  const step = webStep(stepUnderTest);
  const { ChatServer, CONNECTIONS, MAX_NAME_LENGTH, MAX_TEXT_LENGTH, userPid } = step;
  const { decodeClientFrame, ERROR_CODES, ServerMessage } = step;
  const chat = chatFixture(step);

  describe('join', () => {
    it("answers with the room's members, the new one last, and tells the others", async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const grace = await chat.web();
      grace.join('lobby', 'grace');
      expect(await grace.next()).toEqual({
        type: 'joined',
        roomId: 'lobby',
        users: ['ada', 'grace'],
      });
      expect(await ada.next()).toEqual({ type: 'user_joined', roomId: 'lobby', username: 'grace' });
    });

    it('opens a room nobody is in, and names it as the first joiner spelled it', async () => {
      await chat.start();
      const ada = await chat.web();
      ada.join('Garden', 'ada');
      expect(await ada.next()).toEqual({ type: 'joined', roomId: 'Garden', users: ['ada'] });
      const grace = await chat.web();
      grace.join('GARDEN', 'grace');
      expect(await grace.next()).toEqual({
        type: 'joined',
        roomId: 'Garden',
        users: ['ada', 'grace'],
      });
    });

    it('joins several rooms under one name', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.join('garden', 'ada');
      expect(await ada.next()).toEqual({ type: 'joined', roomId: 'garden', users: ['ada'] });
      ada.listRooms();
      expect(await ada.next()).toEqual({
        type: 'room_list',
        rooms: [
          { id: 'garden', userCount: 1 },
          { id: 'lobby', userCount: 1 },
        ],
      });
    });

    it('refuses a room the user is in: ALREADY_IN_ROOM', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.join('LOBBY', 'ada');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'ALREADY_IN_ROOM' });
    });

    it.each([
      ['', 'a name needs at least one character'],
      ['x'.repeat(MAX_NAME_LENGTH + 1), `a name has at most ${MAX_NAME_LENGTH} characters`],
      ['ada lovelace', 'a name cannot contain spaces'],
      ['ada\u0007', 'a name cannot contain control characters'],
      ['/ada', 'a name cannot start with /'],
    ])('refuses the name %j: INVALID_USERNAME, with the reason', async (name, reason) => {
      await chat.start();
      const client = await chat.web();
      client.join('lobby', name);
      expect(await client.next()).toEqual({
        type: 'error',
        code: 'INVALID_USERNAME',
        message: `username: ${reason}`,
      });
      // Nothing happened: the client is in no room, and can still pick a good name.
      client.join('lobby', 'ada');
      expect(await client.next()).toMatchObject({ type: 'joined', users: ['ada'] });
    });

    it('counts characters as people do: 32 Han characters of 4 bytes each make a good name', async () => {
      await chat.start();
      const client = await chat.web();
      client.join('lobby', '\u{20000}'.repeat(MAX_NAME_LENGTH));
      expect(await client.next()).toMatchObject({ type: 'joined' });
    });

    it('refuses a name a WebSocket user has, ignoring case: INVALID_USERNAME', async () => {
      await chat.start();
      await chat.webLogin('ada');
      const other = await chat.web();
      other.join('lobby', 'ADA');
      expect(await other.next()).toEqual({
        type: 'error',
        code: 'INVALID_USERNAME',
        message: 'the name ADA is taken',
      });
    });

    it('keeps the first name for the connection: a join under another is INVALID_USERNAME', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.join('garden', 'grace');
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'INVALID_USERNAME',
        message: 'you are ada on this connection',
      });
    });

    it('frees the name when the connection closes', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace');
      await ada.close();
      await grace.expect('user_left');
      const again = await chat.web();
      again.join('lobby', 'ada');
      expect(await again.next()).toMatchObject({ type: 'joined', users: ['grace', 'ada'] });
    });

    it('refuses a room name that breaks the rules: INVALID_ROOM', async () => {
      await chat.start();
      const ada = await chat.web();
      ada.join('two words', 'ada');
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'INVALID_ROOM',
        message: 'roomId: a name cannot contain spaces',
      });
    });
  });

  describe('message', () => {
    it('goes to every member, the sender too, with the same timestamp for all', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace');
      await ada.expect('user_joined');
      const before = Date.now();
      ada.say('lobby', 'hello, grace');
      const toAda = await ada.next();
      const toGrace = await grace.next();
      expect(toGrace).toEqual(toAda);
      // A later step may add fields (step 7 numbers messages: `id` and `epoch`).
      expect(toAda).toMatchObject({
        type: 'message',
        roomId: 'lobby',
        from: 'ada',
        text: 'hello, grace',
        timestamp: expect.any(Number),
      });
      const { timestamp } = toAda as { timestamp: number };
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(Date.now());
    });

    it("puts everyone's messages in one order, which every member sees", async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace');
      await ada.expect('user_joined');
      for (let i = 0; i < 20; i++) {
        ada.say('lobby', `ada ${i}`);
        grace.say('lobby', `grace ${i}`);
      }
      const seen = async (client: typeof ada) => {
        const texts: string[] = [];
        while (texts.length < 40) texts.push((await client.expect('message')).text);
        return texts;
      };
      const [byAda, byGrace] = [await seen(ada), await seen(grace)];
      expect(byGrace).toEqual(byAda);
      // Each sender's own messages keep the order they were sent in.
      expect(byAda.filter((text) => text.startsWith('ada'))).toEqual(
        Array.from({ length: 20 }, (_, i) => `ada ${i}`),
      );
    });

    it('takes control characters out, as telnet does', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.say('lobby', 'red\u001b[31m alert\r\nfake: line');
      expect(await ada.next()).toMatchObject({ text: 'red[31m alertfake: line' });
    });

    it.each([
      ['blank', '  \t ', 'a message needs some text'],
      ['too long', 'x'.repeat(MAX_TEXT_LENGTH + 1), 'a message has at most 2000 characters'],
    ])('refuses a %s text: INVALID_MESSAGE', async (_what, text, reason) => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.say('lobby', text);
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'INVALID_MESSAGE',
        message: `text: ${reason}`,
      });
    });

    it(`takes ${MAX_TEXT_LENGTH} characters, counted as people count them`, async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const text = '😀'.repeat(MAX_TEXT_LENGTH);
      ada.say('lobby', text);
      expect(await ada.next()).toMatchObject({ type: 'message', text });
    });

    it('refuses a room the user is not in: NOT_IN_ROOM', async () => {
      await chat.start();
      await chat.webLogin('grace', 'garden');
      const ada = await chat.webLogin('ada');
      ada.say('garden', 'let me in');
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'NOT_IN_ROOM',
        message: 'you are not in garden',
      });
    });

    it('is NOT_IN_ROOM before any join too', async () => {
      await chat.start();
      const ada = await chat.web();
      ada.say('lobby', 'hello?');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'NOT_IN_ROOM' });
    });
  });

  describe('leave', () => {
    it('answers left, tells the others, and the user gets no more of the room', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace');
      await ada.expect('user_joined');
      ada.leave('LOBBY');
      expect(await ada.next()).toEqual({ type: 'left', roomId: 'lobby' });
      expect(await grace.next()).toEqual({ type: 'user_left', roomId: 'lobby', username: 'ada' });
      grace.say('lobby', 'anyone?');
      await grace.expect('message');
      ada.listRooms(); // a request answered after grace's message was sent to the room's members
      expect(await ada.next()).toMatchObject({ type: 'room_list' });
    });

    it('closes a room its last member leaves (listed empty, in a step that keeps rooms)', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada', 'garden');
      ada.leave('garden');
      await ada.expect('left');
      ada.listRooms();
      const kept = keepsEmptyRooms(where) ? [{ id: 'garden', userCount: 0 }] : [];
      expect(await ada.next()).toEqual({ type: 'room_list', rooms: kept });
    });

    it('refuses a room the user is not in: NOT_IN_ROOM', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.leave('garden');
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'NOT_IN_ROOM' });
    });

    it('happens to every room when the connection closes', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      ada.join('garden', 'ada');
      await ada.expect('joined');
      const grace = await chat.webLogin('grace');
      grace.join('garden', 'grace');
      await grace.expect('joined');
      ada.close();
      const left = [await grace.expect('user_left'), await grace.expect('user_left')];
      expect(left.map((message) => message.roomId).sort()).toEqual(['garden', 'lobby']);
    });
  });

  describe('list_rooms and list_users', () => {
    it('lists the rooms with how many are in each, telnet users counted', async () => {
      await chat.start();
      await chat.login('bob');
      await chat.webLogin('ada');
      await chat.webLogin('grace', 'garden');
      const viewer = await chat.web();
      viewer.listRooms();
      expect(await viewer.next()).toEqual({
        type: 'room_list',
        rooms: [
          { id: 'garden', userCount: 1 },
          { id: 'lobby', userCount: 2 },
        ],
      });
    });

    it('lists the people in any room, and nobody in a room that does not exist', async () => {
      await chat.start();
      await chat.login('bob');
      await chat.webLogin('ada');
      const viewer = await chat.web();
      viewer.listUsers('lobby');
      // A later step may add fields (step 7: each member's presence).
      expect(await viewer.next()).toMatchObject({
        type: 'user_list',
        roomId: 'lobby',
        users: ['bob', 'ada'],
      });
      viewer.listUsers('nowhere');
      expect(await viewer.next()).toMatchObject({
        type: 'user_list',
        roomId: 'nowhere',
        users: [],
      });
    });
  });

  describe('frames that are not requests', () => {
    it.each([
      ['not JSON', '{"type": "join"', 'INVALID_JSON'],
      ['JSON but no object', '[1, 2]', 'UNKNOWN_MESSAGE'],
      ['an object without a type', '{"roomId": "lobby"}', 'UNKNOWN_MESSAGE'],
      ['an unknown type', '{"type": "shout", "text": "HI"}', 'UNKNOWN_MESSAGE'],
      ['a field of the wrong type', '{"type": "leave", "roomId": 7}', 'INVALID_ROOM'],
      ['a list_rooms limit of 0', '{"type": "list_rooms", "limit": 0}', 'INVALID_FIELD'],
    ])('answers %s with an error, and goes on', async (_what, frame, code) => {
      await chat.start();
      const client = await chat.web();
      rawSocket(client).send(frame);
      expect(await client.next()).toMatchObject({ type: 'error', code });
      client.join('lobby', 'ada');
      expect(await client.next()).toMatchObject({ type: 'joined' });
    });

    it('names the known types when the type is unknown', async () => {
      await chat.start();
      const client = await chat.web();
      rawSocket(client).send('{"type": "shout"}');
      // A later step may add types after these.
      expect(await client.next()).toEqual({
        type: 'error',
        code: 'UNKNOWN_MESSAGE',
        message: expect.stringMatching(
          /^unknown message type "shout"; the types are join, leave, message, list_rooms, list_users, private(, |$)/,
        ),
      });
    });

    it('answers a binary frame with INVALID_JSON, and goes on', async () => {
      await chat.start();
      const client = await chat.web();
      rawSocket(client).send(Buffer.from('{"type":"list_rooms"}'));
      expect(await client.next()).toEqual({
        type: 'error',
        code: 'INVALID_JSON',
        message: 'binary frames are not read: send text',
      });
      client.listRooms();
      expect(await client.next()).toMatchObject({ type: 'room_list' });
    });
  });

  describe('shutdown', () => {
    it('tells every user on both transports, then closes every connection', async () => {
      await chat.start();
      const bob = await chat.login('bob');
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace', 'garden');
      await chat.server.stop();
      for (const client of [ada, grace]) {
        expect(await client.next()).toEqual({
          type: 'error',
          code: 'SERVER_SHUTDOWN',
          message: 'the server is shutting down',
        });
        // 1001, "going away": a clean close, after the error.
        expect(await client.closed).toEqual({ code: 1001, reason: 'the server is shutting down' });
      }
      expect(await bob.expect(/shutting down/)).toBe('The server is shutting down. Bye!');
      await bob.closed;
    });
  });

  describe('a process per WebSocket', () => {
    it('serves each WebSocket from its own process under the connection supervisor', async () => {
      await chat.start();
      await chat.login('bob');
      await chat.webLogin('ada');
      await chat.webLogin('grace');
      const tree = formatTree(CONNECTIONS);
      expect(tree.match(/ websocket 127\.0\.0\.1 \(worker\)/g)).toHaveLength(2);
      expect(tree.match(/ telnet 127\.0\.0\.1 \(worker\)/g)).toHaveLength(1);
      expect((await DynamicSupervisor.countChildren(CONNECTIONS)).active).toBe(3);
    });

    it('closes the WebSocket when its process is killed, and the rooms see the user leave', async () => {
      const crashes = captureCrashReports();
      onTestFinished(() => crashes.restore());
      await chat.start();
      const ada = await chat.webLogin('ada');
      const grace = await chat.webLogin('grace');
      const pid = userPid('ada')!;
      exit(pid, 'kill');
      expect((await ada.closed).code).toBe(1006); // cut, without a closing handshake
      expect(await grace.expect('user_left')).toMatchObject({ username: 'ada' });
      expect(isAlive(pid)).toBe(false);
      expect(await ChatServer.members(ChatServer.whereis('lobby')!)).toEqual(['grace']);
      expect(crashes.reports.map((report) => report.reason)).toEqual(['killed']);
    });
  });

  describe('decodeClientFrame', () => {
    it('reads each kind of client message', () => {
      const messages = [
        { type: 'join', roomId: 'lobby', username: 'ada' },
        { type: 'leave', roomId: 'lobby' },
        { type: 'message', roomId: 'lobby', text: 'hello' },
        { type: 'list_rooms' },
        { type: 'list_users', roomId: 'lobby' },
      ];
      for (const message of messages) {
        expect(decodeClientFrame(JSON.stringify(message))).toEqual(['ok', message]);
      }
    });

    it('keeps only the fields it knows', () => {
      const frame = JSON.stringify({ type: 'list_rooms', admin: true });
      expect(decodeClientFrame(frame)).toEqual(['ok', { type: 'list_rooms' }]);
    });

    it('answers the first problem only, with the code of the field it is in', () => {
      const frame = JSON.stringify({ type: 'join', roomId: 'a room', username: 'an user' });
      expect(decodeClientFrame(frame)).toEqual([
        'error',
        { type: 'error', code: 'INVALID_ROOM', message: 'roomId: a name cannot contain spaces' },
      ]);
    });

    it('reports a missing field as a problem with that field', () => {
      expect(decodeClientFrame('{"type":"message","roomId":"lobby"}')).toEqual([
        'error',
        {
          type: 'error',
          code: 'INVALID_MESSAGE',
          message: 'text: Invalid input: expected string, received undefined',
        },
      ]);
    });

    it('answers a bad field with no code of its own with INVALID_FIELD, naming the field', () => {
      // Not UNKNOWN_MESSAGE: the type is known, and the client must fix the field.
      expect(decodeClientFrame('{"type":"list_rooms","cursor":5}')).toEqual([
        'error',
        {
          type: 'error',
          code: 'INVALID_FIELD',
          message: 'cursor: Invalid input: expected string, received number',
        },
      ]);
    });

    it.each(['', '{', 'null', '"join"', '42'])('refuses %j', (frame) => {
      const [status, error] = decodeClientFrame(frame);
      expect(status).toBe('error');
      expect(['INVALID_JSON', 'UNKNOWN_MESSAGE']).toContain((error as { code: string }).code);
    });
  });

  describe('the server messages', () => {
    it('has a schema that refuses what is not in the protocol', () => {
      expect(ServerMessage.safeParse({ type: 'joined', roomId: 'x', users: [] }).success).toBe(
        true,
      );
      expect(ServerMessage.safeParse({ type: 'joined', roomId: 'x' }).success).toBe(false);
      expect(ServerMessage.safeParse({ type: 'hello' }).success).toBe(false);
      const badCode = { type: 'error', code: 'OOPS', message: 'no such code' };
      expect(ServerMessage.safeParse(badCode).success).toBe(false);
      const fraction = { type: 'message', roomId: 'x', from: 'a', text: 'b', timestamp: 1.5 };
      expect(ServerMessage.safeParse(fraction).success).toBe(false);
    });

    it('has the error codes of the protocol (a later step may add more)', () => {
      expect(ERROR_CODES).toEqual(
        expect.arrayContaining([
          'ALREADY_IN_ROOM',
          'INVALID_FIELD',
          'INVALID_JSON',
          'INVALID_MESSAGE',
          'INVALID_ROOM',
          'INVALID_USERNAME',
          'NOT_IN_ROOM',
          'RATE_LIMITED',
          'SERVER_SHUTDOWN',
          'TIMED_OUT',
          'TOO_MANY_ROOMS',
          'TOO_SLOW',
          'UNKNOWN_MESSAGE',
          'UNKNOWN_USER',
        ]),
      );
    });
  });
}

/** The client's WebSocket, to send what the typed client would not. */
function rawSocket(client: object): { send(data: string | Buffer): void } {
  return (client as { socket: { send(data: string | Buffer): void } }).socket;
}
