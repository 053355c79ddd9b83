/** What every server of the benchmark offers the server child (see server_child.ts). */

/**
 * The servers the benchmark knows. otp-chat is the newest step; otp-chat-06 is step 06, the same
 * server before rooms kept history, the baseline for what history costs.
 */
export const SERVER_NAMES = ['otp-chat', 'otp-chat-06', 'ws', 'socket.io', 'net'] as const;
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

export interface Peer {
  readonly endpoints: Endpoints;
  /** How many client connections the server holds now, by its own count. */
  connections(): number | Promise<number>;
}

/** The address every server listens on: the load runs on the same machine. */
export const HOST = '127.0.0.1';
