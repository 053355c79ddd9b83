import { describe, expect, it } from 'vitest';
import { HOLE, Mailbox } from '../src/mailbox.ts';

/** A small seeded PRNG (mulberry32): the same seed gives the same operations on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The reference model: live messages with the arrival number that a mark refers to. */
interface Entry {
  readonly seq: number;
  readonly value: number;
}

class Model {
  entries: Entry[] = [];
  pushed = 0;

  push(value: number): void {
    this.entries.push({ seq: this.pushed++, value });
  }

  remove(seq: number): void {
    this.entries = this.entries.filter((e) => e.seq !== seq);
  }
}

describe('Mailbox', () => {
  it('shift takes messages in arrival order and returns HOLE when empty', () => {
    const box = new Mailbox();
    expect(box.shift()).toBe(HOLE);
    box.push('a');
    box.push('b');
    expect([box.shift(), box.shift(), box.shift()]).toEqual(['a', 'b', HOLE]);
    expect(box.size).toBe(0);
  });

  it('take removes the oldest match and leaves a hole that shift skips', () => {
    const box = new Mailbox();
    for (const n of [1, 2, 3, 4]) box.push(n);
    expect(box.take((m) => m === 3)).toBe(3);
    expect(box.take((m) => m === 9)).toBe(HOLE);
    expect(box.size).toBe(3);
    expect([box.shift(), box.shift(), box.shift(), box.shift()]).toEqual([1, 2, 4, HOLE]);
  });

  it('take from a mark skips the messages that came before it', () => {
    const box = new Mailbox();
    box.push('old reply');
    const mark = box.mark();
    box.push('new reply');
    expect(box.take((m) => String(m).endsWith('reply'), mark)).toBe('new reply');
    expect(box.drain()).toEqual(['old reply']);
  });

  it('keeps order through compaction of a long, holey queue', () => {
    const box = new Mailbox();
    const n = 10_000;
    for (let i = 0; i < n; i++) box.push(i);
    // Take every odd message from the middle (holes), then drain.
    for (let i = 1; i < n; i += 2) expect(box.take((m) => m === i)).toBe(i);
    expect(box.size).toBe(n / 2);
    const rest = box.drain();
    expect(rest).toEqual(Array.from({ length: n / 2 }, (_, i) => i * 2));
  });

  it('lets go of the slots of messages taken from the middle of a long queue', () => {
    const box = new Mailbox();
    const n = 100_000;
    for (let i = 0; i < n; i++) box.push(i);
    // A selective receive takes 99 of every 100, the oldest message staying queued throughout;
    // they come out oldest first, though segments are dropped and copied on the way.
    const taken = box.takeAll((m) => (m as number) % 100 !== 0);
    expect(taken).toEqual(Array.from({ length: n }, (_, i) => i).filter((i) => i % 100 !== 0));
    expect(box.size).toBe(n / 100);
    expect(segmentsOf(box).slots).toBeLessThanOrEqual(4 * box.size + 2 * 1024);
    box.push('late');
    expect(box.take((m) => m === 'late')).toBe('late');
    expect(box.drain()).toEqual(Array.from({ length: n / 100 }, (_, i) => i * 100));
  });

  it('removeAll removes every match and says how many', () => {
    const box = new Mailbox();
    for (let i = 0; i < 10; i++) box.push(i);
    expect(box.removeAll((m) => (m as number) % 3 === 0)).toBe(4);
    expect(box.drain()).toEqual([1, 2, 4, 5, 7, 8]);
  });

  it('shiftInto moves the oldest messages up to max, across segments and past holes', () => {
    const box = new Mailbox();
    for (let n = 0; n < 40; n++) box.push(n); // segments of 8, 16 and 32 slots
    for (const n of [3, 7, 8, 20]) box.take((m) => m === n);
    const batch: unknown[] = ['first'];
    box.shiftInto(batch, 11);
    expect(batch).toEqual(['first', 0, 1, 2, 4, 5, 6, 9, 10, 11, 12]);
    expect(box.size).toBe(40 - 4 - 10);
    const rest: unknown[] = [];
    box.shiftInto(rest, 1000);
    expect(rest).toEqual([
      13,
      14,
      15,
      16,
      17,
      18,
      19,
      ...Array.from({ length: 19 }, (_, i) => i + 21),
    ]);
    expect(box.size).toBe(0);
    box.shiftInto(rest, 1000);
    expect(rest).toHaveLength(26);
    box.push('again');
    expect(box.shift()).toBe('again');
  });

  it('agrees with a reference model under random operations (seeded)', () => {
    for (const seed of [1, 2, 3, 42, 2024]) {
      const stats = runRandom(seed, 60_000);
      // The run must reach the sizes where holes and compaction happen, or it proves little.
      expect(stats.largest).toBeGreaterThan(1024);
      expect(stats.mostHoles).toBeGreaterThan(100);
      expect(stats.dropped).toBeGreaterThan(10_000);
    }
  });
});

/** White-box: the mailbox's chain of segments, summed up. */
function segmentsOf(box: Mailbox): { firstStart: number; holes: number; slots: number } {
  interface Segment {
    items: unknown[];
    start: number;
    holes: number;
    next: Segment | null;
  }
  let segment = (box as unknown as { first: Segment | null }).first;
  const shape = { firstStart: segment?.start ?? 0, holes: 0, slots: 0 };
  for (; segment !== null; segment = segment.next) {
    shape.holes += segment.holes;
    shape.slots += segment.items.length;
  }
  return shape;
}

interface RunStats {
  readonly dropped: number;
  readonly largest: number;
  readonly mostHoles: number;
}

