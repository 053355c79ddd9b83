/**
 * A token bucket: the usual way to allow a steady rate with short bursts.
 *
 * The bucket holds up to `burst` tokens and gains `ratePerSecond` of them every second. Each
 * event takes one; an event that finds the bucket empty is over the limit. A client may
 * therefore send `burst` lines at once, but not more than `ratePerSecond` a second for long.
 *
 * Time is passed in (milliseconds, `performance.now()` by default) so that tests can drive it.
 */
export interface TokenBucketOptions {
  readonly ratePerSecond: number;
  readonly burst: number;
}

export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  private tokens: number;
  private updatedAt: number;

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
    return this.tokens === this.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.updatedAt;
    if (elapsed <= 0) return;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSecond) / 1000);
    this.updatedAt = now;
  }
}
