/**
 * The chat server as an application: one supervisor over everything, so that `printTree()`
 * shows the whole server and stopping that supervisor stops it all, in order.
 *
 *   Chat.Application (one_for_one)
 *   ├─ ChatServer.Supervisor (rest_for_one)   the rooms, as in step 4
 *   │  ├─ ChatServer.Registry                 room name -> room process
 *   │  ├─ ChatServer.RoomIndex                room names, sorted, for the listing
 *   │  ├─ Store.MessageWriter                 the one process that writes messages (step 8)
 *   │  ├─ ChatServer.HistoryKeeper            every room's last messages (step 7)
 *   │  └─ ChatServer.RoomSupervisor           one process per room
 *   ├─ Store.RetentionJob                     deletes old messages, when a limit is set
 *   └─ Chat.Sessions (rest_for_one)           the network side
 *      ├─ Chat.Users                          user name -> connection process, any transport
 *      ├─ Chat.Connections                    one process per connection, of any transport
 *      └─ Chat.Listeners (one_for_one)
 *         ├─ Chat.Listener                    owns the telnet port
 *         └─ Chat.WebListener                 owns the HTTP port: the page, and WebSockets
 *
 * Children start in this order and stop in the reverse one: the listeners stop accepting
 * first, then every connection says goodbye, then the rooms go. The database is opened and
 * migrated before the tree starts, and closed after it stopped: every process in it may use it.
 */

import { ChatSupervisor, USERS } from '@otp-chat/chat';
import { ConnectionCaps, dialHost, hostInUrl, OriginPolicy } from '@otp-chat/net';
import {
  DynamicSupervisor,
  isAlive,
  type Pid,
  Registry,
  rootCause,
  Supervisor,
  type SupervisorInit,
} from '@otp-chat/otp';
import {
  migrateToLatest,
  type OpenStore,
  openStore,
  RetentionJob,
  sqlStorage,
} from '@otp-chat/store';
import { CONNECTIONS, type Endpoint, LISTENER, Listener } from '@otp-chat/telnet';
import { WEB_LISTENER, WebListener, WS_PATH } from '@otp-chat/web';
import {
  type ChatConfig,
  defaultConfig,
  historyOptions,
  roomLimits,
  storeOptions,
} from './config.ts';
import { jsonAdapter } from './json_adapter.ts';

export const APPLICATION = 'Chat.Application';
export const SESSIONS = 'Chat.Sessions';
export const LISTENERS = 'Chat.Listeners';
export const RETENTION_JOB = 'Store.RetentionJob';

/** The chat page's files (chat.html, and chat.ts, which the web listener bundles). */
const PUBLIC = new URL('../public/', import.meta.url);

/** Where each listener listens. */
interface Endpoints {
  readonly telnet: Endpoint;
  readonly web: Endpoint;
}

/** What the network side needs: the settings, where to listen, and the connection caps. */
interface NetworkArgs {
  readonly config: ChatConfig;
  readonly endpoints: Endpoints;
  /** One count for all the listeners, kept across their restarts: the caps are the server's. */
  readonly caps: ConnectionCaps;
  /** Which web pages may open a WebSocket. */
  readonly origins: OriginPolicy;
  /** The database, open and migrated (step 8). */
  readonly store: OpenStore;
}

// #region sessions
/**
 * The network side, `rest_for_one` because each child needs the ones before it: connections
 * register their user in Chat.Users (and are linked to it), and the listeners
 * start connections under Chat.Connections. If the users registry dies, the connections and
 * the listeners are restarted after it; if a listener dies, it alone is, and no session
 * notices.
 */
export const SessionsSupervisor = {
  name: SESSIONS,

  init(network: NetworkArgs): readonly ['ok', SupervisorInit] {
    const users = { id: USERS, start: () => Registry.startLink({ keys: 'unique', name: USERS }) };
    const listeners = {
      id: LISTENERS,
      start: () => Supervisor.startLink(ListenersSupervisor, network, { name: LISTENERS }),
      type: 'supervisor' as const,
    };
    return Supervisor.init([users, DynamicSupervisor.childSpec({ name: CONNECTIONS }), listeners], {
      strategy: 'rest_for_one',
    });
  },
};

/** The listeners are `one_for_one`: none needs another, so none restarts another. */
export const ListenersSupervisor = {
  name: LISTENERS,

  init({ config, endpoints, caps, origins }: NetworkArgs): readonly ['ok', SupervisorInit] {
    return Supervisor.init(
      [
        Supervisor.childSpec(
          Listener,
          // Telnet connections are labelled so in the tree, beside the WebSocket ones; step 7
          // turns on their history and presence commands (/history, /away, /back), and step 8
          // the rooms catalog's (/create, /topic).
          {
            config: { ...config, label: 'telnet', history: true, presence: true, catalog: true },
            caps,
            endpoint: endpoints.telnet,
          },
          { id: LISTENER, name: LISTENER },
        ),
        Supervisor.childSpec(
          WebListener,
          // The page and the protocol are this step's: the listener and connections are not.
          {
            config,
            caps,
            origins,
            endpoint: endpoints.web,
            publicDir: PUBLIC,
            adapter: jsonAdapter,
          },
          { id: WEB_LISTENER, name: WEB_LISTENER },
        ),
      ],
      { strategy: 'one_for_one' },
    );
  },
};
// #endregion sessions

