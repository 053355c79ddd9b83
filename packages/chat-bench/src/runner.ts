/**
 * Runs one scenario against one server: the server in a child process of its own, the load
 * in worker processes, and the coordinator (this process) only planning, starting, waiting
 * and adding up. A load scenario connects its clients once, then measures at the scenario's
 * fixed rate, searches for the server's capacity (capacity.ts), or both. Every process is gone
 * when a run returns, whether it succeeded or not.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import {
  isLowerBound,
  judgeStep,
  type Limit,
  limitOf,
  type StepVerdict,
  searchCapacity,
} from './capacity.ts';
import { type Child, maxFds, startChild } from './children.ts';
import type { ClientPlan, Transport } from './clients/client.ts';
import { nowUs, sleep } from './clock.ts';
import { Histogram } from './histogram.ts';
import type {
  ConnectRequest,
  ConnectResult,
  RunRequest,
  SenderPlan,
  WorkerStats,
  WorkerWindow,
} from './load_worker.ts';
import type { Mode, Sizes } from './options.ts';
import type { Endpoints, ServerName } from './peers/peer.ts';
import { type ProfileSummary, summarizeProfile } from './profile.ts';
import { rate } from './report.ts';
import {
  capClients,
  clientCount,
  type IdleScenario,
  type LoadScenario,
  type RoomPlan,
} from './scenarios.ts';
import type { ServerReady, ServerSample } from './server_child.ts';

/** Files a node process has open besides its connections: stdio, IPC, epoll, listeners... */
const FD_MARGIN = 64;

export interface Latency {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly mean: number;
}

interface RunBase {
  readonly scenario: string;
  readonly server: ServerName;
  readonly transport: Transport;
  /** The Node version every process of the run ran (the server's and the workers' included). */
  readonly node: string;
  readonly rooms: number;
  /** Clients the plan asked for (after any cap by the file-descriptor limit). */
  readonly clients: number;
  readonly connected: number;
  readonly failed: number;
  readonly failures: string[];
  readonly connectSeconds: number;
  /** Connections the server said it held once every client had joined. */
  readonly connectionsHeld: number;
  /** Set when the plan had to be made smaller, and why. */
  readonly capped: string | null;
  readonly profile: ProfileSummary | null;
  /** The first load worker's profile over the same window (the others' are alike). */
  readonly loadProfile: ProfileSummary | null;
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
  /** The machine's busy CPU over the window, in cores, every process on it together. */
  readonly machineCpu: number;
  /**
   * How busy the CPUs the server may run on were, every process's work together, 0 to 1: CPU 0
   * when the server is pinned there, else the whole machine. Full while the server is not at
   * its limit: something else took the CPU the server needed.
   */
  readonly serverCpusBusy: number;
  /** The part of machineCpu used by no process of this run: other people's work, noise. */
  readonly otherCpu: number;
  /** The server's memory at the end of the window, clients still connected (no forced GC). */
  readonly memory: ServerSample;
}

export interface LoadResult extends RunBase, Measured {
  readonly kind: 'load';
  readonly connectionsAfter: number;
}

/** One step of a capacity search: the scale of the scenario's rates, what it measured, the verdict. */
export interface CapacityStep extends Measured, StepVerdict {
  readonly scale: number;
  /** Messages said per second, every room together. */
  readonly messagesPerSecond: number;
}

export interface CapacityResult extends RunBase {
  readonly kind: 'capacity';
  /** Deliveries a second at the highest step that held; 0 when none did. */
  readonly capacity: number;
  /** That step. */
  readonly at: CapacityStep | null;
  /** The lowest step that failed, if any did. */
  readonly failedAt: CapacityStep | null;
  /** What stopped the search (see capacity.ts). */
  readonly limit: Limit;
  /** The capacity is only a floor under the server's: something else stopped the search. */
  readonly lowerBound: boolean;
  /** What the limit was, for a person. */
  readonly note: string;
  readonly steps: CapacityStep[];
}

