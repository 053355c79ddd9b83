/**
 * A latency histogram that load workers fill and the coordinator merges. Buckets grow by 2%,
 * so a percentile is known to within 2% whatever its size, in a few hundred numbers instead of
 * one per message. The largest value is kept exactly.
 */

/** Each bucket's upper bound is GROWTH times the one before. */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);

/** What crosses process boundaries: plain numbers only. */
export interface HistogramData {
  /** counts[i] values fell in bucket i: (GROWTH^(i-1), GROWTH^i] microseconds; bucket 0 is <= 1. */
  readonly counts: number[];
  readonly count: number;
  readonly sum: number;
  readonly max: number;
}

export class Histogram {
  private counts: number[] = [];
  private count = 0;
  private sum = 0;
  private max = 0;

  /** Records one latency, in microseconds (a negative one, from clock skew, counts as 0). */
  record(us: number): void {
    const value = Math.max(us, 0);
    const bucket = value <= 1 ? 0 : Math.ceil(Math.log(value) / LOG_GROWTH);
    while (this.counts.length <= bucket) this.counts.push(0);
    this.counts[bucket]!++;
    this.count++;
    this.sum += value;
    if (value > this.max) this.max = value;
  }

  toJSON(): HistogramData {
    return { counts: this.counts, count: this.count, sum: this.sum, max: this.max };
  }

  /** Several workers' histograms as one. */
  static merge(parts: readonly HistogramData[]): Histogram {
    const merged = new Histogram();
    for (const part of parts) {
      part.counts.forEach((n, bucket) => {
        while (merged.counts.length <= bucket) merged.counts.push(0);
        merged.counts[bucket]! += n;
      });
      merged.count += part.count;
      merged.sum += part.sum;
      merged.max = Math.max(merged.max, part.max);
    }
    return merged;
  }

  get size(): number {
    return this.count;
  }

  /** The value below which `p` (0..1) of the values fall, in microseconds; 0 when empty. */
  percentile(p: number): number {
    if (this.count === 0) return 0;
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let bucket = 0; bucket < this.counts.length; bucket++) {
      seen += this.counts[bucket]!;
      if (seen >= rank) return Math.min(GROWTH ** bucket, this.max);
    }
    return this.max;
  }

  get maxUs(): number {
    return this.max;
  }

  get meanUs(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }
}