/** Stops the run with the seed and step that went wrong, so a failure can be replayed. */
function check(ok: boolean, seed: number, step: number, what: string, detail?: unknown): void {
  if (!ok) {
    throw new Error(
      `seed ${seed}, step ${step}: ${what} ${detail === undefined ? '' : JSON.stringify(detail)}`,
    );
  }
}

type Op = 'push' | 'shift' | 'shiftInto' | 'take' | 'takeOne' | 'mark' | 'removeAll' | 'drain';
const FILLING: Array<[Op, number]> = [
  ['push', 0.7],
  ['shift', 0.08],
  ['shiftInto', 0.0005],
  ['take', 0.09],
  ['takeOne', 0.08],
  ['mark', 0.04],
  ['removeAll', 0.004],
  ['drain', 0.0003],
];
const TAKING: Array<[Op, number]> = [
  ['push', 0.25],
  ['shift', 0.25],
  ['shiftInto', 0.002],
  ['take', 0.25],
  ['takeOne', 0.2],
  ['mark', 0.04],
  ['removeAll', 0.004],
  ['drain', 0.0003],
];

/** Picks an operation with probability proportional to its weight; `r` is uniform in [0, 1). */
function pick(r: number, weights: Array<[Op, number]>): Op {
  const total = weights.reduce((sum, [, weight]) => sum + weight, 0);
  let sum = 0;
  for (const [op, weight] of weights) if (r * total < (sum += weight)) return op;
  return weights[0]![0];
}

function runRandom(seed: number, steps: number): RunStats {
  const random = prng(seed);
  const box = new Mailbox();
  const model = new Model();
  // Marks: the model's arrival number and the mailbox's mark, taken at the same moment.
  const marks: Array<{ seq: number; mark: number }> = [];
  let next = 0;
  let dropped = 0; // the first live segment's position: how far dropping has gone
  let largest = 0;
  let mostHoles = 0;

  for (let step = 0; step < steps; step++) {
    // Phases: fill up (so that the compaction thresholds are crossed), then mostly take.
    const filling = Math.floor(step / 5000) % 2 === 0;
    const op = pick(random(), filling ? FILLING : TAKING);
    if (op === 'push') {
      box.push(next);
      model.push(next);
      next++;
    } else if (op === 'shift') {
      const got = box.shift();
      const want = model.entries[0];
      check(got === (want === undefined ? HOLE : want.value), seed, step, 'shift', { got, want });
      if (want) model.remove(want.seq);
    } else if (op === 'shiftInto') {
      const max = 1 + Math.floor(random() * 200);
      const got: unknown[] = [];
      box.shiftInto(got, max);
      const want = model.entries.slice(0, max);
      check(got.join() === want.map((e) => e.value).join(), seed, step, 'shiftInto', max);
      model.entries = model.entries.slice(max);
    } else if (op === 'take') {
      // A selective take: values in one residue class, from the start or from a mark.
      const k = 2 + Math.floor(random() * 5);
      const residue = Math.floor(random() * k);
      const match = (m: unknown) => (m as number) % k === residue;
      const useMark = marks.length > 0 && random() < 0.5;
      const at = useMark ? marks[Math.floor(random() * marks.length)]! : { seq: 0, mark: 0 };
      const got = box.take(match, at.mark);
      const want = model.entries.find((e) => e.seq >= at.seq && match(e.value));
      if (got === HOLE) {
        check(want === undefined, seed, step, 'take found nothing, but the model has', want);
        continue;
      }
      const entry = model.entries.find((e) => e.value === got);
      check(entry !== undefined && match(got), seed, step, 'take returned a non-match', got);
      // From a mark, a few older messages may be scanned again, but no newer one is skipped.
      if (entry!.seq >= at.seq) check(got === want?.value, seed, step, 'take', { got, want });
      model.remove(entry!.seq);
    } else if (op === 'takeOne') {
      // One message anywhere in the queue, like a reply picked out by its ref: leaves holes.
      const entry = model.entries[Math.floor(random() * model.entries.length)];
      if (entry === undefined) continue;
      const got = box.take((m) => m === entry.value);
      check(got === entry.value, seed, step, 'takeOne', { got, want: entry.value });
      model.remove(entry.seq);
    } else if (op === 'mark') {
      marks.push({ seq: model.pushed, mark: box.mark() });
      if (marks.length > 8) marks.shift();
    } else if (op === 'removeAll') {
      const k = 10 + Math.floor(random() * 20);
      const match = (m: unknown) => (m as number) % k === 0;
      const expected = model.entries.filter((e) => match(e.value)).length;
      check(box.removeAll(match) === expected, seed, step, 'removeAll count');
      model.entries = model.entries.filter((e) => !match(e.value));
    } else {
      const got = box.drain();
      const want = model.entries.map((e) => e.value);
      check(got.join() === want.join(), seed, step, 'drain');
      model.entries = [];
    }
    check(box.size === model.entries.length, seed, step, 'size', [box.size, model.entries.length]);
    largest = Math.max(largest, box.size);
    // White-box: how far the queue has moved on, and how many holes it holds, to show the run
    // reaches segments dropped and squeezed.
    const shape = segmentsOf(box);
    dropped = Math.max(dropped, shape.firstStart);
    mostHoles = Math.max(mostHoles, shape.holes);
    check(shape.slots <= 16 * box.size + 2 * 1024, seed, step, 'memory', shape);
  }
  expect(box.drain()).toEqual(model.entries.map((e) => e.value));
  return { dropped, largest, mostHoles };
}