// #region application
/**
 * The two halves are `one_for_one` under the application: neither needs the other to restart.
 * Rooms come and go on their own (a connection rejoins a room that went down), and connections
 * are nothing to the rooms but monitored pids. Step 8 gives the rooms storage: its writer
 * starts under their supervisor, before them. The retention job, when a limit is set, is on its
 * own: it only deletes rows, and nothing waits on it.
 */
function children(network: NetworkArgs) {
  const { retention } = storeOptions(network.config);
  const rooms = {
    id: 'ChatServer.Supervisor',
    // Rooms keep their history (step 7) and store every message (step 8): a message is sent
    // to the room's members once it is in the database.
    start: () =>
      ChatSupervisor.startLink(
        roomLimits(network.config),
        historyOptions(network.config),
        sqlStorage(network.store),
      ),
    type: 'supervisor' as const,
  };
  const sessions = {
    id: SESSIONS,
    start: () => Supervisor.startLink(SessionsSupervisor, network, { name: SESSIONS }),
    type: 'supervisor' as const,
  };
  const limited = retention.maxAgeMs !== undefined || retention.maxMessagesPerRoom !== undefined;
  const retentionJob = {
    ...RetentionJob.childSpec(network.store.db, retention, RETENTION_JOB),
    id: RETENTION_JOB,
  };
  return limited ? [rooms, retentionJob, sessions] : [rooms, sessions];
}
// #endregion application

/** A running chat server. */
export interface Chat {
  /** The application supervisor. */
  readonly pid: Pid;
  readonly host: string;
  /** The telnet port: the real one, when port 0 was asked for. */
  readonly port: number;
  /** The HTTP port (page and WebSockets): the real one, when port 0 was asked for. */
  readonly webPort: number;
  /** The address a WebSocket client connects to, `ws://host:webPort/ws`. */
  readonly wsUrl: string;
  /** Where the messages are stored: the SQLite file, or the PostgreSQL URL without password. */
  readonly database: string;
  /**
   * Stops the server: tells every user, closes every connection, waits until all is down.
   * Stopping a server that has stopped does nothing.
   */
  stop(): Promise<void>;
}

/** Starts the chat server; resolves once it accepts connections. */
export async function startChat(options: Partial<ChatConfig> = {}): Promise<Chat> {
  const config = { ...defaultConfig, ...options };
  const endpoints: Endpoints = {
    telnet: { host: config.host, port: config.port },
    web: { host: config.host, port: config.webPort },
  };
  const caps = new ConnectionCaps({
    maxConnections: config.maxConnections,
    maxPerAddress: config.maxConnectionsPerIp,
    exempt: config.ipCapExempt,
  });
  // A bad address or origin in the settings throws here, before anything starts.
  const origins = new OriginPolicy(config.host, config.allowedOrigins);
  const store = await openMigrated(config);
  const network = { config, endpoints, caps, origins, store };
  const started = await Supervisor.start(children(network), {
    strategy: 'one_for_one',
    name: APPLICATION,
  });
  if (started === 'ignore' || started[0] === 'error') {
    await store.close();
    const reason = started === 'ignore' ? 'ignore' : started[1];
    throw new Error(`the chat server did not start: ${rootCause(reason)}`);
  }
  const pid = started[1];
  let stopped: Promise<void> | undefined;
  return {
    pid,
    host: config.host,
    get port() {
      return endpoints.telnet.port;
    },
    get webPort() {
      return endpoints.web.port;
    },
    get wsUrl() {
      return `ws://${hostInUrl(dialHost(config.host))}:${endpoints.web.port}${WS_PATH}`;
    },
    database: `${store.where} (${store.engine})`,
    // The tree first (the writer commits what it holds as it stops), then the database.
    stop: () => {
      stopped ??= (async () => {
        if (isAlive(pid)) await Supervisor.stop(pid);
        await store.close();
      })();
      return stopped;
    },
  };
}

// #region open
/**
 * Opens the database the settings name and brings its schema up to date. A database that
 * cannot be reached or migrated stops the start here, with one sentence, before any process
 * would depend on it.
 */
async function openMigrated(config: ChatConfig): Promise<OpenStore> {
  const { location } = storeOptions(config);
  let store: OpenStore;
  try {
    store = openStore({ ...location, connectTimeoutMs: 5000 });
  } catch (error) {
    throw new Error(`the database cannot be opened: ${(error as Error).message}`);
  }
  try {
    await migrateToLatest(store.writes, store.engine);
    return store;
  } catch (error) {
    await store.close().catch(() => {});
    throw new Error(`the database ${store.where} cannot be used: ${(error as Error).message}`);
  }
}
// #endregion open
