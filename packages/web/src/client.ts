/**
 * A small client for a chat's JSON-over-WebSocket protocol, whatever the step's messages are:
 * a step's `ChatClient` extends it with its protocol's types and a method per request. The same
 * code runs in the browser (the page's script uses it) and in Node (the tests and the REPL use
 * it), because it needs nothing but the standard WebSocket API: the browser's, or the ws
 * package's in Node. So it imports nothing, and is its own entry point, `@otp-chat/web/client`:
 * the rest of this package is Node's, and must not end up in the page's bundle.
 *
 * Messages can be taken two ways:
 * - pushed: give `onMessage`, and every server message is handed to it as it comes (the page);
 * - pulled: without `onMessage`, messages are kept until `expect` or `next` takes them, like
 *   a mailbox read with a selective receive (tests and the REPL, which wait for one message).
 *
 * It checks nothing it receives, so the browser gets no schema library: the server checks what
 * clients send, and the tests check what the server sends.
 */

/** What every message of a JSON protocol has: its type. */
export interface Typed {
  readonly type: string;
}

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

/** How to connect, for a protocol whose server sends `In`. */
export interface JsonClientOptions<In extends Typed> {
  /** The WebSocket class: the browser's by default; in Node, pass the ws package's. */
  readonly WebSocket?: WebSocketClass;
  /** Called with each server message as it comes; the client then keeps none for `expect`. */
  readonly onMessage?: (message: In) => void;
  /** How long `connect`, `expect` and `next` wait by default, in ms. */
  readonly timeoutMs?: number;
}

interface Waiter<In> {
  readonly match: (message: In) => boolean;
  readonly resolve: (message: In) => void;
  readonly reject: (error: Error) => void;
  readonly describe: string;
  readonly timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

/**
 * A connection that sends `Out` messages and receives `In` ones. A step's client extends it, and
 * opens one with `connect`: `new` opens the WebSocket, `opened` waits until it is open.
 */
export class JsonClient<Out extends Typed, In extends Typed> {
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<Closed>;
  private readonly socket: WebSocketLike;
  private readonly timeoutMs: number;
  /** Messages received and not yet taken by `expect` or `next` (pulled mode only). */
  private readonly inbox: In[] = [];
  /** The last few messages received, to show when a wait fails. */
  private readonly recent: In[] = [];
  private waiter: Waiter<In> | null = null;
  private closedWith: Closed | null = null;

  // #region connect
  /** Opens a WebSocket to `url` (like `ws://127.0.0.1:4000/ws`): see `opened`. */
  protected constructor(
    private readonly url: string,
    options: JsonClientOptions<In>,
  ) {
    const WebSocketClass =
      options.WebSocket ?? (globalThis as { WebSocket?: WebSocketClass }).WebSocket;
    if (WebSocketClass === undefined) {
      throw new Error('ChatClient: no WebSocket here; in Node, pass { WebSocket } from "ws"');
    }
    this.timeoutMs = options.timeoutMs ?? 5000;
    const socket = new WebSocketClass(url);
    this.socket = socket;
    const { onMessage } = options;
    socket.addEventListener('message', ({ data }) => {
      // The server speaks JSON in text frames; anything else is not from this protocol.
      if (typeof data !== 'string') return;
      const message = JSON.parse(data) as In;
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

  /** Resolves with this client once its WebSocket is open; rejects if it closes or times out. */
  protected opened(): Promise<this> {
    const { socket, url, timeoutMs } = this;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        socket.close();
        reject(new Error(`ChatClient: could not connect to ${url} in ${timeoutMs} ms`));
      }, timeoutMs);
      socket.addEventListener('open', () => {
        clearTimeout(timer);
        resolve(this);
      });
      this.closed.then(({ code }) => {
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

  /** Sends one message; the type checker knows every message the server accepts. */
  send(message: Out): void {
    this.socket.send(JSON.stringify(message));
  }

  // #region receive
  /**
   * Waits for the next message of type `type` (and that `match` accepts), skipping those before
   * it; resolves with it, typed by its type. Rejects if none comes within the timeout.
   */
  expect<T extends In['type']>(
    type: T,
    match: (message: Extract<In, { type: T }>) => boolean = () => true,
    timeoutMs = this.timeoutMs,
  ): Promise<Extract<In, { type: T }>> {
    const matches = (message: In) =>
      message.type === type && match(message as Extract<In, { type: T }>);
    return this.waitFor(matches, `a '${type}' message`, timeoutMs) as Promise<
      Extract<In, { type: T }>
    >;
  }

  /** Waits for the very next message, whatever it is. */
  next(timeoutMs = this.timeoutMs): Promise<In> {
    return this.waitFor(() => true, 'any message', timeoutMs);
  }

  /** The messages received and not yet taken; takes them. */
  drain(): In[] {
    return this.inbox.splice(0);
  }
  // #endregion receive

  /** Closes the connection (code 1000 unless told otherwise) and waits until it is closed. */
  close(code = 1000, reason = ''): Promise<Closed> {
    this.socket.close(code, reason);
    return this.closed;
  }

  private keep(message: In): void {
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
    match: (message: In) => boolean,
    describe: string,
    timeoutMs: number,
  ): Promise<In> {
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
