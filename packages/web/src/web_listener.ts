/**
 * The web listener: a GenServer that owns the HTTP server. It serves the browser client's
 * files, and it accepts WebSocket connections at WS_PATH and hands each to a fresh connection
 * process under the same connection supervisor as the telnet connections.
 *
 * Like the telnet listener, it is not linked to the connections it starts: if it dies, the
 * port closes and its supervisor starts a new one on the same port, and the WebSocket sessions
 * carry on (ws tracks no clients here, so closing its server touches none of them).
 *
 * What differs between steps comes in its arguments: the settings, the step's page (its
 * `public/` directory) and its protocol (a JsonAdapter).
 */
import type { Socket } from 'node:net';
import { type OriginPolicy, webServer } from '@otp-chat/net';
import { DynamicSupervisor, type GenServerModule, Process, self, send } from '@otp-chat/otp';
import { CONNECTIONS, type ListenError, type ListenerArgs, listen } from '@otp-chat/telnet';
import type { WebSocket } from 'ws';
import type { JsonAdapter } from './adapter.js';
import type { WebConfig } from './config.js';
import { webAssets } from './web_assets.js';
import { webConnectionSpec } from './web_connection.js';

export const WEB_LISTENER = 'Chat.WebListener';
/** Where WebSocket connections are accepted. */
export const WS_PATH = '/ws';

interface WebListenerState {
  readonly config: WebConfig;
  readonly adapter: JsonAdapter;
  /** Accepted WebSockets not yet handed to a connection process: cut if the listener dies. */
  readonly pending: Set<WebSocket>;
}

/**
 * What the listener sends itself for each new WebSocket, to start its process: the WebSocket,
 * and the TCP socket under it (its connection corks it: see sendBounded).
 */
type Upgraded = readonly ['upgraded', WebSocket, socket: Socket];

/**
 * Where to listen and the caps, as for the telnet listener; the settings; which pages may open
 * a WebSocket; and what the step brings: its page and its protocol.
 */
export interface WebListenerArgs extends Pick<ListenerArgs, 'endpoint' | 'caps'> {
  readonly config: WebConfig;
  readonly origins: OriginPolicy;
  /** The step's `public/` directory, with chat.html and chat.ts (see webAssets). */
  readonly publicDir: URL;
  readonly adapter: JsonAdapter;
}

// #region listener
export const WebListener = {
  name: 'ChatWebListener',

  async init({ endpoint, config, caps, origins, publicDir, adapter }: WebListenerArgs) {
    const me = self();
    const pending = new Set<WebSocket>();
    const web = {
      files: await webAssets(publicDir),
      wsPath: WS_PATH,
      maxPayload: config.maxFrameBytes,
      caps,
      allowsOrigin: (origin?: string) => origins.allows(origin, endpoint.port),
    };
    const server = webServer(me, web, (ws, socket) => {
      pending.add(ws);
      send(me, ['upgraded', ws, socket] satisfies Upgraded);
    });
    // Its server closes with it (see webServer); these are cut.
    Process.onExit(me, () => {
      for (const ws of pending) ws.terminate();
    });
    const listening = await listen(server, endpoint);
    if (listening[0] === 'error') return ['stop', listening[1]] as const;
    return ['ok', { config, adapter, pending }] as const;
  },

  async handleInfo(message: unknown, state: WebListenerState) {
    const received = message as Upgraded | ListenError;
    if (received[0] === 'listen_error') return ['stop', received[1], state] as const;
    if (received[0] === 'upgraded') {
      const [, ws, socket] = received;
      state.pending.delete(ws);
      const spec = webConnectionSpec(ws, socket, state.config, state.adapter);
      const started = await DynamicSupervisor.startChild(CONNECTIONS, spec);
      if (started[0] !== 'ok') ws.terminate();
    }
    return ['noreply', state] as const;
  },
} satisfies GenServerModule<WebListenerState, WebListenerArgs>;
// #endregion listener
