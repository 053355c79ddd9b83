import { LineClient } from '@otp-chat/net';
import { describe, expect, it, vi } from 'vitest';
import { aliceAndBob, chatFixture, sleep } from '../fixture.ts';
import { type ServerProcess, serverProcesses, talkThroughStall } from '../server_process.ts';
import { type FeatureContext, type StepUnderTest, UNLIMITED_ROOM_RATE } from '../step.ts';

const IAC = 0xff;
const WILL = 0xfb;
const DO = 0xfd;
const SB = 0xfa;
const SE = 0xf0;
const NOP = 0xf1;

// The limits a telnet client meets: line ends and telnet negotiation, UTF-8, the longest line,
// the name timeout, the flood rule and the outbound bound. Each test lowers a limit to reach it.
export function telnetLimits(step: StepUnderTest, where: FeatureContext): void {
  const chat = chatFixture(step);
  const startServer = serverProcesses(where.entry, where.processes);

  describe('line ends and telnet', () => {
    it('ends a line at CRLF and at a bare LF', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      bob.write('with crlf\r\nwith lf\n');
      expect(await alice.next()).toBe('bob: with crlf');
      expect(await alice.next()).toBe('bob: with lf');
    });

    it('strips the negotiation a real telnet client sends, even mid-line', async () => {
      await chat.start();
      const alice = await chat.login('alice');
      const bob = await chat.connect();
      // What `telnet` sends on connect: option offers and a terminal-type subnegotiation.
      const terminalType = [IAC, SB, 24, 0, ...Buffer.from('xterm'), IAC, IAC, 1, IAC, SE];
      bob.write(Uint8Array.from([IAC, WILL, 24, IAC, DO, 1, ...terminalType]));
      bob.write('bob\r\n');
      expect(await bob.next()).toBe('Hello bob! Type /help for the commands.');
      bob.write(
        Buffer.concat([Buffer.from('hel'), Buffer.from([IAC, NOP]), Buffer.from('lo\r\n')]),
      );
      expect(await alice.expect(/^bob:/)).toBe('bob: hello');
    });

    it('takes IAC IAC as a 0xFF byte, which no UTF-8 text contains: the line is refused', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      bob.write(Buffer.concat([Buffer.from('a'), Buffer.from([IAC, IAC]), Buffer.from('b\n')]));
      expect(await bob.next()).toBe('error: that line is not valid UTF-8; dropped.');
      bob.send('after');
      expect(await alice.next()).toBe('bob: after');
    });
  });

  describe('UTF-8', () => {
    it('puts a character split across two packets back together', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      bob.socket.setNoDelay(true);
      const bytes = Buffer.from('naïve 😀\n');
      const cut = bytes.indexOf(0xf0) + 2; // in the middle of the emoji
      bob.write(bytes.subarray(0, cut));
      await sleep(30);
      bob.write(bytes.subarray(cut));
      expect(await alice.next()).toBe('bob: naïve 😀');
    });

    it('refuses a line that is not valid UTF-8 with an error, and goes on', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      bob.write(Buffer.from([0x68, 0x69, 0xc3, 0x28, 0x0a]));
      expect(await bob.next()).toBe('error: that line is not valid UTF-8; dropped.');
      bob.send('fine');
      expect(await alice.next()).toBe('bob: fine');
    });
  });

  describe('line length', () => {
    it('accepts a line of 4 KiB and drops a longer one, all of it, with one error', async () => {
      const { alice, bob } = await aliceAndBob(chat);
      // 1024 characters of four bytes each: 4096 bytes, the longest line, and a short message.
      const longest = '😀'.repeat(1024);
      bob.send(longest);
      expect(await alice.next()).toBe(`bob: ${longest}`);
      // 1 MiB without a line end, in pieces, then the end of the line and a normal one.
      for (let i = 0; i < 64; i++) bob.write('y'.repeat(16 * 1024));
      bob.write(' tail of the long line\nshort\n');
      expect(await bob.next()).toBe('error: line longer than 4096 bytes; dropped.');
      expect(await alice.next()).toBe('bob: short');
      bob.send('/users');
      expect(await bob.next()).toBe('In lobby: alice, bob');
    });
  });

  describe('name timeout', () => {
    it('disconnects a client that gives no name in time, and nobody else', async () => {
      const { alice, bob } = await aliceAndBob(chat, { nameTimeoutMs: 1000 });
      const silent = await chat.connect();
      expect(await silent.next()).toBe('No name given in 1 s. Bye!');
      await silent.closed;
      // Named users have no such deadline.
      bob.send('still here');
      expect(await alice.next()).toBe('bob: still here');
    });

    it('keeps counting while invalid names come in', async () => {
      await chat.start({ nameTimeoutMs: 1000 });
      const client = await chat.connect();
      client.send('bad name');
      await client.expect('What is your name?');
      expect(await client.expect(/^No name/)).toBe('No name given in 1 s. Bye!');
      await client.closed;
    });
  });

  describe('flooding', () => {
    const lines = (count: number, from = 0) =>
      Array.from({ length: count }, (_, i) => `line ${from + i}\n`).join('');

    // The name line took a token too; a short rest fills the bucket again before a burst.
    const rest = (ms: number) => sleep(ms);

    it('lets a burst up to the limit through untouched', async () => {
      const { alice, bob } = await aliceAndBob(chat, { linesPerSecond: 20, lineBurst: 40 });
      await rest(200);
      bob.write(lines(40));
      for (let i = 0; i < 40; i++) expect(await alice.next()).toBe(`bob: line ${i}`);
      await rest(200);
      bob.send('/users');
      expect(await bob.next()).toBe('In lobby: alice, bob');
    });

    it('warns a client that sends more than the rate, then disconnects it', async () => {
      const { alice, bob } = await aliceAndBob(chat, { linesPerSecond: 20, lineBurst: 40 });
      const carol = await chat.login('carol');
      bob.write(lines(200));
      expect(await bob.expect(/^error: slow down/)).toMatch(/at most 20 lines a second/);
      expect(await bob.next()).toBe('error: still too many lines; disconnecting.');
      await bob.closed;
      await alice.expect('* bob left lobby');
      const fromBob = alice.received.filter((line) => line.startsWith('bob: '));
      // About the burst got through (give or take the tokens refilled meanwhile), far from all.
      expect(fromBob.length).toBeGreaterThanOrEqual(39);
      expect(fromBob.length).toBeLessThan(100);
      expect(fromBob).toEqual(fromBob.map((_, i) => `bob: line ${i}`));
      // The others talk on.
      carol.send('quiet again');
      expect(await alice.expect(/^carol:/)).toBe('carol: quiet again');
    });

    it('forgets the warning once the client has calmed down', async () => {
      // A token every 250 ms, and full again 750 ms after it emptied.
      const { alice, bob } = await aliceAndBob(chat, { linesPerSecond: 4, lineBurst: 3 });
      await rest(1000);
      bob.write(lines(4));
      await bob.expect(/^error: slow down/);
      await alice.expect('bob: line 2');
      await rest(1000);
      // Over the rate again, but calm in between: a second warning, not a disconnection.
      bob.write(lines(4, 10));
      await bob.expect(/^error: slow down/);
      await alice.expect('bob: line 12');
      await rest(1000);
      bob.send('/users');
      expect(await bob.next()).toBe('In lobby: alice, bob');
    });
  });

  describe('a client that does not read', () => {
    it('is disconnected once too much waits for it, without holding up anyone else', async () => {
      const limits = {
        maxOutboundBytes: 64 * 1024,
        linesPerSecond: 1e6,
        lineBurst: 1e6,
        ...UNLIMITED_ROOM_RATE,
      };
      const { alice, bob } = await aliceAndBob(chat, limits);
      const slow = await chat.login('slow');
      await alice.expect('* slow joined lobby');
      slow.socket.pause(); // reads nothing from now on
      const line = 'z'.repeat(1990);
      // 16 MB in all, more than the kernel buffers between the server and slow can hold. Bob
      // waits for alice to get each batch of 16 lines (32 KB), so that alice, who reads, is never
      // behind by more than the limit: this test runs the server and the clients in one thread.
      const count = 8000;
      for (let sent = 0; sent < count; sent += 16) {
        for (let i = sent; i < sent + 16; i++) bob.send(`${i} ${line}`);
        await alice.expect(`bob: ${sent + 15} ${line}`);
      }
      expect(alice.received).toContain('* slow left lobby');
      const fromBob = alice.received.filter((l) => l.startsWith('bob: '));
      expect(fromBob).toEqual(Array.from({ length: count }, (_, i) => `bob: ${i} ${line}`));
      // Reading again, slow finds the connection closed by the server.
      slow.socket.resume();
      await slow.closed;
    });
  });

  describe('hostile and stalled clients (issue 12), the server in a process of its own', () => {
    it('counts lines that are not UTF-8 against the flood rule and cuts off their sender', async () => {
      // One unauthenticated client sending `\x80\n` without end, as fast as the server reads.
      const server = await startServer();
      const before = await server.memory();
      const flooder = await LineClient.connect(server.port);
      await flooder.expect('What is your name?');
      const { sent, received } = await sendUntilClosed(
        flooder,
        Buffer.alloc(64 * 1024, '\x80\n', 'latin1'),
        20 * 1024 * 1024,
      );
      const after = await server.memory();
      const refused = flooder.received.filter((line) => line.includes('not valid UTF-8'));
      // The burst (40), give or take a token refilled meanwhile; then a warning and the goodbye.
      expect(refused.length).toBeGreaterThanOrEqual(39);
      expect(refused.length).toBeLessThan(60);
      expect(flooder.received).toContain('error: still too many lines; disconnecting.');
      // What came back is a few kilobytes, whatever was sent: no amplification.
      expect(received).toBeLessThan(8 * 1024);
      expect(sent).toBeGreaterThan(received * 10);
      expect(after.heapUsed - before.heapUsed).toBeLessThan(32 * 1024 * 1024);
      expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
      // The server serves the next user.
      const alice = await LineClient.connect(server.port);
      await alice.expect('What is your name?');
      alice.send('alice');
      await alice.expect(/^You joined lobby/);
      alice.reset();
    });

    it('does not take users queued behind a 5 s stall of the server (SIGSTOP) for flooders', async () => {
      const server = await startServer();
      const names = ['alice', 'bob', 'carol'];
      // One after the other: alice is in the lobby before carol comes, so she sees carol join.
      // (Logged in at once, carol could be there first: a room opening in storage takes time.)
      const users: LineClient[] = [];
      for (const name of names) users.push(await loginTo(server, name));
      await users[0]!.expect('* carol joined lobby');
      const count = 32;
      await talkThroughStall(
        server,
        users.map((user, u) => (i) => user.send(`${names[u]} ${i}`)),
        count,
      );
      for (const [u, user] of users.entries()) {
        // Each other user's last line, in whatever order they arrive: expecting them one after
        // the other would step past one that came before the other.
        const lastLines = names
          .filter((_, o) => o !== u)
          .map((other) => `${other}: ${other} ${count - 1}`);
        await vi.waitFor(() => expect(user.received).toEqual(expect.arrayContaining(lastLines)), {
          timeout: 10_000,
          interval: 20,
        });
        const heard = user.received.filter((line) => /^\w+: \w+ \d+$/.test(line));
        expect(heard).toHaveLength((names.length - 1) * count);
        expect(user.received.filter((line) => line.startsWith('error'))).toEqual([]);
        user.reset();
      }
    }, 30_000);
  });
}

/** A telnet client of `server`, named and in the lobby. */
async function loginTo(server: ServerProcess, name: string): Promise<LineClient> {
  const client = await LineClient.connect(server.port);
  await client.expect('What is your name?');
  client.send(name);
  await client.expect(/^You joined /);
  return client;
}

/**
 * Writes `chunk` again and again, as fast as the server reads it, until `limit` bytes are sent
 * or the server closes the connection; counts the bytes each way.
 */
async function sendUntilClosed(
  client: LineClient,
  chunk: Buffer,
  limit: number,
): Promise<{ sent: number; received: number }> {
  const { socket } = client;
  let received = 0;
  socket.on('data', (text: string) => (received += Buffer.byteLength(text)));
  let sent = 0;
  let open = true;
  void client.closed.then(() => (open = false));
  while (open && sent < limit) {
    sent += chunk.length;
    if (!socket.write(chunk)) {
      await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), client.closed]);
    }
  }
  if (open) socket.end();
  await Promise.race([client.closed, sleep(5000)]);
  return { sent, received };
}
