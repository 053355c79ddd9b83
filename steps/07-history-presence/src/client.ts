/**
 * A small typed client for the chat's WebSocket protocol. The same code runs in the browser
 * (the page's script uses it) and in Node (the tests and the REPL use it), because it needs
 * nothing but the standard WebSocket API: the browser's, or the ws package's in Node.
 *
 * Messages can be taken two ways:
 * - pushed: give `onMessage`, and every server message is handed to it as it comes (the page);
 * - pulled: without `onMessage`, messages are kept until `expect` or `next` takes them, like
 *   a mailbox read with a selective receive (tests and the REPL, which wait for one message).
 *
 * It imports nothing but types from protocol.ts, so the browser gets no schema library: the
 * server checks what clients send, and the tests check what the server sends.
 */
import type {
  ClientMessage,
  MessageRef,
  ServerMessage,
  ServerMessageOf,
  Status,
} from './protocol.ts';

// #region socket
/** The part of the standard WebSocket API the client uses. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(
    type: 'close',
    listener: (event: { code: number; reason: string }) => void,
  ): void;
}

export type WebSocketClass = new (url: string) => WebSocketLike;
// #endregion socket

/** How a connection ended: the WebSocket close code and reason. */
export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface ChatClientOptions {
  /** The WebSocket class: the browser's by default; in Node, pass the ws package's. */
  readonly WebSocket?: WebSocketClass;
  /** Called with each server message as it comes; the client then keeps none for `expect`. */
  readonly onMessage?: (message: ServerMessage) => void;
  /** How long `connect`, `expect` and `next` wait by default, in ms. */
  readonly timeoutMs?: number;
}

interface Waiter {
  readonly match: (message: ServerMessage) => boolean;
  readonly resolve: (message: ServerMessage) => void;
  readonly reject: (error: Error) => void;
  readonly describe: string;
  readonly timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

export class ChatClient {
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<Closed>;
  /** Messages received and not yet taken by `expect` or `next` (pulled mode only). */
  private readonly inbox: ServerMessage[] = [];
  /** The last few messages received, to show when a wait fails. */
  private readonly recent: ServerMessage[] = [];
  private waiter: Waiter | null = null;
  private closedWith: Closed | null = null;

  private constructor(
    private readonly socket: WebSocketLike,
    private readonly timeoutMs: number,
    onMessage: ((message: ServerMessage) => void) | undefined,
  ) {
    socket.addEventListener('message', ({ data }) => {
      // The server speaks JSON in text frames; anything else is not from this protocol.
      if (typeof data !== 'string') return;
      const message = JSON.parse(data) as ServerMessage;
      if (onMessage === undefined) this.keep(message);
      else onMessage(message);
    });
    this.closed = new Promise((resolve) =>
      socket.addEventListener('close', ({ code, reason }) => {
        this.closedWith = { code, reason };
        this.failWaiter(`the connection closed (${code})`);
        resolve(this.closedWith);
      }),
    );
  }

