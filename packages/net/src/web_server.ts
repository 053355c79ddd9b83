/**
 * The HTTP server of a web listener: it serves a web client's files, takes WebSocket connections
 * at one path with the ws package (from the pages allowed to open them), and counts every
 * connection against the server's caps. What it makes of an upgrade is a WebSocket, paused, for
 * its owner to read when it is ready; the rest (a process for it, a port) is the owner's.
 */
import { createServer, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Pid, Process } from '@otp-chat/otp';
import { type WebSocket, WebSocketServer } from 'ws';
import { asProcess } from './as_process.js';
import { admitHttp, type ConnectionCaps } from './connection_caps.js';
import { refuseBusy, refuseUpgrade, requestPath, serveHttp, type WebFile } from './http_replies.js';

/** How long a closing handshake may take before ws cuts the connection. */
const CLOSE_TIMEOUT_MS = 2000;

/** The WebSocket close codes a server sends (RFC 6455, and the IANA registry for 1013). */
export const CloseCode = {
  /** The server is going away: it is shutting down. */
  GOING_AWAY: 1001,
  /** The client broke a rule of the server's. */
  POLICY_VIOLATION: 1008,
  /** The server is too busy for now: try again later. */
  TRY_AGAIN_LATER: 1013,
} as const;

/** The most UTF-8 bytes a close frame's reason may have (RFC 6455: 125, less the code's 2). */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * `text` cut to what a close frame can carry: at most MAX_CLOSE_REASON_BYTES bytes of UTF-8,
 * whole code points only. ws throws on a longer reason, and a reason that quotes a room's name
 * in Chinese (32 characters, 96 bytes) is longer.
 */
export function closeReason(text: string): string {
  if (Buffer.byteLength(text) <= MAX_CLOSE_REASON_BYTES) return text;
  let cut = '';
  let bytes = 0;
  for (const char of text) {
    bytes += Buffer.byteLength(char);
    if (bytes > MAX_CLOSE_REASON_BYTES) break;
    cut += char;
  }
  return cut;
}

export interface WebSocketAcceptOptions {
  /** The one path that takes WebSocket connections: an upgrade anywhere else gets 404. */
  readonly wsPath: string;
  /** The largest frame ws takes: a larger one closes the connection (1009) before it is read. */
  readonly maxPayload: number;
  /** Whether a page from `origin` may open a WebSocket here (see OriginPolicy); 403 if not. */
  readonly allowsOrigin: (origin: string | undefined) => boolean;
  /** Why a connection is over the server's caps, or undefined (see admitHttp). */
  readonly refusalOf: (socket: Socket) => string | undefined;
}

/**
 * What is done with a new WebSocket, paused, and the TCP socket under it (to cork: see
 * sendBounded; its `remoteAddress` is the client's).
 */
export type WebSocketHandler = (ws: WebSocket, socket: Socket) => void;

// #region accept
/**
 * The handler of an HTTP server's 'upgrade' event that accepts WebSockets at `options.wsPath`
 * and hands each to `onSocket`. An upgrade elsewhere, or from a page not allowed, is refused in
 * plain HTTP (404, 403). One over the caps is accepted and closed at once with 1013 and the
 * reason: a page's script sees a close code, but no status when a handshake fails.
 */
export function acceptWebSockets(
  options: WebSocketAcceptOptions,
  onSocket: WebSocketHandler,
): (request: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const settings = {
    noServer: true,
    maxPayload: options.maxPayload,
    // The sessions are tracked by their owners, not by ws: closing the HTTP server (its owner
    // died) touches none of them.
    clientTracking: false,
    // ws 8.23 takes this option; its type definitions do not list it yet.
    closeTimeout: CLOSE_TIMEOUT_MS,
  };
  const sockets = new WebSocketServer(settings);
  return (request, socket, head) => {
    if (requestPath(request) !== options.wsPath) return refuseUpgrade(socket, 404, 'not found');
    if (!options.allowsOrigin(request.headers.origin)) {
      return refuseUpgrade(socket, 403, 'this page may not open a WebSocket here');
    }
    const refusal = options.refusalOf(request.socket);
    sockets.handleUpgrade(request, socket, head, (ws) => {
      if (refusal !== undefined) return ws.close(CloseCode.TRY_AGAIN_LATER, closeReason(refusal));
      // Paused: no frame is read before its owner asks for frames (a port resumes it).
      ws.pause();
      // An error before the owner listens for them (its port does) must not crash the server.
      ws.on('error', ignore);
      // The request's socket is the one the upgrade hands over, typed as a TCP socket.
      onSocket(ws, request.socket);
    });
  };
}
// #endregion accept

export interface WebServerOptions extends Omit<WebSocketAcceptOptions, 'refusalOf'> {
  /** The web client's files (see serveHttp). */
  readonly files: ReadonlyMap<string, WebFile>;
  /** The server's caps, shared with its other listeners (see admitHttp). */
  readonly caps: ConnectionCaps;
}

// #region server
/**
 * An HTTP server, not yet listening, that serves `options.files` and accepts WebSockets (see
 * acceptWebSockets). It belongs to the process `owner`, as a port does: its upgrades are
 * handled as `owner` (see asProcess), which gets each new WebSocket from `onSocket`, and it
 * closes when `owner` exits. Every connection counts against the caps from the moment it is
 * accepted, idle or not; one over them is answered 503.
 */
export function webServer(
  owner: Pid,
  options: WebServerOptions,
  onSocket: WebSocketHandler,
): HttpServer {
  const server = createServer((request, response) => {
    const refusal = refusalOf(request.socket);
    if (refusal === undefined) serveHttp(options.files, options.wsPath, request, response);
    else refuseBusy(response, refusal);
  });
  const refusalOf = admitHttp(server, options.caps);
  const upgrade = acceptWebSockets({ ...options, refusalOf }, onSocket);
  server.on('upgrade', asProcess(owner, upgrade));
  // The connections it accepted stay open: they are their own processes' now.
  Process.onExit(owner, () => server.close());
  return server;
}
// #endregion server

function ignore(): void {}
