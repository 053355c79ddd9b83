import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../src/index.js';

/** How many of `count` events at time `at` the bucket lets through. */
function allowed(bucket: TokenBucket, count: number, at: number): number {
  let passed = 0;
  for (let i = 0; i < count; i++) if (bucket.take(at)) passed++;
  return passed;
}

describe('TokenBucket', () => {
  it('lets a burst through at once, then refuses', () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 5 }, 0);
    expect(allowed(bucket, 8, 0)).toBe(5);
  });

  it('refills at the rate: 20 a second is one every 50 ms', () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 5 }, 0);
    allowed(bucket, 5, 0);
    expect(bucket.take(49)).toBe(false);
    expect(bucket.take(50)).toBe(true);
    expect(allowed(bucket, 3, 200)).toBe(3);
  });

  it('never holds more than the burst, however long it rests', () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 5 }, 0);
    expect(allowed(bucket, 100, 3_600_000)).toBe(5);
  });

  it('sustains exactly the rate over time', () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 10 }, 0);
    // Two events every 50 ms, for ten seconds: double the rate.
    let passed = 0;
    for (let t = 0; t < 10_000; t += 50) passed += allowed(bucket, 2, t);
    expect(passed).toBe(10 + 20 * 10 - 1);
  });

  it('is full again only after a calm period', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 4 }, 0);
    allowed(bucket, 4, 0);
    expect(bucket.isFull(200)).toBe(false);
    expect(bucket.isFull(400)).toBe(true);
  });

  it('counts the time its source was paused in full, beyond the burst, for the backlog', () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    bucket.pause(1000);
    bucket.resume(11_000);
    // 10 s paused: 200 tokens earned, on top of a full burst of 40.
    expect(allowed(bucket, 300, 11_000)).toBe(240);
  });

  it('keeps what a pause earned beyond the burst only while its backlog is read', () => {
    const bucket = new TokenBucket({ ratePerSecond: 20, burst: 40 }, 0);
    bucket.pause(0);
    bucket.resume(10_000);
    expect(allowed(bucket, 100, 10_500)).toBe(100);
    // 2 s later, the rest of the 240 is gone: back to a full burst.
    expect(allowed(bucket, 300, 12_000)).toBe(40);
    // Only a pause lifts the cap: a rest does not.
    expect(allowed(bucket, 300, 100_000)).toBe(40);
  });

  it('earns the rate during a pause from what was left before it', () => {
    const bucket = new TokenBucket({ ratePerSecond: 10, burst: 5 }, 0);
    allowed(bucket, 5, 0);
    bucket.pause(0);
    bucket.resume(3000);
    expect(allowed(bucket, 100, 3000)).toBe(30);
  });

  it('rejects settings that would never let anything through', () => {
    expect(() => new TokenBucket({ ratePerSecond: 0, burst: 5 })).toThrow(RangeError);
    expect(() => new TokenBucket({ ratePerSecond: 5, burst: 0 })).toThrow(RangeError);
  });
});