  // #region connect
  /** Opens a connection to `url` (like `ws://127.0.0.1:4000/ws`); resolves once it is open. */
  static connect(url: string, options: ChatClientOptions = {}): Promise<ChatClient> {
    const WebSocketClass =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
    if (WebSocketClass === undefined) {
      throw new Error('ChatClient: no WebSocket here; in Node, pass { WebSocket } from "ws"');
    }
    const timeoutMs = options.timeoutMs ?? 5000;
    const socket = new WebSocketClass(url);
    const client = new ChatClient(socket, timeoutMs, options.onMessage);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`ChatClient: could not connect to ${url} in ${timeoutMs} ms`));
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(client);
      });
      client.closed.then(({ code }) => {
        clearTimeout(timer);
        reject(new Error(`ChatClient: could not connect to ${url} (${code})`));
      });
    });
  }
  // #endregion connect

  /** True while the connection is open. */
  get isOpen(): boolean {
    return this.socket.readyState === OPEN;
  }

  // #region send
  /** Sends one message; the type checker knows every message the server accepts. */
  send(message: ClientMessage): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Joins a room; `since`, the last message seen there, asks for exactly what came after it. */
  join(roomId: string, username: string, since?: MessageRef): void {
    this.send({ type: 'join', roomId, username, ...(since === undefined ? {} : { since }) });
  }

  leave(roomId: string): void {
    this.send({ type: 'leave', roomId });
  }

  say(roomId: string, text: string): void {
    this.send({ type: 'message', roomId, text });
  }

  /** The rooms, a page at a time: after `cursor` (a room_list's `next`), at most `limit`. */
  listRooms(page: { cursor?: string; limit?: number } = {}): void {
    this.send({ type: 'list_rooms', ...page });
  }

  listUsers(roomId: string): void {
    this.send({ type: 'list_users', roomId });
  }

  /** A private line to one user, whichever way they are connected. */
  privateMessage(to: string, text: string): void {
    this.send({ type: 'private', to, text });
  }

  /** A page of a room's history: the last `limit` messages, or those before id `before`. */
  getHistory(roomId: string, page: { limit?: number; before?: number } = {}): void {
    this.send({ type: 'get_history', roomId, ...page });
  }

  /** Online, or away with an optional note, in every room. */
  setStatus(status: Status, message?: string): void {
    this.send({ type: 'set_status', status, ...(message === undefined ? {} : { message }) });
  }

  /** Tells a room we are typing; the server passes at most one a second on. */
  typing(roomId: string): void {
    this.send({ type: 'typing', roomId });
  }
  // #endregion send

  // #region receive
  /**
   * Waits for the next message of type `type` (and that `match` accepts), skipping those before
   * it; resolves with it, typed by its type. Rejects if none comes within the timeout.
   */
  expect<T extends ServerMessage['type']>(
    type: T,
    match: (message: ServerMessageOf<T>) => boolean = () => true,
    timeoutMs = this.timeoutMs,
  ): Promise<ServerMessageOf<T>> {
    const matches = (message: ServerMessage) =>
      message.type === type && match(message as ServerMessageOf<T>);
    return this.waitFor(matches, `a '${type}' message`, timeoutMs) as Promise<ServerMessageOf<T>>;
  }

  /** Waits for the very next message, whatever it is. */
  next(timeoutMs = this.timeoutMs): Promise<ServerMessage> {
    return this.waitFor(() => true, 'any message', timeoutMs);
  }

  /** The messages received and not yet taken; takes them. */
  drain(): ServerMessage[] {
    return this.inbox.splice(0);
  }
  // #endregion receive

  /** Closes the connection (code 1000 unless told otherwise) and waits until it is closed. */
  close(code = 1000, reason = ''): Promise<Closed> {
    this.socket.close(code, reason);
    return this.closed;
  }

  private keep(message: ServerMessage): void {
    if (this.recent.push(message) > 5) this.recent.shift();
    const waiter = this.waiter;
    if (waiter === null || !waiter.match(message)) {
      this.inbox.push(message);
      return;
    }
    // The messages the waiter skipped are consumed with it, as `expect` promises.
    this.inbox.length = 0;
    this.waiter = null;
    clearTimeout(waiter.timer);
    waiter.resolve(message);
  }

  private waitFor(
    match: (message: ServerMessage) => boolean,
    describe: string,
    timeoutMs: number,
  ): Promise<ServerMessage> {
    if (this.waiter !== null) throw new Error('ChatClient: already waiting for a message');
    const index = this.inbox.findIndex(match);
    if (index >= 0) return Promise.resolve(this.inbox.splice(0, index + 1).at(-1)!);
    this.inbox.length = 0;
    if (this.closedWith !== null) {
      return Promise.reject(
        this.failure(describe, `the connection closed (${this.closedWith.code})`),
      );
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.failWaiter(`none came in ${timeoutMs} ms`), timeoutMs);
      this.waiter = { match, resolve, reject, describe, timer };
    });
  }

  private failWaiter(why: string): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    clearTimeout(waiter.timer);
    waiter.reject(this.failure(waiter.describe, why));
  }

  private failure(describe: string, why: string): Error {
    const recent = this.recent.map((message) => `  ${JSON.stringify(message)}`).join('\n');
    return new Error(
      `ChatClient: expected ${describe}, but ${why}; last messages received:\n${recent || '  (none)'}`,
    );
  }
}
