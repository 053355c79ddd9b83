/**
 * Ports over real sockets: a process owns a TCP socket (lines) or a WebSocket, gets what the
 * client sends as messages with at most N unread, and the connection closes when it exits.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  exit,
  type Pid,
  Port,
  type PortMessage,
  type PortOutput,
  Process,
  receive,
  self,
  spawn,
  TIMEOUT,
} from '@otp-chat/otp';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  FloodGate,
  openLinePort,
  openSocketPort,
  openWebSocketPort,
  type TelnetLine,
  telnetLines,
  webSocketEvents,
} from '../src/index.js';
import { serve } from './serve.js';

/** A promise and its resolve (Node 20 has no Promise.withResolvers). */
function deferred<T>(): { promise: Promise<T>; resolve(value: T): void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((settle) => {
    resolve = settle;
  });
  return { promise, resolve };
}

/** Resolves when `socket` has closed, whether or not an error came first. */
function closeOf(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.once('close', () => resolve()));
}

/** Runs `body` as a process (the owner of what it opens); resolves to what it returns. */
function asProcess<T>(body: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    spawn(() => body().then(resolve, reject));
  });
}

/** Every message now in the caller's mailbox, in short: `line:text`, `passive`, `closed:reason`. */
async function unread(): Promise<string[]> {
  const messages: string[] = [];
  for (;;) {
    const message = (await receive(undefined, 0)) as PortMessage<unknown> | typeof TIMEOUT;
    if (message === TIMEOUT) return messages;
    messages.push(short(message));
  }
}

function short(message: PortMessage<unknown>): string {
  if (message.type === 'data') return (message.data as readonly unknown[]).join(':');
  if (message.type === 'closed') return `closed:${String(message.reason)}`;
  return message.type;
}

/** How many messages wait in `pid`'s mailbox. */
function queued(pid: Pid): number {
  return Process.info(pid)?.messageQueueLength ?? -1;
}

/** Waits until `condition` holds (polling), or fails after `ms`. */
async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

async function client(port: number): Promise<Socket> {
  const socket = connect(port, '127.0.0.1');
  socket.on('error', () => {});
  await once(socket, 'connect');
  return socket;
}

function lines(from: number, to: number): string {
  let text = '';
  for (let i = from; i <= to; i++) text += `line ${i}\r\n`;
  return text;
}

