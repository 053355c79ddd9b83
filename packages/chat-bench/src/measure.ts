/**
 * One measured window: every sender talks for a warm-up and then, with no pause, for the
 * measured part; every process's CPU (the server's, each worker's, each CPU's of the machine)
 * is read as measuring starts and as sending ends, and the server's and the workers' again once
 * every delivery due has arrived. A run at the fixed rate is one window; a capacity step is
 * another.
 */
import type { Child } from './children.ts';
import { nowUs, sleep } from './clock.ts';
import { type CpuTimes, cpuTimes } from './cpu_times.ts';
import { Histogram } from './histogram.ts';
import type { RunRequest, SenderPlan, WorkerStats, WorkerWindow } from './load_worker.ts';
import type { ServerSample } from './server_child.ts';
import { addUp, type Session } from './session.ts';

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * What one measured window says: a run at the fixed rate, or one step of a capacity search.
 * Every sender talks for the warm-up and then, with no pause, for the measured part: whatever
 * queue the warm-up built is still there when measuring starts.
 */
export interface Measured {
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  readonly sent: number;
  /** Deliveries due: every message to every other member of its room. */
  readonly expected: number;
  readonly delivered: number;
  /** The deliveries each load worker received, plus the warm-up's it received meanwhile. */
  readonly madeByWorker: number[];
  /** Deliveries due and never made (must be 0). */
  readonly lost: number;
  /** Deliveries made more than once. */
  readonly duplicated: number;
  readonly echoes: number;
  /** Warm-up (or earlier) messages that arrived once measuring had started (not counted). */
  readonly stale: number;
  readonly disconnects: number;
  readonly errors: Record<string, number>;
  readonly offeredPerSecond: number;
  /** Deliveries over the time they took: the sending time, or longer if the server lagged. */
  readonly deliveredPerSecond: number;
  /** End-to-end latency in milliseconds, from the sender's send to a receiver's receive. */
  readonly latencyMs: Latency;
  /** The server's CPU time over the measured window, in cores (1 = one core all the time). */
  readonly serverCpu: number;
  /**
   * The server's CPU time per delivery, in microseconds, from the start of the measured window
   * until its last delivery, over its deliveries and the warm-up's that it made in that time:
   * what the server spends to deliver one message, whatever else runs on the machine. One core
   * at full load could deliver 1e6 / this many messages a second.
   */
  readonly serverCpuPerDeliveryUs: number;
  /** The part of serverCpuPerDeliveryUs spent in the kernel. */
  readonly serverSystemPerDeliveryUs: number;
  /** The load workers' CPU time over the measured window, added up, in cores. */
  readonly workerCpu: number;
  /** The busiest worker's CPU, in cores: a worker runs on one core at most. */
  readonly workerCpuMax: number;
  /** The load workers' CPU time per delivery (sending and receiving), in microseconds. */
  readonly loadCpuPerDeliveryUs: number;
  /** How late the load sent what it was due to send (p99 and max over every worker, ms). */
  readonly sendLagMs: { readonly p99: number; readonly max: number };
  /** How late the busiest worker ran its event loop (its p99, and the max of all, ms). */
  readonly loopDelayMs: { readonly p99: number; readonly max: number };
  /** The machine's CPU over the window in which processes ran, in cores, every process's. */
  readonly machineCpu: number;
  /** The kernel's softirq work over the window (loopback networking, mostly), in cores. */
  readonly softirqCpu: number;
  /** CPU the hypervisor gave to other machines over the window, in cores (cpu_times.ts). */
  readonly stealCpu: number;
  /**
   * How busy the CPUs the server may run on were, 0 to 1, every process's work, softirq and
   * steal together: CPU 0 when the server is pinned there, else the whole machine. Full while
   * the server is not at its limit: something else took the CPU the server needed.
   */
  readonly serverCpusBusy: number;
  /**
   * CPU that no process of this run used: other people's processes (machineCpu less the
   * server's and the workers'), and what the hypervisor stole. Noise, in cores.
   */
  readonly otherCpu: number;
  /** The server's memory at the end of the window, clients still connected (no forced GC). */
  readonly memory: ServerSample;
}

