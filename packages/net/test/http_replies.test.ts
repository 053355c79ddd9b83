import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  refuseBusy,
  refuseUpgrade,
  replyText,
  requestPath,
  serveFile,
  serveHttp,
  type WebFile,
} from '../src/index.js';

const FILES = new Map<string, WebFile>([
  ['/page.html', { body: Buffer.from('<p>hi</p>'), type: 'text/html; charset=utf-8' }],
]);

const servers: Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** An HTTP server on a free port whose requests go to `handle`, and whose upgrades are refused. */
async function listen(handle: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(handle);
  server.on('upgrade', (req: IncomingMessage, socket) => {
    if (requestPath(req) === '/secret') refuseUpgrade(socket, 403, 'not from that page');
    else refuseUpgrade(socket, 404, 'not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** Asks `path` with `method` (and `headers`); the status, headers and body that came back. */
async function ask(port: number, path: string, method = 'GET', headers = {}) {
  const req = request({ host: '127.0.0.1', port, path, method, headers }).end();
  const [response] = (await once(req, 'response')) as [IncomingMessage];
  let body = '';
  for await (const chunk of response) body += chunk;
  return { status: response.statusCode, headers: response.headers, body };
}

describe('serveFile', () => {
  const port = () =>
    listen((req, res) => {
      if (!serveFile(FILES, req, res)) replyText(res, 404, 'no such file');
    });

  it('serves a file with its type, its length and a policy that keeps other sites out', async () => {
    const reply = await ask(await port(), '/page.html?x=1');
    expect(reply).toMatchObject({ status: 200, body: '<p>hi</p>' });
    expect(reply.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'content-length': '9',
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'self'; frame-ancestors 'none'",
    });
  });

  it('answers HEAD without the body, and other methods with 405', async () => {
    const at = await port();
    expect(await ask(at, '/page.html', 'HEAD')).toMatchObject({ status: 200, body: '' });
    const post = await ask(at, '/page.html', 'POST');
    expect(post).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
  });

  it('leaves a path it has no file for to the caller', async () => {
    expect(await ask(await port(), '/other')).toMatchObject({
      status: 404,
      body: 'no such file\n',
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
  });
});

describe('serveHttp', () => {
  it('serves the files, 426 at the WebSocket path, and 404 anywhere else', async () => {
    const at = await listen((req, res) => serveHttp(FILES, '/ws', req, res));
    expect(await ask(at, '/page.html')).toMatchObject({ status: 200, body: '<p>hi</p>' });
    expect(await ask(at, '/ws?x=1')).toMatchObject({
      status: 426,
      body: 'this address takes WebSocket connections\n',
    });
    expect(await ask(at, '/other')).toMatchObject({ status: 404, body: 'not found\n' });
  });
});

describe('requestPath', () => {
  it('is the path without the query, and empty for a target that is no URL', () => {
    const path = (url: string) => requestPath({ url } as IncomingMessage);
    expect(path('/a/b?c=d')).toBe('/a/b');
    expect(path('http://[::1')).toBe('');
  });
});

describe('refusals', () => {
  it('refuseBusy answers 503 with why and when to retry, and closes the connection', async () => {
    const at = await listen((_req, res) => refuseBusy(res, 'too many connections'));
    expect(await ask(at, '/')).toMatchObject({
      status: 503,
      body: 'too many connections\n',
      headers: { 'retry-after': '10', connection: 'close' },
    });
  });

  it('refuseUpgrade answers a WebSocket handshake in plain HTTP', async () => {
    const at = await listen(() => {});
    const upgrade = { Connection: 'Upgrade', Upgrade: 'websocket' };
    expect(await ask(at, '/secret', 'GET', upgrade)).toMatchObject({
      status: 403,
      body: 'not from that page\n',
    });
    expect(await ask(at, '/elsewhere', 'GET', upgrade)).toMatchObject({
      status: 404,
      body: 'not found\n',
    });
  });
});
