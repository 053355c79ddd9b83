/**
 * The web listener: a GenServer that owns the HTTP server. It serves the browser client's
 * files, and it accepts WebSocket connections at WS_PATH and hands each to a fresh connection
 * process under the same connection supervisor as the telnet connections.
 *
 * Like the telnet listener, it is not linked to the connections it starts: if it dies, the
 * port closes and its supervisor starts a new one on the same port, and the WebSocket sessions
 * carry on (ws tracks no clients here, so closing its server touches none of them).
 */
import type { Socket } from 'node:net';
import { type OriginPolicy, webServer } from '@otp-chat/net';
import { DynamicSupervisor, type GenServerModule, Process, self, send } from '@otp-chat/otp';
import { CONNECTIONS, type ListenError, type ListenerArgs, listen } from '@otp-chat/telnet';
import type { WebSocket } from 'ws';
import type { ChatConfig } from './config.ts';
import { webAssets } from './web_assets.ts';
import { webConnectionSpec } from './web_connection.ts';

export const WEB_LISTENER = 'Chat.WebListener';
/** Where WebSocket connections are accepted. */
export const WS_PATH = '/ws';

interface WebListenerState {
  readonly config: ChatConfig;
  /** Accepted WebSockets not yet handed to a connection process: cut if the listener dies. */
  readonly pending: Set<WebSocket>;
}

/**
 * What the listener sends itself for each new WebSocket, to start its process: the WebSocket,
 * and the TCP socket under it (its connection corks it: see sendBounded).
 */
type Upgraded = readonly ['upgraded', WebSocket, socket: Socket];

/** The telnet listener's, with the chat's settings, and which pages may open a WebSocket. */
interface WebListenerArgs extends ListenerArgs {
  readonly config: ChatConfig;
  readonly origins: OriginPolicy;
}

// #region listener
export const WebListener = {
  name: 'ChatWebListener',

  async init({ endpoint, config, caps, origins }: WebListenerArgs) {
    const me = self();
    const pending = new Set<WebSocket>();
    const web = {
      files: await webAssets(),
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
    return ['ok', { config, pending }] as const;
  },

  async handleInfo(message: unknown, state: WebListenerState) {
    const received = message as Upgraded | ListenError;
    if (received[0] === 'listen_error') return ['stop', received[1], state] as const;
    if (received[0] === 'upgraded') {
      const [, ws, socket] = received;
      state.pending.delete(ws);
      const spec = webConnectionSpec(ws, socket, state.config);
      const started = await DynamicSupervisor.startChild(CONNECTIONS, spec);
      if (started[0] !== 'ok') ws.terminate();
    }
    return ['noreply', state] as const;
  },
} satisfies GenServerModule<WebListenerState, WebListenerArgs>;
// #endregion listener