async function allStats(workers: Child[]): Promise<WorkerStats[]> {
  return Promise.all(workers.map((worker) => worker.call<WorkerStats>('stats')));
}

function sumByRoom(
  stats: WorkerStats[],
  field: 'sentByRoom' | 'receivedByRoom',
): Map<string, number> {
  return new Map(Object.entries(addUp(stats.map((part) => part[field]))));
}

/** Deliveries due: each message sent in a room, to each of its other members that joined. */
function expectedDeliveries(stats: WorkerStats[], members: Map<string, number>): number {
  let expected = 0;
  for (const [room, sent] of sumByRoom(stats, 'sentByRoom'))
    expected += sent * ((members.get(room) ?? 1) - 1);
  return expected;
}

function delivered(stats: WorkerStats[]): number {
  return stats.reduce(
    (sum, part) => sum + Object.values(part.receivedByRoom).reduce((a, b) => a + b, 0),
    0,
  );
}

/** After the last send: waits until every delivery due has arrived, or none has for 10 s. */
async function drain(workers: Child[], members: Map<string, number>): Promise<WorkerStats[]> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const stats = await allStats(workers);
    const received = delivered(stats);
    if (received >= expectedDeliveries(stats, members)) return stats;
    if (received !== last) {
      last = received;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > 10_000) return stats;
    await sleep(100);
  }
}

function latencyOf(histograms: WorkerStats['latency'][]): Latency {
  const histogram = Histogram.merge(histograms);
  return {
    p50: histogram.percentile(0.5) / 1000,
    p99: histogram.percentile(0.99) / 1000,
    max: histogram.maxUs / 1000,
    mean: histogram.meanUs / 1000,
  };
}

/** Every process's CPU at one moment: the server, each worker, and each CPU of the machine. */
interface Snapshot {
  readonly atUs: number;
  readonly server: ServerSample;
  readonly workers: WorkerWindow[];
  readonly cpus: CpuTimes[];
}

async function snapshot(session: Session): Promise<Snapshot> {
  const [server, workers] = await Promise.all([
    session.sample(false),
    Promise.all(session.workers.map((worker) => worker.call<WorkerWindow>('window'))),
  ]);
  return { atUs: nowUs(), server, workers, cpus: cpuTimes() };
}

/** One kind of CPU time between two snapshots, over the CPUs given (indices), in microseconds. */
function timeBetween(
  t0: Snapshot,
  t1: Snapshot,
  which: readonly number[],
  kinds: ReadonlyArray<keyof CpuTimes>,
): number {
  let us = 0;
  for (const cpu of which)
    for (const kind of kinds) us += (t1.cpus[cpu]?.[kind] ?? 0) - (t0.cpus[cpu]?.[kind] ?? 0);
  return us;
}

/** What a measured window needs: who talks, for how long, and where a profile goes. */
export interface Window {
  readonly senders: SenderPlan[][];
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly textSize: number;
  /** Where the server writes its CPU profile of the window (and each worker, see below), or null. */
  readonly profileFile: string | null;
  /** The CPUs the server may run on (indices). */
  readonly serverCpus: readonly number[];
}

/** Where load worker `i` (from 0) writes its profile when the server writes to `serverFile`. */
export function workerProfileFile(serverFile: string, i: number): string {
  return serverFile.replace(/\.cpuprofile$/, `-worker${i + 1}.cpuprofile`);
}

let runs = 0;

/**
 * Every sender talks for the warm-up and the measured part, in one go; every process's CPU is
 * read as measuring starts and as sending ends, and the server's again once every delivery due
 * has arrived.
 */
