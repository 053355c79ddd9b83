/**
 * A small TCP client that speaks in lines, for tests and REPL sessions: what a person at
 * `nc` would do, but scriptable. Every line the server sends is kept in `received`; `expect`
 * waits for a line and resolves the moment it arrives, so a test never sleeps.
 */
import { connect, type Socket } from 'node:net';

/** What `expect` looks for: the exact line, a regular expression, or a predicate. */
export type LineMatch = string | RegExp | ((line: string) => boolean);

export interface LineClientOptions {
  readonly host?: string;
  /** The address to connect from (`127.0.0.2`: another client's address, on loopback). */
  readonly localAddress?: string;
  /** How long `expect` and `next` wait by default, in ms. */
  readonly timeoutMs?: number;
}

interface Waiter {
  readonly match: (line: string) => boolean;
  readonly resolve: (line: string) => void;
  readonly reject: (error: Error) => void;
  readonly describe: string;
  readonly timer: NodeJS.Timeout;
}

export class LineClient {
  /** Every line received so far, oldest first, without line ends. */
  readonly received: string[] = [];
  /** Resolves when the connection is closed, by either side. */
  readonly closed: Promise<void>;
  private readonly timeoutMs: number;
  /** How many lines of `received` `expect` and `next` have consumed. */
  private cursor = 0;
  private partial = '';
  private waiter: Waiter | null = null;
  private isClosed = false;

  private constructor(
    readonly socket: Socket,
    timeoutMs: number,
  ) {
    this.timeoutMs = timeoutMs;
    socket.setEncoding('utf8'); // keeps multi-byte characters whole across packets
    socket.on('data', (text: string) => this.onData(text));
    socket.on('error', () => {}); // a reset shows up as 'close', which is what tests look at
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        this.failWaiter('the connection closed');
        resolve();
      }),
    );
  }

  /** Connects to `port` (on 127.0.0.1 unless told otherwise). */
  static connect(port: number, options: LineClientOptions = {}): Promise<LineClient> {
    // No Nagle delay: a line typed is a line sent, as with telnet.
    const { host = '127.0.0.1', localAddress } = options;
    const socket = connect({ port, host, noDelay: true, ...(localAddress && { localAddress }) });
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new LineClient(socket, options.timeoutMs ?? 5000));
      });
    });
  }

  /** Sends `text` followed by a newline. */
  send(text: string): void {
    this.socket.write(`${text}\n`);
  }

  /** Sends raw bytes or text as they are: for partial lines, telnet commands, bad UTF-8. */
  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  /**
   * Waits for the next line that matches, skipping the lines before it; resolves with it.
   * Rejects, showing the last lines received, if none comes within the timeout.
   */
  expect(match: LineMatch, timeoutMs = this.timeoutMs): Promise<string> {
    return this.waitFor(toPredicate(match), describe(match), timeoutMs);
  }

  /** Waits for the very next line, whatever it is. */
  next(timeoutMs = this.timeoutMs): Promise<string> {
    return this.waitFor(() => true, 'any line', timeoutMs);
  }

  /** The lines received and not yet consumed by `expect` or `next`; consumes them. */
  drain(): string[] {
    const lines = this.received.slice(this.cursor);
    this.cursor = this.received.length;
    return lines;
  }

  /** Closes our side politely (FIN) and waits until the connection is closed. */
  async close(): Promise<void> {
    this.socket.end();
    await this.closed;
  }

  /** Drops the connection at once, as a crashed client or a pulled cable would (RST). */
  reset(): void {
    this.socket.resetAndDestroy();
  }

  private waitFor(
    match: (line: string) => boolean,
    description: string,
    timeoutMs: number,
  ): Promise<string> {
    if (this.waiter !== null) throw new Error('LineClient: already waiting for a line');
    const found = this.consumeUntil(match);
    if (found !== undefined) return Promise.resolve(found);
    if (this.isClosed) return Promise.reject(this.failure(description, 'the connection closed'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.failWaiter(`no line in ${timeoutMs} ms`), timeoutMs);
      this.waiter = { match, resolve, reject, describe: description, timer };
    });
  }

  private onData(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop()!;
    for (const line of lines) this.received.push(line.endsWith('\r') ? line.slice(0, -1) : line);
    const waiter = this.waiter;
    if (waiter === null) return;
    const found = this.consumeUntil(waiter.match);
    if (found === undefined) return;
    this.waiter = null;
    clearTimeout(waiter.timer);
    waiter.resolve(found);
  }

  private consumeUntil(match: (line: string) => boolean): string | undefined {
    while (this.cursor < this.received.length) {
      const line = this.received[this.cursor++]!;
      if (match(line)) return line;
    }
    return undefined;
  }

  private failWaiter(why: string): void {
    const waiter = this.waiter;
    if (waiter === null) return;
    this.waiter = null;
    clearTimeout(waiter.timer);
    waiter.reject(this.failure(waiter.describe, why));
  }

  private failure(description: string, why: string): Error {
    const recent = this.received.slice(-5).map((line) => `  ${JSON.stringify(shorten(line))}`);
    return new Error(
      `LineClient: expected ${description}, but ${why}; last lines received:\n${recent.join('\n') || '  (none)'}`,
    );
  }
}

/** A line cut to a readable length for error messages. */
function shorten(line: string): string {
  return line.length <= 100 ? line : `${line.slice(0, 100)}... (${line.length} characters)`;
}

function toPredicate(match: LineMatch): (line: string) => boolean {
  if (typeof match === 'string') return (line) => line === match;
  if (match instanceof RegExp) return (line) => match.test(line);
  return match;
}

function describe(match: LineMatch): string {
  if (typeof match === 'function') return 'a line that matches the predicate';
  return typeof match === 'string' ? JSON.stringify(match) : String(match);
}
