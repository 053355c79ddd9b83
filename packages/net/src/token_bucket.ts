/**
 * A token bucket: the usual way to allow a steady rate with short bursts.
 *
 * The bucket holds up to `burst` tokens and gains `ratePerSecond` of them every second. Each
 * event takes one; an event that finds the bucket empty is over the limit. A client may
 * therefore send `burst` lines at once, but not more than `ratePerSecond` a second for long.
 *
 * Time is passed in (milliseconds, `performance.now()` by default) so that tests can drive it.
 *
 * While the events' source is paused (`pause`, `resume`: the server stopped reading the client,
 * whose events then wait and arrive at once), the cap is lifted: the time spent waiting earns
 * tokens in full, beyond the burst, kept for what arrives in the next `BACKLOG_MS` of reading.
 */

/**
 * How long, after a resume, the tokens a pause earned beyond the burst are kept: long enough for
 * what waited in the kernel's buffers to be read, short enough that a client cannot save them.
 */
export const BACKLOG_MS = 1000;

export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private tokens: number;
  private updatedAt: number;
  /** Whether the source is paused: the cap is lifted meanwhile. */
  private paused = false;
  /** Until when tokens beyond the burst, earned by a pause, are kept. */
  private backlogUntil = Number.NEGATIVE_INFINITY;

  constructor(options: TokenBucketOptions, now = performance.now()) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new RangeError('TokenBucket: ratePerSecond must be > 0 and burst >= 1');
    }
    this.ratePerSecond = options.ratePerSecond;
    this.burst = options.burst;
    this.tokens = options.burst;
    this.updatedAt = now;
  }

  /** Takes a token if there is one: true when the event is within the limit. */
  take(now = performance.now()): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** True once the bucket has refilled completely: the client has been calm for a while. */
  isFull(now = performance.now()): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  /** The source is paused at `now`: from now on, the time counts beyond the burst. */
  pause(now = performance.now()): void {
    if (this.paused) return;
    this.refill(now);
    this.paused = true;
  }

  /** The source is read again at `now`: what the pause earned is kept for its backlog. */
  resume(now = performance.now()): void {
    if (!this.paused) return;
    this.refill(now);
    this.paused = false;
    this.backlogUntil = now + BACKLOG_MS;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed > 0) {
      const cap = this.paused ? Number.POSITIVE_INFINITY : this.burst;
      // Tokens a pause earned beyond the cap are neither added to nor cut here.
      if (this.tokens < cap) {
        this.tokens = Math.min(cap, this.tokens + (elapsed * this.ratePerSecond) / 1000);
      }
      this.updatedAt = now;
    }
    if (!this.paused && this.tokens > this.burst && now > this.backlogUntil) {
      this.tokens = this.burst;
    }
  }
}
