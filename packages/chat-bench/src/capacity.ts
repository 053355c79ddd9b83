/**
 * The capacity search: the highest rate a server holds, and what stopped it going higher.
 *
 * A step offers the scenario's rates times a scale, warms up and is measured (measure.ts). It
 * holds when its p99 latency is under 100 ms, nothing is lost, refused or dropped, and the
 * load sent on time (its p99 send lag under 100 ms too). The search doubles the scale from 1 until a step fails (or halves it
 * until one holds), then bisects, geometrically, between the highest step that held and the
 * lowest that failed, until they are within `precision` of each other.
 *
 * On a machine with few cores the load generator competes with the server for CPU (it costs
 * about as much per delivery: a read for every write), so a failed step also says what was at
 * its limit: the server (a core of CPU), the load (a worker late to send or to run its loop,
 * or the workers at the CPUs they may use), or the machine (the server's CPU busy with other
 * work than the server's: the load's when they share the CPUs, other people's). Only a server at its limit makes the capacity the server's own figure;
 * otherwise it is a lower bound: the server would hold at least that much with more CPU for
 * the load.
 */

/** p99 latency at or above this fails a step (milliseconds). */
export const P99_LIMIT_MS = 100;
/**
 * A load worker later than this (p99, milliseconds) to send, or to run its loop, is at its
 * limit: it alone could account for half the latency allowed. (Below it, a worker is late by
 * the bursts it reads: in `fanout` every message is a thousand deliveries at once.)
 */
export const LOAD_LAG_LIMIT_MS = 50;
/** A process using this share of a core (or the machine this share of its cores) is busy. */
export const BUSY = 0.9;

/** What a step's measurement must say for the search to judge it (see runner.ts's Measured). */
export interface StepFigures {
  readonly latencyMs: { readonly p99: number };
  readonly lost: number;
  readonly errors: Record<string, number>;
  readonly disconnects: number;
  /** The server's CPU over the measured window, in cores. */
  readonly serverCpu: number;
  /** The load workers' CPU, added up, and the busiest one's, in cores. */
  readonly workerCpu: number;
  readonly workerCpuMax: number;
  /** How late the load sent, and how late its busiest worker ran its loop (p99, ms). */
  readonly sendLagMs: { readonly p99: number };
  readonly loopDelayMs: { readonly p99: number };
  /** How busy the CPUs the server may run on were, every process's work together, 0 to 1. */
  readonly serverCpusBusy: number;
}

export type Saturated = 'server' | 'load' | 'machine';

export interface StepVerdict {
  readonly held: boolean;
  /** Why it did not hold, for a person: `p99 340 ms`, `12 lost`... (empty when it held). */
  readonly failedOn: string[];
  /** What was at its limit during the step, whether it held or not. */
  readonly saturated: Saturated[];
}

/** `loadCpus`: how many CPUs the load may use (those its workers are pinned to, or all). */
export function judgeStep(step: StepFigures, loadCpus: number): StepVerdict {
  const failedOn: string[] = [];
  if (step.latencyMs.p99 >= P99_LIMIT_MS) failedOn.push(`p99 ${step.latencyMs.p99.toFixed(0)} ms`);
  if (step.lost > 0) failedOn.push(`${step.lost} lost`);
  const refused = Object.values(step.errors).reduce((a, b) => a + b, 0);
  if (refused > 0) failedOn.push(`${refused} refused`);
  if (step.disconnects > 0) failedOn.push(`${step.disconnects} disconnected`);
  // Latency counts from the actual send, and a late sender catches up in a burst, which makes
  // a step harder for the server, not easier; but a load a latency budget late did not offer
  // the rate asked, and the step says nothing of the server.
  if (step.sendLagMs.p99 >= P99_LIMIT_MS)
    failedOn.push(`the load sent late (p99 ${step.sendLagMs.p99.toFixed(0)} ms)`);
  const saturated: Saturated[] = [];
  if (step.serverCpu >= BUSY) saturated.push('server');
  if (
    step.sendLagMs.p99 > LOAD_LAG_LIMIT_MS ||
    step.loopDelayMs.p99 > LOAD_LAG_LIMIT_MS ||
    step.workerCpuMax >= BUSY ||
    step.workerCpu >= BUSY * loadCpus
  )
    saturated.push('load');
  if (step.serverCpusBusy >= BUSY && step.serverCpu < BUSY) saturated.push('machine');
  return { held: failedOn.length === 0, failedOn, saturated };
}

/**
 * What stopped the search:
 * - `server`: the lowest failed step had the server at a core of CPU, or failed with nothing
 *   else at its limit (a server that is late without being busy: pauses, batching);
 * - `load`: the load was at its limit and the server was not (the capacity is a lower bound);
 * - `machine`: the server's CPU was full, with work not the server's (a lower bound);
 * - `senders`: the plan has too few clients to talk faster under the sender rate (a lower bound);
 * - `steps`: the search ran out of steps before any step failed (a lower bound).
 */
export type Limit = Saturated | 'senders' | 'steps';

export function limitOf(failed: StepVerdict): Saturated {
  if (failed.saturated.includes('server')) return 'server';
  if (failed.saturated.includes('load')) return 'load';
  if (failed.saturated.includes('machine')) return 'machine';
  return 'server';
}

/** Whether a capacity stopped by `limit` is the server's own figure or only a floor under it. */
export function isLowerBound(limit: Limit): boolean {
  return limit !== 'server';
}

export interface SearchOptions {
  /** Stop when the lowest failed scale is at most this factor above the highest held. */
  readonly precision: number;
  readonly maxSteps: number;
  /** Whether the plan can offer a scale at all (it has enough clients to talk that fast). */
  readonly canOffer: (scale: number) => boolean;
  /** Below this scale, a search where nothing holds gives up. */
  readonly minScale?: number;
}

export interface Search<S> {
  /** Every step, in the order they ran. */
  readonly steps: S[];
  /** The highest step that held, and the lowest that failed. */
  readonly held: S | null;
  readonly failed: S | null;
  /** Why it stopped: found within precision, out of steps, out of senders, nothing held. */
  readonly stop: 'precision' | 'steps' | 'senders' | 'floor';
}

export async function searchCapacity<S extends { readonly scale: number; readonly held: boolean }>(
  probe: (scale: number) => Promise<S>,
  options: SearchOptions,
): Promise<Search<S>> {
  const minScale = options.minScale ?? 1 / 64;
  const steps: S[] = [];
  let held: S | null = null;
  let failed: S | null = null;
  let scale = 1;
  for (;;) {
    if (steps.length >= options.maxSteps) return { steps, held, failed, stop: 'steps' };
    if (!options.canOffer(scale)) return { steps, held, failed, stop: 'senders' };
    const step = await probe(scale);
    steps.push(step);
    if (step.held) held = step;
    else failed = step;
    if (failed === null) scale = held!.scale * 2;
    else if (held === null) {
      scale = failed.scale / 2;
      if (scale < minScale) return { steps, held, failed, stop: 'floor' };
    } else if (failed.scale / held.scale <= options.precision) {
      return { steps, held, failed, stop: 'precision' };
    } else scale = Math.sqrt(held.scale * failed.scale);
  }
}