export async function measure(
  session: Session,
  members: Map<string, number>,
  window: Window,
): Promise<Measured> {
  const { workers, server } = session;
  const warmupId = ++runs;
  const id = ++runs;
  const startAtUs = nowUs() + 200_000;
  const measureFromUs = startAtUs + window.warmupSeconds * 1e6;
  const sending = Promise.all(
    workers.map((worker, i) =>
      worker.call<{ sent: number }>('run', {
        id,
        warmupId,
        startAtUs,
        warmupMs: window.warmupSeconds * 1000,
        durationMs: window.durationSeconds * 1000,
        size: window.textSize,
        senders: window.senders[i]!,
      } satisfies RunRequest),
    ),
  );
  sending.catch(() => {}); // awaited below; this only keeps an early failure from going unheard
  await sleep(Math.max(0, (measureFromUs - nowUs()) / 1000));
  const profiled = [server, ...workers];
  if (window.profileFile !== null)
    await Promise.all(profiled.map((child) => child.call('startProfile')));
  const t0 = await snapshot(session);
  await sending;
  const t1 = await snapshot(session);
  const stats = await drain(workers, members);
  const t2 = await snapshot(session);
  const file = window.profileFile;
  if (file !== null) {
    await Promise.all(
      profiled.map((child, i) =>
        child.call('stopProfile', { file: i === 0 ? file : workerProfileFile(file, i - 1) }),
      ),
    );
  }
  const seconds = (t1.atUs - t0.atUs) / 1e6;
  const expected = expectedDeliveries(stats, members);
  const received = delivered(stats);
  const stale = stats.reduce((sum, part) => sum + part.stale, 0);
  const lastDeliveryUs = Math.max(...stats.map((part) => part.lastDeliveryUs));
  const workerCpus = t1.workers.map((w, i) => (w.cpuUs - t0.workers[i]!.cpuUs) / 1e6 / seconds);
  const serverCpu = (t1.server.cpuUs - t0.server.cpuUs) / 1e6 / seconds;
  const workerCpu = workerCpus.reduce((a, b) => a + b, 0);
  const everyCpu = t0.cpus.map((_, i) => i);
  const cores = (kinds: ReadonlyArray<keyof CpuTimes>, which: readonly number[] = everyCpu) =>
    timeBetween(t0, t1, which, kinds) / 1e6 / seconds;
  const machineCpu = cores(['processUs']);
  const stealCpu = cores(['stealUs']);
  const serverCpusBusy =
    cores(['processUs', 'softirqUs', 'stealUs'], window.serverCpus) / window.serverCpus.length;
  // What the server did from the start of the window until its last delivery: this window's
  // deliveries, and the warm-up's it was still making (counted as stale).
  const made = received + stale;
  const perMade = (us: number) => (made === 0 ? 0 : us / made);
  const lag = Histogram.merge(stats.map((part) => part.sendLag));
  return {
    durationSeconds: window.durationSeconds,
    warmupSeconds: window.warmupSeconds,
    sent: [...sumByRoom(stats, 'sentByRoom').values()].reduce((a, b) => a + b, 0),
    expected,
    delivered: received,
    madeByWorker: stats.map((part) => delivered([part]) + part.stale),
    lost: Math.max(0, expected - received),
    duplicated: Math.max(0, received - expected),
    echoes: stats.reduce((sum, part) => sum + part.echoes, 0),
    stale,
    disconnects: stats.reduce((sum, part) => sum + part.disconnects, 0),
    errors: addUp(stats.map((part) => part.errors)),
    offeredPerSecond: expected / window.durationSeconds,
    deliveredPerSecond:
      received / Math.max(window.durationSeconds, (lastDeliveryUs - measureFromUs) / 1e6),
    latencyMs: latencyOf(stats.map((part) => part.latency)),
    serverCpu,
    serverCpuPerDeliveryUs: perMade(t2.server.cpuUs - t0.server.cpuUs),
    serverSystemPerDeliveryUs: perMade(t2.server.systemUs - t0.server.systemUs),
    workerCpu,
    workerCpuMax: Math.max(...workerCpus),
    loadCpuPerDeliveryUs: perMade(
      t2.workers.reduce((sum, w, i) => sum + w.cpuUs - t0.workers[i]!.cpuUs, 0),
    ),
    sendLagMs: { p99: lag.percentile(0.99) / 1000, max: lag.maxUs / 1000 },
    loopDelayMs: {
      p99: Math.max(...t1.workers.map((w) => w.loopDelayP99Ms)),
      max: Math.max(...t1.workers.map((w) => w.loopDelayMaxMs)),
    },
    machineCpu,
    softirqCpu: cores(['softirqUs']),
    stealCpu,
    serverCpusBusy,
    otherCpu: Math.max(0, machineCpu - serverCpu - workerCpu) + stealCpu,
    memory: t2.server,
  };
}
