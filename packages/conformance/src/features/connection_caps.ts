import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { LineClient } from '@otp-chat/net';
import { afterEach, describe, expect, it } from 'vitest';
import { chatFixture, sleep } from '../fixture.ts';
import type { StepUnderTest } from '../step.ts';

// The connection caps on the telnet side: a total, and one per IP address (loopback exempt by
// default, as ergo exempts localhost). Past either, a new connection is told why in one line and
// closed, and the users already in notice nothing. Other addresses are made on loopback: all of
// 127.0.0.0/8 is this machine, so a client may connect from 127.0.0.2.
export function connectionCaps(step: StepUnderTest): void {
  const chat = chatFixture(step);
  const sockets = idleSockets();

  /** A telnet client refused with `line`, and closed by the server. */
  async function refused(line: string, localAddress?: string): Promise<void> {
    const client = await LineClient.connect(chat.server.port, localAddress ? { localAddress } : {});
    expect(await client.next()).toBe(line);
    await client.closed;
    expect(client.received).toEqual([line]);
  }

  /**
   * A client greeted, as soon as the server has seen a connection close: the client sees the
   * close first, the server a moment later.
   */
  async function admittedSoon(): Promise<void> {
    for (let tries = 0; ; tries++) {
      const client = await LineClient.connect(chat.server.port);
      if ((await client.next()) === 'Welcome to otp-chat!') return client.reset();
      expect(tries).toBeLessThan(50);
      await client.closed;
      await sleep(10);
    }
  }

  describe('the total cap', () => {
    it('refuses a connection past it in one line; those in keep chatting', async () => {
      await chat.start({ maxConnections: 3 });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      await chat.connect(); // not named yet: it counts all the same
      await refused('error: the server is full (3 connections); try again later.');
      bob.send('still here');
      expect(await alice.expect(/^bob:/)).toBe('bob: still here');
    });

    it('counts a connection until it closes, then takes a new one', async () => {
      await chat.start({ maxConnections: 2 });
      await chat.login('alice');
      const bob = await chat.login('bob');
      await refused('error: the server is full (2 connections); try again later.');
      bob.send('/quit');
      await bob.closed;
      await admittedSoon();
    });

    it('holds under a flood of idle sockets: those in chat on, those refused are told why', async () => {
      await chat.start({ maxConnections: 100 });
      const alice = await chat.login('alice');
      const bob = await chat.login('bob');
      const idle = await sockets.open(chat.server.port, 300);
      const lines = await Promise.all(idle.map(firstLine));
      const full = 'error: the server is full (100 connections); try again later.';
      // 98 admitted (greeted), 202 refused: the accept order is the connect order.
      expect(lines.filter((line) => line === 'Welcome to otp-chat!')).toHaveLength(98);
      expect(lines.filter((line) => line === full)).toHaveLength(202);
      bob.send('unbothered');
      expect(await alice.expect(/^bob:/)).toBe('bob: unbothered');
      sockets.closeAll();
      // Once the idle sockets are gone, newcomers get in again.
      await admittedSoon();
    });
  });

  describe('the cap per IP address', () => {
    it('refuses an address past it, and no other address', async () => {
      await chat.start({ maxConnectionsPerIp: 16, ipCapExempt: [] });
      const idle = await sockets.open(chat.server.port, 16, '127.0.0.2');
      await Promise.all(idle.map(firstLine));
      await refused(
        'error: too many connections from your address (at most 16); close one and try again.',
        '127.0.0.2',
      );
      // Somebody else, from another address, is not held up by it.
      const alice = await chat.login('alice');
      alice.send('/users');
      expect(await alice.next()).toBe('In lobby: alice');
    });

    it('is 16 by default', async () => {
      await chat.start({ ipCapExempt: [] });
      await Promise.all((await sockets.open(chat.server.port, 16)).map(firstLine));
      await refused(
        'error: too many connections from your address (at most 16); close one and try again.',
      );
    });

    it('exempts loopback by default: the tests, a learner and a local proxy all come from it', async () => {
      await chat.start({ maxConnectionsPerIp: 2 });
      await chat.login('alice');
      await chat.login('bob');
      await chat.login('carol');
    });
  });
}

/** Raw sockets that only listen, closed after each test. */
function idleSockets() {
  const open: Socket[] = [];
  afterEach(() => {
    for (const socket of open.splice(0)) socket.destroy();
  });
  return {
    /** `count` sockets to `port`, connected one after the other (from `localAddress`). */
    async open(port: number, count: number, localAddress?: string): Promise<Socket[]> {
      const opened: Socket[] = [];
      for (let i = 0; i < count; i++) {
        const socket = connect({ port, host: '127.0.0.1', ...(localAddress && { localAddress }) });
        socket.on('error', () => {});
        socket.setEncoding('utf8');
        open.push(socket);
        opened.push(socket);
        await once(socket, 'connect');
      }
      return opened;
    },
    closeAll(): void {
      for (const socket of open.splice(0)) socket.destroy();
    },
  };
}

/** The first line a socket receives. */
function firstLine(socket: Socket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    socket.on('data', (chunk: string) => {
      text += chunk;
      const end = text.indexOf('\r\n');
      if (end >= 0) resolve(text.slice(0, end));
    });
    socket.once('close', () => reject(new Error(`closed before a line: ${JSON.stringify(text)}`)));
  });
}
