/**
 * The web listener: a GenServer that owns the HTTP server. It serves the browser client's
 * files, and it accepts WebSocket connections at WS_PATH and hands each to a fresh connection
 * process under the same connection supervisor as the telnet connections.
 *
 * Like the telnet listener, it is not linked to the connections it starts: if it dies, the
 * port closes and its supervisor starts a new one on the same port, and the WebSocket sessions
 * carry on (ws tracks no clients here, so closing its server touches none of them).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  admitHttp,
  asProcess,
  type ConnectionCaps,
  type OriginPolicy,
  refuseBusy,
  refuseUpgrade,
  requestPath,
  serveHttp,
} from '@otp-chat/net';
import { DynamicSupervisor, type GenServerModule, Process, self, send } from '@otp-chat/otp';
import { CONNECTIONS, type Endpoint, type ListenError, listen } from '@otp-chat/telnet';
import { type WebSocket, WebSocketServer } from 'ws';
import type { ChatConfig } from './config.ts';
import { webAssets } from './web_assets.ts';
import { webConnectionSpec } from './web_connection.ts';

export const WEB_LISTENER = 'Chat.WebListener';
/** Where WebSocket connections are accepted. */
export const WS_PATH = '/ws';
/** How long a closing handshake may take before ws cuts the connection. */
const CLOSE_TIMEOUT_MS = 2000;
/** The WebSocket close code for "try again later" (RFC 6455, IANA registry). */
const TRY_AGAIN_LATER = 1013;

interface WebListenerState {
  readonly config: ChatConfig;
  /** Accepted WebSockets not yet handed to a connection process: cut if the listener dies. */
  readonly pending: Set<WebSocket>;
}

/**
 * What the HTTP server sends its owner: a WebSocket, and the TCP socket under it (its
 * connection corks it: see sendBounded).
 */
type Upgraded = readonly ['upgraded', WebSocket, socket: Duplex, address: string | undefined];

interface WebListenerArgs {
  readonly endpoint: Endpoint;
  readonly config: ChatConfig;
  readonly caps: ConnectionCaps;
  readonly origins: OriginPolicy;
}

// #region listener
export const WebListener = {
  name: 'ChatWebListener',

  async init({ endpoint, config, caps, origins }: WebListenerArgs) {
    const me = self();
    const assets = await webAssets();
    const options = {
      noServer: true,
      maxPayload: config.maxFrameBytes,
      // The sessions are tracked by the connection supervisor, not by ws.
      clientTracking: false,
      // ws 8.23 takes this option; its type definitions do not list it yet.
      closeTimeout: CLOSE_TIMEOUT_MS,
    };
    const sockets = new WebSocketServer(options);
    const server = createServer((request, response) => {
      const refusal = refusalOf(request.socket);
      if (refusal === undefined) serveHttp(assets, WS_PATH, request, response);
      else refuseBusy(response, refusal);
    });
    const pending = new Set<WebSocket>();
    Process.onExit(me, () => {
      server.close();
      for (const ws of pending) ws.terminate();
    });
    // Every connection counts against the caps from the moment it is accepted, idle or not.
    const refusalOf = admitHttp(server, caps);
    server.on(
      'upgrade',
      asProcess(me, (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        if (requestPath(request) !== WS_PATH) return refuseUpgrade(socket, 404, 'not found');
        if (!origins.allows(request.headers.origin, endpoint.port)) {
          return refuseUpgrade(socket, 403, 'this page may not open a WebSocket here');
        }
        const refusal = refusalOf(request.socket);
        sockets.handleUpgrade(request, socket, head, (ws) => {
          if (refusal !== undefined) return ws.close(TRY_AGAIN_LATER, refusal);
          // Paused: no frame is read before its connection process asks for frames.
          ws.pause();
          ws.on('error', ignore);
          pending.add(ws);
          send(me, ['upgraded', ws, socket, request.socket.remoteAddress] satisfies Upgraded);
        });
      }),
    );
    const listening = await listen(server, endpoint);
    if (listening[0] === 'error') return ['stop', listening[1]] as const;
    return ['ok', { config, pending }] as const;
  },

  async handleInfo(message: unknown, state: WebListenerState) {
    const received = message as Upgraded | ListenError;
    if (received[0] === 'listen_error') return ['stop', received[1], state] as const;
    if (received[0] === 'upgraded') {
      const [, ws, socket, address] = received;
      state.pending.delete(ws);
      const spec = webConnectionSpec(ws, socket, address, state.config);
      const started = await DynamicSupervisor.startChild(CONNECTIONS, spec);
      if (started[0] !== 'ok') ws.terminate();
    }
    return ['noreply', state] as const;
  },
} satisfies GenServerModule<WebListenerState, WebListenerArgs>;
// #endregion listener

function ignore(): void {}
