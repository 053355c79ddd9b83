/**
 * The flood rule, on top of a token bucket: a client over the rate is warned once, and
 * disconnected if it goes on before it has calmed down. One warning gives a person who pasted
 * too much a chance; a script that ignores it is cut off.
 *
 * The gate only judges; what a warning or a disconnection looks like is the caller's business
 * (a line of text on telnet, an error message on a WebSocket).
 */
import { TokenBucket, type TokenBucketOptions } from './token_bucket.js';

/**
 * What to do with an event: `ok` is within the rate; `warn`, the first over it since the
 * client was last calm: drop this one and tell the client; `disconnect`, over it again.
 */
export type FloodVerdict = 'ok' | 'warn' | 'disconnect';

export class FloodGate {
  private readonly bucket: TokenBucket;
  /** Set by the first event over the rate; cleared once the bucket is full again. */
  private warned = false;

  constructor(options: TokenBucketOptions, now = performance.now()) {
    this.bucket = new TokenBucket(options, now);
  }

  get ratePerSecond(): number {
    return this.bucket.ratePerSecond;
  }

  /** Judges one event at time `now` (ms). */
  check(now = performance.now()): FloodVerdict {
    if (this.warned && this.bucket.isFull(now)) this.warned = false;
    if (this.bucket.take(now)) return 'ok';
    if (this.warned) return 'disconnect';
    this.warned = true;
    return 'warn';
  }

  /**
   * The server stopped reading the client at `now` (flow control: its connection is behind).
   * What the client sends meanwhile waits, then arrives at once on `resume`: the time waited
   * counts for the client in full, not only up to the burst (see TokenBucket). An honest client
   * queued behind a stall is not a flooder; one that sent more than the rate allows still is.
   */
  pause(now = performance.now()): void {
    this.bucket.pause(now);
  }

  /** The server reads the client again at `now`. */
  resume(now = performance.now()): void {
    this.bucket.resume(now);
  }
}
