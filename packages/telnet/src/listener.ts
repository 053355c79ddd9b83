/**
 * The listener: a GenServer that owns the listening socket and hands every new connection to
 * a fresh connection process under the connection supervisor.
 *
 * It is deliberately not linked to the connections it starts: they are the connection
 * supervisor's children. When the listener dies, the port closes (it owns it) and its
 * supervisor starts a new listener on the same port, while every established session carries
 * on untouched.
 */
import type { Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { asProcess, type ConnectionCaps, refuseSocket } from '@otp-chat/net';
import { DynamicSupervisor, type GenServerModule, Process, self, send } from '@otp-chat/otp';
import type { TelnetConfig } from './config.js';
import { connectionSpec } from './connection.js';

export const LISTENER = 'Chat.Listener';
export const CONNECTIONS = 'Chat.Connections';

/**
 * Where to listen. The listener writes the port it got back into it, so that a listener
 * restarted after a crash takes the same port again, even when port 0 let the system pick.
 */
export interface Endpoint {
  readonly host: string;
  port: number;
}

interface ListenerState {
  readonly config: TelnetConfig;
  /** Accepted sockets not yet handed to a connection process: closed if the listener dies. */
  readonly pending: Set<Socket>;
}

/** What the listening socket sends its owner. */
type Accepted = readonly ['accepted', Socket];
/** What a listening server sends its owner if it fails once it listens (see `listen`). */
export type ListenError = readonly ['listen_error', Error];

export interface ListenerArgs {
  readonly endpoint: Endpoint;
  readonly config: TelnetConfig;
  /** The server's connection caps, shared with any other listener of the server. */
  readonly caps: ConnectionCaps;
}

// #region listener
export const Listener = {
  name: 'ChatListener',

  async init({ endpoint, config, caps }: ListenerArgs) {
    const me = self();
    // Paused: nothing is read from a socket before its connection process asks for lines.
    // Half-open: a client that closes its side still gets the answers to what it sent.
    const server = createServer({ pauseOnConnect: true, noDelay: true, allowHalfOpen: true });
    const pending = new Set<Socket>();
    Process.onExit(me, () => {
      server.close();
      for (const socket of pending) socket.destroy();
    });
    server.on(
      'connection',
      asProcess(me, (socket: Socket) => {
        // Judged at once, before a process or a buffer is spent on the socket.
        const refusal = caps.admit(socket);
        if (refusal !== undefined) return refuseSocket(socket, `error: ${caps.explain(refusal)}.`);
        pending.add(socket);
        send(me, ['accepted', socket] satisfies Accepted);
      }),
    );
    const listening = await listen(server, endpoint);
    if (listening[0] === 'error') return ['stop', listening[1]] as const;
    return ['ok', { config, pending }] as const;
  },

  async handleInfo(message: unknown, state: ListenerState) {
    const [tag, payload] = message as Accepted | ListenError;
    if (tag === 'listen_error') return ['stop', payload, state] as const;
    if (tag === 'accepted') {
      const socket = payload;
      state.pending.delete(socket);
      const spec = connectionSpec(socket, state.config);
      const started = await DynamicSupervisor.startChild(CONNECTIONS, spec);
      if (started[0] !== 'ok') socket.destroy();
    }
    return ['noreply', state] as const;
  },
} satisfies GenServerModule<ListenerState, ListenerArgs>;
// #endregion listener

/**
 * Starts `server` listening at `endpoint` for the calling process, as `gen_tcp:listen` answers
 * `{ok, Socket}` or `{error, Reason}`, and writes the port it got back into `endpoint`. Once it
 * listens, an error of the server reaches the process as a `ListenError` message.
 */
export async function listen(
  server: Server | HttpServer,
  endpoint: Endpoint,
): Promise<readonly ['ok', port: number] | readonly ['error', reason: unknown]> {
  const me = self();
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(endpoint.port, endpoint.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    return ['error', error];
  }
  endpoint.port = (server.address() as AddressInfo).port;
  const forward = (error: Error) => send(me, ['listen_error', error] satisfies ListenError);
  server.on('error', asProcess(me, forward));
  return ['ok', endpoint.port];
}