describe('a TCP socket as a line port', () => {
  it('delivers lines, at most N unread, and N more each time the owner asks', async () => {
    const { port, accepted } = await serve();
    const peer = await client(port);
    const socket = await accepted();
    const got = await asProcess(async () => {
      const me = self();
      const linePort = openLinePort(socket, { active: 4 });
      peer.write(lines(1, 10)); // one write, cut into packets as the network likes
      await until(() => queued(me) === 5, 'four lines and the passive notice');
      await sleep(50); // nothing more comes while the owner does not ask
      const first = [queued(me), ...(await unread())];
      Port.setActive(linePort, 4);
      await until(() => queued(me) === 5, 'four more');
      const second = await unread();
      Port.setActive(linePort, 4);
      peer.end('last line without a line end');
      await until(() => queued(me) === 5, 'the rest, the end and the close');
      return { first, second, third: await unread() };
    });
    expect(got.first).toEqual([
      5,
      'line:line 1',
      'line:line 2',
      'line:line 3',
      'line:line 4',
      'passive',
    ]);
    expect(got.second).toEqual([
      'line:line 5',
      'line:line 6',
      'line:line 7',
      'line:line 8',
      'passive',
    ]);
    expect(got.third).toEqual([
      'line:line 9',
      'line:line 10',
      'line:last line without a line end',
      'end',
      'closed:undefined',
    ]);
  });

  it('closes the socket when its owner is killed, before the kill returns', async () => {
    const { port, accepted } = await serve();
    const peer = await client(port);
    const socket = await accepted();
    const opened = deferred<void>();
    const owner = spawn(async () => {
      openLinePort(socket, { active: 1 });
      opened.resolve();
      await receive('never');
    });
    await opened.promise;
    const closed = closeOf(peer);
    exit(owner, 'kill');
    expect(socket.destroyed).toBe(true);
    await closed;
  });

  it('lets a goodbye the owner wrote leave before the socket closes', async () => {
    const { port, accepted } = await serve();
    const peer = await client(port);
    const socket = await accepted();
    const received: Buffer[] = [];
    peer.on('data', (chunk) => received.push(chunk));
    await asProcess(async () => {
      openLinePort(socket, { active: 1 });
      socket.end('Bye!\r\n'); // then the owner exits, as a connection saying goodbye does
    });
    await closeOf(peer);
    expect(Buffer.concat(received).toString()).toBe('Bye!\r\n');
  });

  it('reads nothing more once the owner has said goodbye and exited, while the goodbye leaves', async () => {
    const { port, accepted } = await serve();
    const peer = await client(port);
    const socket = await accepted();
    await asProcess(async () => {
      openLinePort(socket, { active: 1 });
      socket.end('Bye!\r\n');
    });
    // A flooder that goes on writing: the socket lingers for its goodbye, but reads no more.
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 64 && !peer.destroyed; i++) {
      peer.write(chunk);
      await sleep(5);
    }
    expect(socket.bytesRead).toBeLessThan(2 * 1024 * 1024);
    peer.destroy();
  });

  it('a client writing megabytes to an owner that does not read costs the server a few buffers', async () => {
    const { port, accepted } = await serve();
    const peer = await client(port);
    const socket = await accepted();
    const opened = deferred<Port<TelnetLine>>();
    const owner = spawn(async () => {
      opened.resolve(openLinePort(socket, { active: 8 }));
      await receive('never'); // reads nothing
    });
    const linePort = await opened.promise;
    // The client writes 64 MB of short lines as fast as its socket takes them.
    const chunk = Buffer.from(lines(1, 6000)); // about 64 KB
    let written = 0;
    while (written < 64 * 1024 * 1024) {
      written += chunk.length;
      if (peer.write(chunk)) continue;
      const drained = await Promise.race([once(peer, 'drain'), sleep(500).then(() => false)]);
      if (drained === false) break; // TCP stopped taking more: the server is not reading
    }
    expect(written).toBeLessThan(64 * 1024 * 1024);
    // The server read one or two chunks of it; the kernel's buffers hold a little more.
    expect(socket.bytesRead).toBeLessThan(1024 * 1024);
    expect(queued(owner)).toBe(9); // 8 lines and the passive notice
    expect(Port.info(linePort)).toMatchObject({ paused: true });
    expect(Port.info(linePort)?.queued).toBeLessThan(20_000);
    exit(owner, 'kill');
    peer.destroy();
  });

  it('a codec judges lines as they arrive: a flood is cut off while the owner reads nothing', async () => {
    const { port, accepted } = await serve();
    const peer = await client(port);
    const socket = await accepted();
    const got = await asProcess(async () => {
      const me = self();
      const gate = new FloodGate({ ratePerSecond: 10, burst: 20 });
      // The flood rule on arrival: a warning in place of the first line over the rate, then
      // the port is closed at the next one.
      type Judged = TelnetLine | readonly ['flood_warning'];
      const codec = Port.judged(telnetLines(), (item, out: PortOutput<Judged>) => {
        const verdict = gate.check();
        if (verdict === 'ok') out.push(item);
        else if (verdict === 'warn') out.push(['flood_warning']);
        else out.close('flood');
      });
      const linePort = openSocketPort(socket, { active: 8, codec });
      peer.write(lines(1, 10_000));
      await closeOf(peer); // cut off on arrival, though the owner has read nothing
      const first = await unread();
      Port.setActive(linePort, 100);
      await until(() => queued(me) > 0, 'the rest');
      return { first, rest: await unread() };
    });
    const expected = [];
    for (let i = 1; i <= 20; i++) expected.push(`line:line ${i}`); // the burst
    expected.push('flood_warning', 'closed:flood');
    expect(got.first).toEqual([...expected.slice(0, 8), 'passive']);
    expect(got.rest).toEqual(expected.slice(8));
  });
});

