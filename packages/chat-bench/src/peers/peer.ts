/** What every server of the benchmark offers the server child (see server_child.ts). */

/**
 * The servers the benchmark knows. otp-chat is step 07; otp-chat-06 is step 06, the same
 * server before rooms kept history, the baseline for what history costs. otp-chat-08-sqlite and
 * otp-chat-08-pg are step 08, which stores every message before broadcasting it, on SQLite and
 * on PostgreSQL: the persistence scenario's subjects, with step 07 as their baseline.
 */
export const SERVER_NAMES = [
  'otp-chat',
  'otp-chat-06',
  'ws',
  'socket.io',
  'net',
  'otp-chat-08-sqlite',
  'otp-chat-08-pg',
] as const;
export type ServerName = (typeof SERVER_NAMES)[number];

/** Where a server takes each kind of client it speaks to. */
export interface Endpoints {
  /** The step-06 JSON protocol over a WebSocket, e.g. `ws://127.0.0.1:4000/ws`. */
  readonly json?: string;
  /** Socket.IO's own protocol, at this HTTP address. */
  readonly socketio?: string;
  /** Telnet lines, at this TCP port on 127.0.0.1. */
  readonly telnet?: number;
}

/**
 * How the coordinator asks a server child to start, beyond its name (its second argument, as
 * JSON). Only otp-chat's steps read it.
 */
export interface PeerSetup {
  /**
   * Lift the per-connection flood rule (20 lines a second): the persistence scenario's clients
   * each send as fast as they are answered.
   */
  readonly noFloodRule?: boolean;
  /** Step 08's database: a SQLite data directory, or a PostgreSQL URL. */
  readonly store?: { readonly dataDir: string; readonly databaseUrl?: string | undefined };
}

export interface Peer {
  readonly endpoints: Endpoints;
  /** How many client connections the server holds now, by its own count. */
  connections(): number | Promise<number>;
}

/** The address every server listens on: the load runs on the same machine. */
export const HOST = '127.0.0.1';