export interface IdleResult extends RunBase {
  readonly kind: 'idle';
  /** Before any client, and with every client connected; both after full collections. */
  readonly before: ServerSample;
  readonly after: ServerSample;
  /** Bytes of server memory per connection held: (after - before) / held. */
  readonly perConnection: {
    readonly rss: number;
    readonly heapUsed: number;
    readonly external: number;
  };
}

export type RunResult = LoadResult | CapacityResult | IdleResult;

/** Which CPUs the server and the load workers run on (taskset lists), or null: any. */
export interface Placement {
  readonly server: string;
  readonly load: string;
}

export interface RunContext {
  readonly sizes: Sizes;
  readonly mode: Mode;
  readonly placement: Placement | null;
  readonly profileDir: string | null;
  readonly log: (line: string) => void;
}

/** A started server child and its workers, with what it takes to end them all. */
class Session {
  workers: Child[] = [];
  constructor(
    readonly server: Child,
    readonly endpoints: Endpoints,
  ) {}

  sample(gc: boolean): Promise<ServerSample> {
    return this.server.call<ServerSample>('sample', { gc });
  }

  connections(): Promise<number> {
    return this.server.call<number>('connections');
  }

  /** The server first (its clients see it go, rather than it seeing them go), then the workers. */
  async end(): Promise<void> {
    this.server.call('exit').catch(() => {});
    await Promise.race([this.server.exited, sleep(10_000)]);
    await this.server.stop();
    await Promise.all(this.workers.map((worker) => worker.stop()));
  }
}

/**
 * Deals the clients out to the workers in turn, so that every room has members in every
 * worker: client `i` of the plan is client `floor(i / workers)` of worker `i % workers`.
 */
function dealClients(rooms: readonly RoomPlan[], workers: number): ClientPlan[][] {
  const plans: ClientPlan[][] = Array.from({ length: workers }, () => []);
  let index = 0;
  for (const room of rooms) {
    for (let member = 0; member < room.members; member++, index++)
      plans[index % workers]!.push({ name: `u${index}`, room: room.name });
  }
  return plans;
}

/** How many of a room's members talk at `rate`: enough that none says more than `senderRate`. */
function talkersFor(room: RoomPlan, rate: number, senderRate: number): number {
  return rate > 0 ? Math.min(room.members, Math.ceil(rate / senderRate)) : 0;
}

/**
 * Each room's senders at `scale` times its rate, as each worker's list (the same clients as
 * dealClients deals): its first members, each saying the room's rate / talkers a second.
 */
function dealSenders(
  rooms: readonly RoomPlan[],
  workers: number,
  senderRate: number,
  scale: number,
): SenderPlan[][] {
  const chosen: Array<{ worker: number; client: number; rate: number }> = [];
  let index = 0;
  for (const room of rooms) {
    const rate = room.rate * scale;
    const talkers = talkersFor(room, rate, senderRate);
    for (let member = 0; member < talkers; member++) {
      const serial = index + member;
      chosen.push({
        worker: serial % workers,
        client: Math.floor(serial / workers),
        rate: rate / talkers,
      });
    }
    index += room.members;
  }
  // Spread the senders' first messages over one period, so they do not all talk at once.
  const plans: SenderPlan[][] = Array.from({ length: workers }, () => []);
  for (const [serial, sender] of chosen.entries()) {
    const phase = serial / chosen.length;
    plans[sender.worker]!.push({ client: sender.client, rate: sender.rate, phase });
  }
  return plans;
}

/** Whether every room has members enough to talk at `scale` times its rate within `senderRate`. */
function canOffer(rooms: readonly RoomPlan[], senderRate: number, scale: number): boolean {
  return rooms.every((room) => Math.ceil((room.rate * scale) / senderRate) <= room.members);
}

function targetFor(endpoints: Endpoints, transport: Transport): string | number {
  const target =
    transport === 'json'
      ? endpoints.json
      : transport === 'socketio'
        ? endpoints.socketio
        : endpoints.telnet;
  if (target === undefined) throw new Error(`the server has no ${transport} endpoint`);
  return target;
}

