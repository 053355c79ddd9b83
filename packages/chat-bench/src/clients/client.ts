/** What a load client is, whichever protocol it speaks. */

/** The three ways the load talks to a server. */
export type Transport = 'json' | 'socketio' | 'telnet';

/** What a client reports as it runs. */
export interface ClientEvents {
  /** Anything at all came in (a frame, an event, a line): the load is not quiet yet. */
  frame(): void;
  /** A chat message said in the client's room by `from` (the client itself included). */
  message(from: string, text: string): void;
  /** The server answered with an error (e.g. RATE_LIMITED) after the client had joined. */
  error(code: string): void;
  /** The connection closed, and the benchmark had not asked for it. */
  closed(): void;
}

/** A connected client, in its room. */
export interface LoadClient {
  say(text: string): void;
  close(): void;
}

/** Where and as whom a client connects. */
export interface ClientPlan {
  readonly name: string;
  readonly room: string;
}

/** How long a connection and its join may take before the client counts as failed. */
export const CONNECT_TIMEOUT_MS = 60_000;
