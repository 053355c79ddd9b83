import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { chatFixture } from '../fixture.ts';
import { type ServerProcess, serverProcesses, talkThroughStall } from '../server_process.ts';
import { type FeatureContext, type StepUnderTest, UNLIMITED_ROOM_RATE, webStep } from '../step.ts';
import type { ServerMessage, WebClient } from '../web_client.ts';

// The limits a WebSocket client meets: the heartbeat, the largest frame, the flood rule and
// the outbound bound. Each test lowers one limit to reach it quickly.
export function websocketLimits(stepUnderTest: StepUnderTest, where: FeatureContext): void {
  const step = webStep(stepUnderTest);
  const chat = chatFixture(step);
  const startServer = serverProcesses(where.entry, where.processes);

  /** A WebSocket client of `server`, joined to the lobby as `name`. */
  async function webLoginTo(server: ServerProcess, name: string): Promise<WebClient> {
    if (server.wsUrl === undefined) throw new Error('the server process has no WebSocket URL');
    const WebSocket = chat.checkedWebSocket();
    const client = (await step.ChatClient.connect(server.wsUrl, { WebSocket })) as WebClient;
    client.join('lobby', name);
    await client.expect('joined');
    return client;
  }

  /** A client whose WebSocket does not answer pings, as one on a dead network would not. */
  function deafWebSocket() {
    return class DeafWebSocket extends chat.checkedWebSocket() {
      constructor(url: string) {
        super(url, { autoPong: false });
      }
    };
  }

  describe('heartbeat', () => {
    it('drops a client that does not answer pings, and its rooms see it leave', async () => {
      await chat.start({ heartbeatMs: 250 });
      const grace = await chat.webLogin('grace');
      const deaf = await chat.web(deafWebSocket());
      deaf.join('lobby', 'deaf');
      await deaf.expect('joined');
      // Cut without a closing handshake: the peer is presumed gone.
      expect((await deaf.closed).code).toBe(1006);
      expect(await grace.expect('user_left')).toMatchObject({ username: 'deaf' });
    });

    it('keeps a client that answers, ping after ping', async () => {
      await chat.start({ heartbeatMs: 250 });
      const ada = await chat.webLogin('ada');
      const pings = await new Promise<number>((resolve) => {
        let count = 0;
        socketOf(ada).on('ping', () => ++count === 5 && resolve(count));
      });
      expect(pings).toBe(5);
      expect(ada.isOpen).toBe(true);
      ada.say('lobby', 'still here');
      expect(await ada.expect('message')).toMatchObject({ text: 'still here' });
    });
  });

  describe('frame size', () => {
    it('takes a frame up to maxFrameBytes and closes the connection on a larger one', async () => {
      await chat.start({ maxFrameBytes: 1024 });
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      await grace.expect('user_joined');
      const fits = 'x'.repeat(
        1024 - JSON.stringify({ type: 'message', roomId: 'lobby', text: '' }).length,
      );
      ada.say('lobby', fits);
      expect(await ada.expect('message')).toMatchObject({ text: fits });
      ada.say('lobby', `${fits}!`);
      // 1009: "message too big", from ws, which stops reading such a frame at the limit.
      expect((await ada.closed).code).toBe(1009);
      expect((await grace.expect('message')).text).toBe(fits);
      expect(await grace.expect('user_left')).toMatchObject({ username: 'ada' });
    });

    it('is 16 KiB by default, well below the 100 MiB ws would take', async () => {
      await chat.start();
      const ada = await chat.webLogin('ada');
      socketOf(ada).send(JSON.stringify({ type: 'list_rooms', padding: 'x'.repeat(16 * 1024) }));
      expect((await ada.closed).code).toBe(1009);
    });
  });

  describe('flooding', () => {
    it('answers the burst, warns once with RATE_LIMITED, then disconnects', async () => {
      await chat.start({ linesPerSecond: 20, lineBurst: 10 });
      const grace = await chat.webLogin('grace');
      const ada = await chat.web();
      for (let i = 0; i < 100; i++) ada.listRooms();
      let answered = 0;
      let warning = await ada.next();
      for (; warning.type === 'room_list'; warning = await ada.next()) answered++;
      // About the burst was answered (give or take a token refilled meanwhile), no more.
      expect(answered).toBeGreaterThanOrEqual(10);
      expect(answered).toBeLessThan(20);
      expect(warning).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
      expect((warning as { message: string }).message).toMatch(/^slow down: at most 20 messages/);
      expect(await ada.next()).toEqual({
        type: 'error',
        code: 'RATE_LIMITED',
        message: 'still too many messages (at most 20 messages a second); disconnecting',
      });
      expect((await ada.closed).code).toBe(1008);
      // Others are not affected.
      grace.listRooms();
      expect(await grace.expect('room_list')).toMatchObject({ rooms: [{ id: 'lobby' }] });
    });

    it('lets the burst through untouched', async () => {
      await chat.start({ linesPerSecond: 20, lineBurst: 10 });
      const ada = await chat.web();
      for (let i = 0; i < 10; i++) ada.listRooms();
      for (let i = 0; i < 10; i++) expect(await ada.next()).toMatchObject({ type: 'room_list' });
      ada.listRooms();
      expect(await ada.next()).toMatchObject({ type: 'error', code: 'RATE_LIMITED' });
    });
  });

  describe('hostile frames', () => {
    it('counts pings: a steady stream of them is warned, then cut off like any flood', async () => {
      await chat.start({ linesPerSecond: 20, lineBurst: 10 });
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      await grace.expect('user_joined');
      // 2,000 pings a second, each answered by a pong: no message at all.
      const pinger = setInterval(() => {
        const socket = socketOf(ada);
        if (socket.readyState === socket.OPEN) for (let i = 0; i < 20; i++) socket.ping();
      }, 10);
      try {
        expect(await ada.expect('error')).toMatchObject({ code: 'RATE_LIMITED' });
        expect((await ada.closed).code).toBe(1008);
      } finally {
        clearInterval(pinger);
      }
      expect(await grace.expect('user_left')).toMatchObject({ username: 'ada' });
    });

    it('counts frames that are not JSON, and answers each with a bounded error', async () => {
      await chat.start({ linesPerSecond: 20, lineBurst: 10 });
      const ada = await chat.web();
      const socket = socketOf(ada);
      let bytesIn = 0;
      let bytesOut = 0;
      socket.on('message', (data: Buffer) => (bytesIn += data.length));
      // Frames of 8 KiB that are not JSON, as fast as they go, until the server cuts us off.
      const junk = `\u001b[2J${'{'.repeat(8 * 1024)}`;
      for (let i = 0; i < 1000; i++) {
        socket.send(junk);
        bytesOut += junk.length;
      }
      const errors: string[] = [];
      for (let message = await ada.next(); ; message = await ada.next()) {
        expect(message.type).toBe('error');
        errors.push((message as { code: string }).code);
        if (
          errors.at(-1) === 'RATE_LIMITED' &&
          errors.length > 1 &&
          errors.at(-2) === 'RATE_LIMITED'
        )
          break;
      }
      expect((await ada.closed).code).toBe(1008);
      // About the burst answered with INVALID_JSON, then a warning and the goodbye.
      expect(errors.filter((code) => code === 'INVALID_JSON').length).toBeLessThan(20);
      expect(bytesIn).toBeLessThan(bytesOut / 100);
    });

    it('closes a connection that sends a text frame that is not UTF-8 (1007), and nobody else', async () => {
      await chat.start();
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      await grace.expect('user_joined');
      // ws sends bytes given for a text frame as they are.
      socketOf(ada).send(Buffer.from([0x7b, 0x80, 0x80, 0x7d]), { binary: false });
      expect((await ada.closed).code).toBe(1007);
      expect(await grace.expect('user_left')).toMatchObject({ username: 'ada' });
    });
  });

  describe('a client that does not read', () => {
    it('is dropped once too much waits for it, without holding up anyone else', async () => {
      const limits = {
        maxOutboundBytes: 64 * 1024,
        linesPerSecond: 1e6,
        lineBurst: 1e6,
        ...UNLIMITED_ROOM_RATE,
      };
      await chat.start(limits);
      const grace = await chat.webLogin('grace');
      const ada = await chat.webLogin('ada');
      const slow = await chat.webLogin('slow');
      await grace.expect('user_joined', (message) => message.username === 'slow');
      socketOf(slow).pause(); // reads nothing from now on
      const text = 'z'.repeat(1990);
      // 16 MB in all, far more than the kernel buffers can hold for slow. ada waits for grace to
      // get each batch, so that grace, who reads, is never behind by more than the limit: the
      // server and the clients share this one thread.
      const count = 8000;
      const texts: string[] = [];
      for (let sent = 0; sent < count; sent += 16) {
        for (let i = sent; i < sent + 16; i++) ada.say('lobby', `${i} ${text}`);
        const last = `${sent + 15} ${text}`;
        for (;;) {
          const message = await grace.expect('message');
          texts.push(message.text);
          if (message.text === last) break;
        }
      }
      expect(texts).toEqual(Array.from({ length: count }, (_, i) => `${i} ${text}`));
      grace.listUsers('lobby');
      expect(await grace.expect('user_list')).toMatchObject({ users: ['grace', 'ada'] });
      // Reading again, slow finds the connection cut by the server.
      socketOf(slow).resume();
      expect((await slow.closed).code).toBe(1006);
    });
  });

  describe('a stalled server (issue 12), in a process of its own', () => {
    it('does not take users queued behind a 5 s stall of the server (SIGSTOP) for flooders', async () => {
      const server = await startServer();
      const names = ['grace', 'ada', 'linus'];
      const users: WebClient[] = [];
      for (const name of names) users.push(await webLoginTo(server, name));
      await users[0]!.expect('user_joined', (message) => message.username === 'linus');
      const count = 32;
      await talkThroughStall(
        server,
        users.map((user, u) => (i) => user.say('lobby', `${names[u]} ${i}`)),
        count,
      );
      // Everyone hears every message, their own too, each sender's in order; nobody is warned
      // or dropped (a user_left would say so), and all are still connected.
      for (const user of users) {
        const heard = await messagesUntil(user, names.length * count);
        expect(heard.others.filter((message) => message.type !== 'user_joined')).toEqual([]);
        for (const name of names) {
          const from = heard.texts.filter((text) => text.startsWith(`${name} `));
          expect(from).toEqual(Array.from({ length: count }, (_, i) => `${name} ${i}`));
        }
        expect(user.isOpen).toBe(true);
      }
    }, 30_000);
  });
}

/**
 * The next `count` chat messages `client` gets, as texts, and whatever else came meanwhile (an
 * error, say): a client that was cut off fails the wait instead.
 */
async function messagesUntil(
  client: WebClient,
  count: number,
): Promise<{ texts: string[]; others: ServerMessage[] }> {
  const texts: string[] = [];
  const others: ServerMessage[] = [];
  while (texts.length < count) {
    const message = await client.next();
    if (message.type === 'message') texts.push(message.text);
    else others.push(message);
  }
  return { texts, others };
}

/** The ws WebSocket under a client, for what the typed client does not do. */
function socketOf(client: WebClient): WebSocket {
  return (client as unknown as { socket: WebSocket }).socket;
}