/** The most clients one server can hold here, and a note if the plan needs more. */
function capByFdLimit(rooms: readonly RoomPlan[]): [RoomPlan[], string | null] {
  const wanted = clientCount(rooms);
  const most = maxFds() - FD_MARGIN;
  if (wanted <= most) return [[...rooms], null];
  return [
    capClients(rooms, most),
    `${wanted} connections asked for; the server process may open ${maxFds()} files (hard limit, ulimit -Hn), so ${most}`,
  ];
}

async function open(
  scenario: string,
  server: ServerName,
  rooms: readonly RoomPlan[],
  context: RunContext,
): Promise<[Session, string | null]> {
  const clients = clientCount(rooms);
  const nodeFlags = ['--expose-gc'];
  const [child, ready] = await startChild<ServerReady>({
    file: 'src/server_child.ts',
    args: [server],
    nodeFlags,
    fds: clients + FD_MARGIN,
    cpus: context.placement?.server,
    label: `server ${server}`,
  });
  const profile =
    context.profileDir === null
      ? null
      : join(context.profileDir, `${scenario}-${server}.cpuprofile`.replace(/[^\w.-]/g, '_'));
  return [new Session(child, ready.endpoints), profile];
}

function startWorkers(plans: ClientPlan[][], placement: Placement | null): Promise<Child[]> {
  return Promise.all(
    plans.map(async (clients, i) => {
      const [worker] = await startChild({
        file: 'src/load_worker.ts',
        fds: clients.length + FD_MARGIN,
        cpus: placement?.load,
        label: `worker ${i + 1}`,
      });
      return worker;
    }),
  );
}

async function connectAll(
  session: Session,
  plans: ClientPlan[][],
  transport: Transport,
  concurrency: number,
): Promise<ConnectResult> {
  const target = targetFor(session.endpoints, transport);
  const results = await Promise.all(
    session.workers.map((worker, i) =>
      worker.call<ConnectResult>('connect', {
        transport,
        target,
        clients: plans[i]!,
        concurrency,
      } satisfies ConnectRequest),
    ),
  );
  return {
    connected: results.reduce((sum, r) => sum + r.connected, 0),
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    reasons: results.flatMap((r) => r.reasons).slice(0, 5),
    seconds: Math.max(...results.map((r) => r.seconds)),
    joinedByRoom: addUp(results.map((r) => r.joinedByRoom)),
  };
}

/** Waits until no client has received anything for `settleMs` (join notices, a drain). */
async function quiet(workers: Child[], settleMs = 600, maxMs = 180_000): Promise<void> {
  const start = Date.now();
  let last = -1;
  let stableSince = Date.now();
  while (Date.now() - start < maxMs) {
    const frames = (await Promise.all(workers.map((w) => w.call<number>('frames')))).reduce(
      (a, b) => a + b,
      0,
    );
    if (frames !== last) {
      last = frames;
      stableSince = Date.now();
    } else if (Date.now() - stableSince >= settleMs) return;
    await sleep(150);
  }
}

async function allStats(workers: Child[]): Promise<WorkerStats[]> {
  return Promise.all(workers.map((worker) => worker.call<WorkerStats>('stats')));
}

function addUp(parts: ReadonlyArray<Record<string, number>>): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const part of parts)
    for (const [key, n] of Object.entries(part)) sums[key] = (sums[key] ?? 0) + n;
  return sums;
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

/** Busy CPU time of each CPU of the machine so far, in microseconds. */
function busyUsByCpu(): number[] {
  return cpus().map(({ times }) => (times.user + times.nice + times.sys + times.irq) * 1000);
}

/** Every process's CPU at one moment: the server, each worker, and each CPU of the machine. */
interface Snapshot {
  readonly atUs: number;
  readonly server: ServerSample;
  readonly workers: WorkerWindow[];
  readonly busyUs: number[];
}

async function snapshot(session: Session): Promise<Snapshot> {
  const [server, workers] = await Promise.all([
    session.sample(false),
    Promise.all(session.workers.map((worker) => worker.call<WorkerWindow>('window'))),
  ]);
  return { atUs: nowUs(), server, workers, busyUs: busyUsByCpu() };
}

