import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, type Socket } from 'node:net';
import { receive, self, send } from '@otp-chat/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import {
  acceptWebSockets,
  ConnectionCaps,
  closeReason,
  MAX_CLOSE_REASON_BYTES,
  type WebFile,
  type WebSocketAcceptOptions,
  type WebSocketHandler,
  webServer,
} from '../src/index.js';
import { inProcess } from './in_process.js';

const FILES = new Map<string, WebFile>([
  ['/page.html', { body: Buffer.from('<p>hi</p>'), type: 'text/html; charset=utf-8' }],
]);

const ACCEPT: WebSocketAcceptOptions = {
  wsPath: '/ws',
  maxPayload: 1024,
  allowsOrigin: (origin) => origin === undefined || origin === 'http://good.example',
  refusalOf: () => undefined,
};

const servers: Server[] = [];
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

/** Listens on a free port of 127.0.0.1; the port. */
async function listening(server: Server): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** An HTTP server whose upgrades go to acceptWebSockets(`options`, `onSocket`); its port. */
function upgrading(options: Partial<WebSocketAcceptOptions>, onSocket: WebSocketHandler) {
  const server = createServer();
  server.on('upgrade', acceptWebSockets({ ...ACCEPT, ...options }, onSocket));
  return listening(server);
}

/** A WebSocket client of `port` at `path`, closed after the test. */
function client(port: number, path = '/ws', origin?: string): WebSocket {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, origin === undefined ? {} : { origin });
  ws.on('error', () => {});
  cleanups.push(() => ws.terminate());
  return ws;
}

/** The HTTP status a refused handshake got, and the body. */
async function refusal(ws: WebSocket): Promise<{ status: number | undefined; body: string }> {
  const [, response] = (await once(ws, 'unexpected-response')) as [unknown, IncomingMessage];
  let body = '';
  for await (const chunk of response) body += chunk;
  return { status: response.statusCode, body };
}

/** The code and reason a client's WebSocket was closed with. */
async function closed(ws: WebSocket): Promise<{ code: number; reason: string }> {
  const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
  return { code, reason: String(reason) };
}

describe('acceptWebSockets', () => {
  it('refuses in plain HTTP an upgrade at another path (404) or from a page not allowed (403)', async () => {
    const handed = vi.fn();
    const port = await upgrading({}, handed);
    expect(await refusal(client(port, '/other'))).toEqual({ status: 404, body: 'not found\n' });
    expect(await refusal(client(port, '/ws', 'http://evil.example'))).toEqual({
      status: 403,
      body: 'this page may not open a WebSocket here\n',
    });
    expect(handed).not.toHaveBeenCalled();
  });

  it('hands on a WebSocket paused, with the TCP socket under it, and reads nothing yet', async () => {
    const handed: Array<[WebSocket, Socket]> = [];
    const port = await upgrading({}, (ws, socket) => handed.push([ws, socket]));
    const peer = client(port, '/ws', 'http://good.example');
    await once(peer, 'open');
    await vi.waitFor(() => expect(handed).toHaveLength(1));
    const [ws, socket] = handed[0]!;
    cleanups.push(() => ws.terminate());
    expect(ws.isPaused).toBe(true);
    expect(socket.remoteAddress).toBe('127.0.0.1');
    const messages: string[] = [];
    ws.on('message', (data) => messages.push(String(data)));
    peer.send('hello');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(messages).toEqual([]);
    ws.resume();
    await vi.waitFor(() => expect(messages).toEqual(['hello']));
  });

  it('closes a WebSocket over the caps at once, with 1013 and why, and hands on nothing', async () => {
    const handed = vi.fn();
    const port = await upgrading({ refusalOf: () => 'the server is full' }, handed);
    expect(await closed(client(port))).toEqual({ code: 1013, reason: 'the server is full' });
    expect(handed).not.toHaveBeenCalled();
  });

  it('closes with a reason cut to what a close frame carries, whole characters only', async () => {
    // 32 Chinese characters (a room's longest name) are 96 bytes: with words around, too many.
    const long = `you fell behind in ${'\u623f'.repeat(32)}: 1000 messages waited unread; disconnecting`;
    const port = await upgrading({ refusalOf: () => long }, vi.fn());
    const { code, reason } = await closed(client(port));
    expect(code).toBe(1013);
    expect(Buffer.byteLength(reason)).toBeLessThanOrEqual(MAX_CLOSE_REASON_BYTES);
    expect(long.startsWith(reason)).toBe(true);
    expect(reason).not.toContain('\ufffd');
    // Short reasons pass whole; a cut never splits a 4-byte character.
    expect(closeReason('bye')).toBe('bye');
    const emoji = closeReason('\u{1f600}'.repeat(40));
    expect(Buffer.byteLength(emoji)).toBe(120);
    expect([...emoji].every((char) => char === '\u{1f600}')).toBe(true);
  });

  it('closes a WebSocket that sends a frame over maxPayload (1009)', async () => {
    const port = await upgrading({ maxPayload: 16 }, (ws) => {
      cleanups.push(() => ws.terminate());
      ws.resume();
    });
    const peer = client(port);
    await once(peer, 'open');
    peer.send('x'.repeat(17));
    expect((await closed(peer)).code).toBe(1009);
  });
});

