/**
 * The plain HTTP a chat server's web listener needs beside its WebSockets: a few files served
 * from memory, and short text replies and refusals. None of it needs a process: the files are
 * the same for every request and nothing changes, so Node's request handler answers at once.
 */
import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';

/** A file served from memory: its bytes and its Content-Type. */
export interface WebFile {
  readonly body: Buffer;
  readonly type: string;
}

/** The path a request asks for ('' for a request target that is no URL at all). */
export function requestPath(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}

// #region serve
/**
 * Answers a GET or HEAD for one of `files` (405 for any other method); false, with nothing
 * sent, when no file has the request's path: the caller says why (404, 426...).
 */
export function serveFile(
  files: ReadonlyMap<string, WebFile>,
  request: IncomingMessage,
  response: ServerResponse,
): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return true;
  }
  const file = files.get(requestPath(request));
  if (file === undefined) return false;
  response.writeHead(200, {
    'Content-Type': file.type,
    'Content-Length': file.body.length,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    // The page runs its own script and talks to its own server, and nothing else; and no other
    // site may frame it (to trick a user into clicking in it).
    'Content-Security-Policy': "default-src 'self'; frame-ancestors 'none'",
  });
  response.end(request.method === 'HEAD' ? undefined : file.body);
  return true;
}
// #endregion serve

/**
 * Plain HTTP beside WebSockets: one of `files` (see serveFile); at `upgradePath`, which takes
 * WebSocket connections only, 426; anything else, 404.
 */
export function serveHttp(
  files: ReadonlyMap<string, WebFile>,
  upgradePath: string,
  request: IncomingMessage,
  response: ServerResponse,
): void {
  if (serveFile(files, request, response)) return;
  if (requestPath(request) === upgradePath) {
    replyText(response, 426, 'this address takes WebSocket connections');
  } else replyText(response, 404, 'not found');
}

/** A reply of one line of text. */
export function replyText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${text}\n`);
}

/** 503 for a connection over the server's caps: `why`, and when to try again; then it closes. */
export function refuseBusy(response: ServerResponse, why: string): void {
  response.shouldKeepAlive = false;
  response
    .writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '10' })
    .end(`${why}\n`);
}

/** An upgrade refused in plain HTTP, before any WebSocket exists; then the socket is closed. */
export function refuseUpgrade(socket: Duplex, status: 403 | 404, text: string): void {
  const body = `${text}\n`;
  socket.on('error', () => {});
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