/** Busy time between two snapshots, over the CPUs given (indices), in microseconds. */
function busyBetween(t0: Snapshot, t1: Snapshot, which: readonly number[]): number {
  return which.reduce((sum, cpu) => sum + (t1.busyUs[cpu] ?? 0) - (t0.busyUs[cpu] ?? 0), 0);
}

/** What a measured window needs: who talks, for how long, and where a profile goes. */
interface Window {
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
function workerProfileFile(serverFile: string, i: number): string {
  return serverFile.replace(/\.cpuprofile$/, `-worker${i + 1}.cpuprofile`);
}

/** The server's profile and the first worker's, summed up per delivery each made. */
function summaries(
  file: string | null,
  measured: Measured | undefined,
): Pick<RunBase, 'profile' | 'loadProfile'> {
  if (file === null || measured === undefined) return { profile: null, loadProfile: null };
  return {
    profile: summarizeProfile(file, measured.delivered + measured.stale),
    loadProfile: summarizeProfile(workerProfileFile(file, 0), measured.madeByWorker[0] ?? 0),
  };
}

let runs = 0;

/**
 * Every sender talks for the warm-up and the measured part, in one go; every process's CPU is
 * read as measuring starts and as sending ends, and the server's again once every delivery due
 * has arrived.
 */
async function measure(
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
  const everyCpu = t0.busyUs.map((_, i) => i);
  const machineCpu = busyBetween(t0, t1, everyCpu) / 1e6 / seconds;
  const serverCpusBusy =
    busyBetween(t0, t1, window.serverCpus) / 1e6 / seconds / window.serverCpus.length;
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
    serverCpusBusy,
    otherCpu: Math.max(0, machineCpu - serverCpu - workerCpu),
    memory: t2.server,
  };
}

/** The CPUs the server may run on: the one it is pinned to, or every one. */
function serverCpusOf(context: RunContext): number[] {
  if (context.placement !== null) return [Number(context.placement.server)];
  return cpus().map((_, i) => i);
}

/** What every run starts with: the rooms that fit the fd limit, the server, and the workers. */
async function prepare(
  scenario: { key: string; rooms: readonly RoomPlan[] },
  server: ServerName,
  context: RunContext,
) {
  const [rooms, capped] = capByFdLimit(scenario.rooms);
  const plans = dealClients(rooms, context.sizes.workers);
  const [[session, profileFile], workers] = await Promise.all([
    open(scenario.key, server, rooms, context),
    startWorkers(plans, context.placement),
  ]);
  session.workers = workers;
  return { rooms, capped, plans, session, profileFile };
}

/** Connects every client of a prepared run; what every kind of result says about it. */
async function connectBase(
  scenario: { key: string },
  server: ServerName,
  transport: Transport,
  prepared: Awaited<ReturnType<typeof prepare>>,
  context: RunContext,
): Promise<[Omit<RunBase, 'profile' | 'loadProfile' | 'connectionsHeld'>, ConnectResult]> {
  const { rooms, capped, plans, session } = prepared;
  context.log(`  ${server}: connecting ${clientCount(rooms)} clients`);
  const connect = await connectAll(session, plans, transport, context.sizes.concurrency);
  const base = {
    scenario: scenario.key,
    server,
    transport,
    node: process.version,
    rooms: rooms.length,
    clients: clientCount(rooms),
    connected: connect.connected,
    failed: connect.failed,
    failures: connect.reasons,
    connectSeconds: connect.seconds,
    capped,
  };
  return [base, connect];
}