describe('a WebSocket as a port', () => {
  const servers: WebSocketServer[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) server.close();
  });

  /** A WebSocket server and a client connected to it: the server's side of the connection. */
  async function connection(): Promise<{
    server: WebSocket;
    peer: WebSocket;
    bytesRead: () => number;
  }> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await once(wss, 'listening');
    const accepted = once(wss, 'connection') as Promise<[WebSocket, { socket: Socket }]>;
    const peer = new WebSocket(`ws://127.0.0.1:${(wss.address() as { port: number }).port}`);
    peer.on('error', () => {});
    const [server, request] = await accepted;
    if (peer.readyState !== WebSocket.OPEN) await once(peer, 'open');
    return { server, peer, bytesRead: () => request.socket.bytesRead };
  }

  it('delivers messages, at most N unread, and N more each time the owner asks', async () => {
    const { server, peer } = await connection();
    const got = await asProcess(async () => {
      const me = self();
      const wsPort = openWebSocketPort(server, { active: 3 });
      for (let i = 1; i <= 7; i++) peer.send(`hello ${i}`);
      await until(() => queued(me) === 4, 'three messages and the passive notice');
      await sleep(50);
      const first = [queued(me), ...(await unread())];
      Port.setActive(wsPort, 10);
      await until(() => queued(me) === 4, 'the other four');
      const second = await unread();
      peer.close(4000);
      await until(() => queued(me) === 1, 'the close');
      return { first, second, third: await unread() };
    });
    expect(got.first).toEqual([4, 'text:hello 1', 'text:hello 2', 'text:hello 3', 'passive']);
    expect(got.second).toEqual(['text:hello 4', 'text:hello 5', 'text:hello 6', 'text:hello 7']);
    expect(got.third).toEqual(['closed:4000']);
  });

  it('with webSocketEvents for a codec, delivers each event as it came, pings too', async () => {
    const { server, peer } = await connection();
    const got = await asProcess(async () => {
      const me = self();
      openWebSocketPort(server, { active: 10, codec: webSocketEvents });
      peer.send('hello');
      peer.send(Buffer.from('bytes'));
      peer.ping();
      await until(() => queued(me) === 3, 'a text, a binary and a ping');
      return unread();
    });
    expect(got).toEqual(['text:hello', 'binary:bytes', 'ping']);
  });

  it('closes the WebSocket when its owner is killed', async () => {
    const { server, peer } = await connection();
    const opened = deferred<void>();
    const owner = spawn(async () => {
      openWebSocketPort(server, { active: 1 });
      opened.resolve();
      await receive('never');
    });
    await opened.promise;
    const closed = once(peer, 'close') as Promise<[number]>;
    exit(owner, 'kill');
    const [code] = await closed;
    expect(code).toBe(1006); // cut, not closed with a handshake
  });

  it('a client sending megabytes to an owner that does not read costs the server a few buffers', async () => {
    const { server, peer, bytesRead } = await connection();
    const opened = deferred<Pid>();
    const owner = spawn(async () => {
      openWebSocketPort(server, { active: 4 });
      opened.resolve(self());
      await receive('never');
    });
    await opened.promise;
    const message = Buffer.alloc(64 * 1024, 'x').toString();
    for (let i = 0; i < 1024; i++) peer.send(message); // 64 MB, queued in the client
    await sleep(500);
    expect(peer.bufferedAmount).toBeGreaterThan(32 * 1024 * 1024); // the client could not send it
    expect(bytesRead()).toBeLessThan(8 * 1024 * 1024);
    expect(queued(owner)).toBe(5); // 4 messages and the passive notice
    exit(owner, 'kill');
    peer.terminate();
  });
});
