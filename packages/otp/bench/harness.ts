/**
 * Timing and memory helpers for the benchmark: nothing here knows about the runtime.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A workload: does about `size` operations and resolves when the last one is complete, with
 * the exact count when it differs from `size` (a fan-out does whole rounds).
 */
export type Workload = (size: number) => Promise<number | void>;

export interface RateOptions {
  readonly size: number;
  readonly runs: number;
  readonly warmups: number;
  /** `wall` (the default) times real elapsed time; `cpu` times this process's CPU time. */
  readonly clock: Clock;
}

/**
 * On a shared machine other programs take turns on the cores and stretch wall time; the CPU
 * time of this process is steadier for comparing two versions of the runtime. It includes the
 * garbage collector's helper threads, so it can exceed wall time.
 */
export type Clock = 'wall' | 'cpu';

function now(clock: Clock): number {
  if (clock === 'wall') return performance.now();
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Operations per second of `work`: `warmups` untimed runs (so the JIT has compiled the hot
 * paths), then the median of `runs` timed runs. The median rather than the best, so that one
 * lucky run on a shared machine does not make the figure.
 */
export async function rate(work: Workload, options: RateOptions): Promise<number> {
  for (let i = 0; i < options.warmups; i++) await work(options.size);
  const rates: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const start = now(options.clock);
    const done = (await work(options.size)) ?? options.size;
    const seconds = (now(options.clock) - start) / 1000;
    rates.push(done / seconds);
  }
  return median(rates);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** `global.gc`, switched on at run time when node was started without `--expose-gc`. */
export function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/**
 * Bytes of heap each of `count` things holds: `create` makes them and resolves once they are
 * all in their resting state; `release` lets them go. Full collections before each reading, so
 * only live objects count.
 */
export async function heapPerItem(
  count: number,
  create: (count: number) => Promise<void>,
  release: () => Promise<void>,
): Promise<number> {
  const gc = collector();
  await settle(gc);
  const before = process.memoryUsage().heapUsed;
  await create(count);
  await settle(gc);
  const after = process.memoryUsage().heapUsed;
  await release();
  await settle(gc);
  return Math.max(0, after - before) / count;
}

async function settle(gc: () => void): Promise<void> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
}