function formatStep(step: CapacityStep): string {
  return (
    `${rate(step.messagesPerSecond)} msg/s, ${rate(step.offeredPerSecond)} deliveries/s: ` +
    `p50 ${step.latencyMs.p50.toFixed(1)} / p99 ${step.latencyMs.p99.toFixed(1)} ms, ` +
    `server ${(step.serverCpu * 100).toFixed(0)}%, load ${(step.workerCpu * 100).toFixed(0)}% ` +
    `(send lag ${step.sendLagMs.p99.toFixed(1)} ms, loop delay ${step.loopDelayMs.p99.toFixed(1)} ms), ` +
    `other ${(step.otherCpu * 100).toFixed(0)}%: ` +
    (step.held ? 'held' : `failed (${step.failedOn.join(', ')})`) +
    (step.saturated.length > 0 ? `; at its limit: ${step.saturated.join(', ')}` : '')
  );
}

/** What stopped a search, for a person. */
function noteOn(limit: Limit, failed: CapacityStep | null, cores: number): string {
  const pct = (n: number) => `${(n * 100).toFixed(0)}%`;
  const where = failed === null ? '' : ` at ${Math.round(failed.offeredPerSecond)}/s`;
  switch (limit) {
    case 'server':
      return failed!.serverCpu >= 0.9
        ? `server at ${pct(failed!.serverCpu)} CPU${where}`
        : `server late at ${pct(failed!.serverCpu)} CPU${where}, nothing else at its limit`;
    case 'load':
      return (
        `load at its limit${where} (workers ${pct(failed!.workerCpu)}, the busiest ` +
        `${pct(failed!.workerCpuMax)}; send lag ${failed!.sendLagMs.p99.toFixed(0)} ms, loop delay ` +
        `${failed!.loopDelayMs.p99.toFixed(0)} ms), server at ${pct(failed!.serverCpu)}`
      );
    case 'machine':
      return (
        `the server's CPU${cores > 1 ? 's' : ''} ${pct(failed!.serverCpusBusy)} busy${where}, the ` +
        `server at ${pct(failed!.serverCpu)} (machine ${failed!.machineCpu.toFixed(2)} cores: ` +
        `load ${pct(failed!.workerCpu)}, other ${pct(failed!.otherCpu)})`
      );
    case 'senders':
      return 'too few clients to talk faster (raise the clients or --sender-rate)';
    case 'steps':
      return 'out of steps before any failed (raise --max-steps)';
  }
}

/**
 * Raises the scenario's rates until a step fails, then narrows down (capacity.ts). The first
 * step is at the fixed rate: `fixed`, the run just measured there, when there is one (its
 * window is longer, which makes it no easier to hold); otherwise a step measured now, and
 * profiled when the run profiles.
 */
async function capacityOf(
  server: ServerName,
  session: Session,
  rooms: readonly RoomPlan[],
  members: Map<string, number>,
  context: RunContext,
  fixed: Measured | null,
  profileFile: string | null,
): Promise<Omit<CapacityResult, keyof RunBase | 'kind'>> {
  const { sizes, log } = context;
  const cores = cpus().length;
  // The CPUs the load may use: those it is pinned to, or all; one worker uses one at most.
  const loadCpus = Math.min(sizes.workers, context.placement === null ? cores : cores - 1);
  const baseRate = rooms.reduce((sum, room) => sum + room.rate, 0);
  const search = await searchCapacity(
    async (scale): Promise<CapacityStep> => {
      const measured =
        scale === 1 && fixed !== null
          ? fixed
          : await measure(session, members, {
              senders: dealSenders(rooms, sizes.workers, sizes.senderRate, scale),
              warmupSeconds: sizes.stepWarmup,
              durationSeconds: sizes.stepDuration,
              textSize: sizes.textSize,
              profileFile: scale === 1 ? profileFile : null,
              serverCpus: serverCpusOf(context),
            });
      const step = {
        ...measured,
        ...judgeStep(measured, loadCpus),
        scale,
        messagesPerSecond: baseRate * scale,
      };
      log(`  ${server}: capacity step ${formatStep(step)}`);
      return step;
    },
    {
      precision: sizes.stepPrecision,
      maxSteps: sizes.maxSteps,
      canOffer: (scale) => canOffer(rooms, sizes.senderRate, scale),
    },
  );
  const { held, failed } = search;
  const limit: Limit =
    failed !== null ? limitOf(failed) : search.stop === 'senders' ? 'senders' : 'steps';
  return {
    capacity: held?.deliveredPerSecond ?? 0,
    at: held,
    failedAt: failed,
    limit,
    lowerBound: isLowerBound(limit),
    note: noteOn(limit, failed, serverCpusOf(context).length),
    steps: search.steps,
  };
}

