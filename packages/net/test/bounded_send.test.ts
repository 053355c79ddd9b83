import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { type BufferedSocket, sendBounded } from '../src/index.js';

/** A socket that keeps what it is sent and reports a backlog we set. */
function fakeSocket(bufferedAmount: number) {
  const sent: Array<{ data: string | Uint8Array; binary: boolean }> = [];
  const socket: BufferedSocket = {
    bufferedAmount,
    readyState: 1,
    extensions: '',
    send: (data, options) => sent.push({ data, binary: options.binary }),
  };
  return { socket, sent };
}

describe('sendBounded', () => {
  it('sends as a text frame while the backlog is within the limit', () => {
    const { socket, sent } = fakeSocket(100);
    const bytes = Buffer.from('{"type":"left"}');
    expect(sendBounded(socket, bytes, 100)).toBe(true);
    expect(sent).toEqual([{ data: bytes, binary: false }]);
  });

  it('sends nothing and says so once the backlog is over the limit', () => {
    const { socket, sent } = fakeSocket(101);
    expect(sendBounded(socket, 'hello', 100)).toBe(false);
    expect(sent).toEqual([]);
  });
});

describe('sendBounded with the TCP socket under a ws WebSocket', () => {
  const servers: WebSocketServer[] = [];
  const peers: WebSocket[] = [];
  afterEach(() => {
    for (const peer of peers.splice(0)) peer.terminate();
    for (const server of servers.splice(0)) server.close();
  });

  /** The server's side of a connection (ws and its raw socket), the peer, and what it got. */
  async function connection() {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    servers.push(wss);
    await once(wss, 'listening');
    const accepted = once(wss, 'connection') as Promise<[WebSocket, IncomingMessage]>;
    const peer = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    peers.push(peer);
    peer.on('error', () => {});
    const received: string[] = [];
    const arrivals: Array<() => void> = [];
    peer.on('message', (data) => {
      received.push(String(data));
      for (const arrived of arrivals.splice(0)) arrived();
    });
    const [ws, request] = await accepted;
    if (peer.readyState !== WebSocket.OPEN) await once(peer, 'open');
    const raw = request.socket;
    // Let the handshake's own write finish, so that only the frames below are counted.
    await nextMacrotask();
    /** Resolves once the peer has received `count` messages in all. */
    const receivedCount = async (count: number) => {
      while (received.length < count) await new Promise<void>((r) => arrivals.push(r));
    };
    return { ws, raw, peer, received, receivedCount, writes: countWrites(raw) };
  }

  it('sends the frames of one tick intact, in order, in one writev', async () => {
    const { ws, raw, received, receivedCount, writes } = await connection();
    const frames = Array.from(
      { length: 20 },
      (_, i) => `{"n":${i},"text":"${'x'.repeat(i * 50)}"}`,
    );
    for (const frame of frames) expect(sendBounded(ws, frame, 64 * 1024, raw)).toBe(true);
    expect(raw.writableCorked).toBe(1);
    await receivedCount(frames.length);
    expect(received).toEqual(frames);
    expect(writes()).toBe(1);
  });

  it('writes bytes as whole frames beside what ws sends, in order, intact at every length', async () => {
    const { ws, raw, received, receivedCount, writes } = await connection();
    // Each length form of the header: 7 bits, 16 bits after 126, 64 bits after 127.
    const sizes = [0, 1, 125, 126, 127, 65_535, 65_536, 200_000];
    const sent: string[] = [];
    for (const [i, size] of sizes.entries()) {
      const text = String.fromCharCode(97 + i).repeat(size);
      sent.push(text, `between ${i}`);
      expect(sendBounded(ws, Buffer.from(text), 1 << 20, raw)).toBe(true);
      expect(sendBounded(ws, `between ${i}`, 1 << 20, raw)).toBe(true);
    }
    await receivedCount(sent.length);
    expect(received).toEqual(sent);
    expect(writes()).toBe(1);
  });

  it('sends multi-byte UTF-8 bytes as the text they encode', async () => {
    const { ws, raw, received, receivedCount } = await connection();
    const text = 'héllo, 世界 👋';
    sendBounded(ws, Buffer.from(text), 1024, raw);
    await receivedCount(1);
    expect(received).toEqual([text]);
  });

  it('writes nothing of its own after ws has started closing: the close frame comes last', async () => {
    const { ws, raw, peer } = await connection();
    const written: unknown[] = [];
    const write = raw.write.bind(raw) as (chunk: unknown) => boolean;
    (raw as { write: (chunk: unknown) => boolean }).write = (chunk) => {
      written.push(chunk);
      return write(chunk);
    };
    const errors: Error[] = [];
    peer.on('error', (error) => errors.push(error));
    const closed = once(peer, 'close');
    ws.close(1000, 'bye');
    const afterClose = written.length;
    expect(sendBounded(ws, Buffer.from('too late'), 1024, raw)).toBe(true);
    expect(written.length).toBe(afterClose);
    const [code] = await closed;
    expect(code).toBe(1000);
    expect(errors).toEqual([]);
  });

  it('is measured right: without the raw socket, each frame is a system call of its own', async () => {
    const { ws, received, receivedCount, writes } = await connection();
    for (let i = 0; i < 20; i++) expect(sendBounded(ws, `frame ${i}`, 64 * 1024)).toBe(true);
    await receivedCount(20);
    expect(received).toHaveLength(20);
    expect(writes()).toBe(20);
  });

  it('holds nothing back past its tick: a lone send in a later tick leaves on its own', async () => {
    const { ws, raw, received, receivedCount, writes } = await connection();
    sendBounded(ws, 'first', 1024, raw);
    sendBounded(ws, 'second', 1024, raw);
    await nextMacrotask();
    expect(raw.writableCorked).toBe(0);
    sendBounded(ws, 'alone', 1024, raw);
    await nextMacrotask();
    // Uncorked at the end of its tick, with no other send to push it out.
    expect(raw.writableCorked).toBe(0);
    await receivedCount(3);
    expect(received).toEqual(['first', 'second', 'alone']);
    expect(writes()).toBe(2);
  });

  it('refuses once a peer that never reads has more than the limit left from earlier ticks', async () => {
    const { ws, raw, peer } = await connection();
    peer.pause(); // never read: the kernel buffers fill, then the socket's own
    const frame = Buffer.alloc(16 * 1024, 0x61);
    const limit = 256 * 1024;
    let refused = false;
    // One send a tick, so that the kernel can take what it will in between.
    for (let round = 0; round < 10_000 && !refused; round++) {
      refused = !sendBounded(ws, frame, limit, raw);
      await nextMacrotask();
    }
    expect(refused).toBe(true);
    expect(ws.bufferedAmount).toBeGreaterThan(limit);
    // At most one frame (and its header) past the limit: the last one let through.
    expect(ws.bufferedAmount).toBeLessThanOrEqual(limit + frame.length + 16);
  });

  it('does not hold a burst sent in one tick against a peer that reads', async () => {
    const { ws, raw, received, receivedCount } = await connection();
    const frame = 'b'.repeat(1024);
    for (let i = 0; i < 64; i++) expect(sendBounded(ws, frame, 4096, raw)).toBe(true);
    expect(ws.bufferedAmount).toBeGreaterThan(4096);
    await receivedCount(64);
    expect(received.every((text) => text === frame)).toBe(true);
  });
});

/** Counts the system calls a socket's writes make: one per `_write` or `_writev`. */
function countWrites(socket: Socket): () => number {
  let calls = 0;
  const internals = socket as unknown as Record<'_write' | '_writev', (...args: unknown[]) => void>;
  for (const method of ['_write', '_writev'] as const) {
    const original = internals[method];
    internals[method] = function (this: Socket, ...args: unknown[]) {
      calls++;
      return original.apply(this, args);
    };
  }
  return () => calls;
}

function nextMacrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
