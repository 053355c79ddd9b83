import { describe, expect, it } from 'vitest';
import { Histogram } from '../src/histogram.ts';
import { encodeText, stampOf } from '../src/payload.ts';

describe('Histogram', () => {
  it('gives percentiles within its 2% bucket width', () => {
    const histogram = new Histogram();
    for (let us = 1; us <= 10_000; us++) histogram.record(us);
    expect(histogram.percentile(0.5)).toBeGreaterThanOrEqual(5000);
    expect(histogram.percentile(0.5)).toBeLessThanOrEqual(5000 * 1.02);
    expect(histogram.percentile(0.99)).toBeGreaterThanOrEqual(9900);
    expect(histogram.percentile(0.99)).toBeLessThanOrEqual(9900 * 1.02);
    expect(histogram.maxUs).toBe(10_000);
    expect(histogram.meanUs).toBeCloseTo(5000.5);
  });

  it('merges the histograms of several workers into the one they would have made together', () => {
    const [a, b, all] = [new Histogram(), new Histogram(), new Histogram()];
    for (let i = 0; i < 1000; i++) {
      const us = (i * 7919) % 3001;
      (i % 2 === 0 ? a : b).record(us);
      all.record(us);
    }
    const merged = Histogram.merge([a.toJSON(), b.toJSON()]);
    expect(merged.toJSON()).toEqual(all.toJSON());
    for (const p of [0.5, 0.9, 0.99]) expect(merged.percentile(p)).toBe(all.percentile(p));
  });

  it('counts a negative latency (clock skew) as zero and is empty at first', () => {
    const histogram = new Histogram();
    expect(histogram.percentile(0.99)).toBe(0);
    histogram.record(-5);
    expect(histogram.size).toBe(1);
    expect(histogram.maxUs).toBe(0);
  });
});

describe('message text', () => {
  it('carries its send time and run, padded to the size asked for', () => {
    const text = encodeText(123_456_789, 2, 17, 42, 64);
    expect(text).toHaveLength(64);
    expect(stampOf(text)).toEqual({ sentAtUs: 123_456_789, run: 2 });
  });

  it('is never cut shorter than what it must carry', () => {
    expect(stampOf(encodeText(98_765, 3, 1, 1, 4))).toEqual({ sentAtUs: 98_765, run: 3 });
  });

  it('gives no stamp for a text the load did not send', () => {
    expect(stampOf('hello: there')).toBeUndefined();
    expect(stampOf(':x:y')).toBeUndefined();
    expect(stampOf('12:')).toBeUndefined();
  });
});