/**
 * A load scenario: connects every client once, then measures at the fixed rate (mode `fixed`),
 * searches for the capacity (`capacity`), or does both, one after the other (`both`).
 */
export async function runLoad(
  scenario: LoadScenario,
  server: ServerName,
  transport: Transport,
  context: RunContext,
): Promise<RunResult[]> {
  const { sizes, log, mode } = context;
  const prepared = await prepare(scenario, server, context);
  const { rooms, session, profileFile } = prepared;
  let ended = false;
  try {
    const [base, connect] = await connectBase(scenario, server, transport, prepared, context);
    await quiet(session.workers);
    const connectionsHeld = await session.connections();
    // Deliveries are due to the members that joined; any that did not are reported as failed.
    const members = new Map(Object.entries(connect.joinedByRoom));
    let fixed: Omit<LoadResult, 'profile' | 'loadProfile'> | null = null;
    let measured: Measured | null = null;
    if (mode !== 'capacity') {
      log(`  ${server}: warming up for ${sizes.warmup} s, then measuring for ${sizes.duration} s`);
      measured = await measure(session, members, {
        senders: dealSenders(rooms, sizes.workers, sizes.senderRate, 1),
        warmupSeconds: sizes.warmup,
        durationSeconds: sizes.duration,
        textSize: sizes.textSize,
        profileFile,
        serverCpus: serverCpusOf(context),
      });
      const connectionsAfter = await session.connections();
      fixed = { ...base, connectionsHeld, kind: 'load', ...measured, connectionsAfter };
    }
    let capacity: Omit<CapacityResult, 'profile' | 'loadProfile'> | null = null;
    if (mode !== 'fixed') {
      const profile = fixed === null ? profileFile : null;
      const found = await capacityOf(server, session, rooms, members, context, measured, profile);
      capacity = { ...base, connectionsHeld, kind: 'capacity', ...found };
    }
    await session.end();
    ended = true;
    const results: RunResult[] = [];
    if (fixed !== null) results.push({ ...fixed, ...summaries(profileFile, fixed) });
    if (capacity !== null) {
      // Its profile, when it has one of its own, is of its first step.
      const profiled = fixed === null ? profileFile : null;
      results.push({ ...capacity, ...summaries(profiled, capacity.steps[0]) });
    }
    return results;
  } finally {
    if (!ended) await session.end();
  }
}

export async function runIdle(
  scenario: IdleScenario,
  server: ServerName,
  transport: Transport,
  context: RunContext,
): Promise<IdleResult> {
  const prepared = await prepare(scenario, server, context);
  const { session, profileFile } = prepared;
  let ended = false;
  try {
    const before = await session.sample(true);
    if (profileFile !== null) await session.server.call('startProfile');
    const [base] = await connectBase(scenario, server, transport, prepared, context);
    await quiet(session.workers);
    if (profileFile !== null) await session.server.call('stopProfile', { file: profileFile });
    const connectionsHeld = await session.connections();
    const after = await session.sample(true);
    const per = (field: 'rss' | 'heapUsed' | 'external') =>
      connectionsHeld === 0 ? 0 : (after[field] - before[field]) / connectionsHeld;
    const result: Omit<IdleResult, 'profile' | 'loadProfile'> = {
      ...base,
      kind: 'idle',
      connectionsHeld,
      before,
      after,
      perConnection: { rss: per('rss'), heapUsed: per('heapUsed'), external: per('external') },
    };
    await session.end();
    ended = true;
    const profile = profileFile === null ? null : summarizeProfile(profileFile);
    return { ...result, profile, loadProfile: null };
  } finally {
    if (!ended) await session.end();
  }
}