describe('webServer', () => {
  const caps = (maxConnections: number) => new ConnectionCaps({ maxConnections, maxPerAddress: 1 });

  it('serves its files, 426 at the WebSocket path, and hands each WebSocket to its owner, as its owner', async () => {
    const got = await inProcess(async () => {
      const me = self();
      const options = { ...ACCEPT, files: FILES, caps: caps(100) };
      const server = webServer(me, options, (ws, socket) => {
        cleanups.push(() => ws.terminate());
        send(me, ['handed', self() === me, socket.remoteAddress]);
      });
      const port = await listening(server);
      const page = await fetch(`http://127.0.0.1:${port}/page.html`);
      const plain = await fetch(`http://127.0.0.1:${port}/ws`);
      await once(client(port), 'open');
      const handed = await receive((message) => (message as unknown[])[0] === 'handed', 2000);
      return { page: [page.status, await page.text()], plain: plain.status, handed };
    });
    expect(got).toEqual({
      page: [200, '<p>hi</p>'],
      plain: 426,
      handed: ['handed', true, '127.0.0.1'],
    });
  });

  it('counts every connection against the caps, idle ones too, and answers 503 past them', async () => {
    const full = caps(1);
    const reply = await inProcess(async () => {
      const port = await listening(
        webServer(self(), { ...ACCEPT, files: FILES, caps: full }, () => {}),
      );
      const idle = connect(port, '127.0.0.1');
      cleanups.push(() => idle.destroy());
      await vi.waitFor(() => expect(full.count).toBe(1));
      const refused = await fetch(`http://127.0.0.1:${port}/page.html`);
      return [refused.status, await refused.text()];
    });
    expect(reply).toEqual([503, 'the server is full (1 connection); try again later\n']);
  });

  it('closes when its owner exits, and leaves open the WebSockets it handed on', async () => {
    let handed: WebSocket | undefined;
    const { server, peer } = await inProcess(async () => {
      const options = { ...ACCEPT, files: FILES, caps: caps(100) };
      const server = webServer(self(), options, (ws) => {
        handed = ws;
        cleanups.push(() => ws.terminate());
      });
      const peer = client(await listening(server));
      await once(peer, 'open');
      await vi.waitFor(() => expect(handed).toBeDefined());
      return { server, peer };
    });
    await vi.waitFor(() => expect(server.listening).toBe(false));
    expect(handed?.readyState).toBe(WebSocket.OPEN);
    expect(peer.readyState).toBe(WebSocket.OPEN);
  });
});
