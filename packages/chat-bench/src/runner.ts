/**
 * Runs one scenario against one server: the server in a child process of its own, the load
 * in worker processes, and the coordinator (this process) only planning, starting, waiting
 * and adding up. Every process is gone when a run returns, whether it succeeded or not.
 */
import { join } from 'node:path';
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
} from './load_worker.ts';
import type { Sizes } from './options.ts';
import type { Endpoints, ServerName } from './peers/peer.ts';
import { type ProfileSummary, summarizeProfile } from './profile.ts';
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
}

export interface LoadResult extends RunBase {
  readonly kind: 'load';
  readonly durationSeconds: number;
  readonly sent: number;
  /** Deliveries due: every message to every other member of its room. */
  readonly expected: number;
  readonly delivered: number;
  /** Deliveries due and never made (must be 0). */
  readonly lost: number;
  /** Deliveries made more than once. */
  readonly duplicated: number;
  readonly echoes: number;
  /** Warm-up messages that arrived during the measured run (not counted). */
  readonly stale: number;
  readonly disconnects: number;
  readonly errors: Record<string, number>;
  readonly offeredPerSecond: number;
  readonly deliveredPerSecond: number;
  /** End-to-end latency in milliseconds, from the sender's send to a receiver's receive. */
  readonly latencyMs: Latency;
  /** The server's CPU time over the measured run, in cores (1 = one core all the time). */
  readonly serverCpu: number;
  /**
   * The server's CPU time per delivery, in microseconds, from the first send until the last
   * delivery: what the server spends to deliver one message, whatever else runs on the
   * machine. One core at full load could deliver 1e6 / this many messages a second.
   */
  readonly serverCpuPerDeliveryUs: number;
  /** The part of serverCpuPerDeliveryUs spent in the kernel. */
  readonly serverSystemPerDeliveryUs: number;
  /** The load workers' CPU time, added up, in cores. */
  readonly workerCpu: number;
  /** The server's memory at the end of the run, clients still connected (no forced GC). */
  readonly memory: ServerSample;
  readonly connectionsAfter: number;
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

export type RunResult = LoadResult | IdleResult;

export interface RunContext {
  readonly sizes: Sizes;
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

/** The plan for one worker: its clients, and which of them talk. */
interface WorkerPlan {
  readonly clients: ClientPlan[];
  readonly senders: SenderPlan[];
}

/**
 * Deals the clients out to the workers in turn (so every room has members in every worker),
 * and picks each room's senders: enough that none says more than `senderRate` a second.
 */
function dealClients(
  rooms: readonly RoomPlan[],
  workers: number,
  senderRate: number,
): WorkerPlan[] {
  const plans: WorkerPlan[] = Array.from({ length: workers }, () => ({ clients: [], senders: [] }));
  const senders: Array<{ worker: number; client: number; rate: number }> = [];
  let index = 0;
  for (const room of rooms) {
    const talkers = room.rate > 0 ? Math.min(room.members, Math.ceil(room.rate / senderRate)) : 0;
    for (let member = 0; member < room.members; member++, index++) {
      const plan = plans[index % workers]!;
      if (member < talkers) {
        senders.push({
          worker: index % workers,
          client: plan.clients.length,
          rate: room.rate / talkers,
        });
      }
      plan.clients.push({ name: `u${index}`, room: room.name });
    }
  }
  // Spread the senders' first messages over one period, so they do not all talk at once.
  for (const [serial, sender] of senders.entries()) {
    const phase = serial / senders.length;
    plans[sender.worker]!.senders.push({ client: sender.client, rate: sender.rate, phase });
  }
  return plans;
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
    label: `server ${server}`,
  });
  const profile =
    context.profileDir === null
      ? null
      : join(context.profileDir, `${scenario}-${server}.cpuprofile`.replace(/[^\w.-]/g, '_'));
  return [new Session(child, ready.endpoints), profile];
}

function startWorkers(plans: WorkerPlan[]): Promise<Child[]> {
  return Promise.all(
    plans.map(async (plan, i) => {
      const [worker] = await startChild({
        file: 'src/load_worker.ts',
        fds: plan.clients.length + FD_MARGIN,
        label: `worker ${i + 1}`,
      });
      return worker;
    }),
  );
}

async function connectAll(
  session: Session,
  plans: WorkerPlan[],
  transport: Transport,
  concurrency: number,
): Promise<ConnectResult> {
  const target = targetFor(session.endpoints, transport);
  const results = await Promise.all(
    session.workers.map((worker, i) =>
      worker.call<ConnectResult>('connect', {
        transport,
        target,
        clients: plans[i]!.clients,
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

let runs = 0;

/** Every sender talks for `seconds`, from a moment shortly ahead; resolves to that moment. */
async function sendFor(
  workers: Child[],
  plans: WorkerPlan[],
  seconds: number,
  textSize: number,
): Promise<number> {
  const id = ++runs;
  const startAtUs = nowUs() + 200_000;
  await Promise.all(
    workers.map((worker, i) =>
      worker.call<{ sent: number }>('run', {
        id,
        startAtUs,
        durationMs: seconds * 1000,
        size: textSize,
        senders: plans[i]!.senders,
      } satisfies RunRequest),
    ),
  );
  return startAtUs;
}

function latencyOf(stats: WorkerStats[]): Latency {
  const histogram = Histogram.merge(stats.map((part) => part.latency));
  return {
    p50: histogram.percentile(0.5) / 1000,
    p99: histogram.percentile(0.99) / 1000,
    max: histogram.maxUs / 1000,
    mean: histogram.meanUs / 1000,
  };
}

/** What every run starts with: the rooms that fit the fd limit, the server, and the workers. */
async function prepare(
  scenario: { key: string; rooms: readonly RoomPlan[] },
  server: ServerName,
  context: RunContext,
) {
  const [rooms, capped] = capByFdLimit(scenario.rooms);
  const plans = dealClients(rooms, context.sizes.workers, context.sizes.senderRate);
  const [[session, profileFile], workers] = await Promise.all([
    open(scenario.key, server, rooms, context),
    startWorkers(plans),
  ]);
  session.workers = workers;
  return { rooms, capped, plans, session, profileFile };
}

export async function runLoad(
  scenario: LoadScenario,
  server: ServerName,
  transport: Transport,
  context: RunContext,
): Promise<LoadResult> {
  const { sizes, log } = context;
  const { rooms, capped, plans, session, profileFile } = await prepare(scenario, server, context);
  let ended = false;
  try {
    log(`  ${server}: connecting ${clientCount(rooms)} clients`);
    const connect = await connectAll(session, plans, transport, sizes.concurrency);
    await quiet(session.workers);
    const connectionsHeld = await session.connections();
    // Deliveries are due to the members that joined; any that did not are reported as failed.
    const members = new Map(Object.entries(connect.joinedByRoom));
    if (sizes.warmup > 0) {
      log(`  ${server}: warming up for ${sizes.warmup} s`);
      await sendFor(session.workers, plans, sizes.warmup, sizes.textSize);
      await drain(session.workers, members);
      await quiet(session.workers);
    }
    await Promise.all(session.workers.map((worker) => worker.call('reset')));
    log(`  ${server}: measuring for ${sizes.duration} s`);
    if (profileFile !== null) await session.server.call('startProfile');
    const before = await session.sample(false);
    const t0 = nowUs();
    const startAtUs = await sendFor(session.workers, plans, sizes.duration, sizes.textSize);
    const after = await session.sample(false);
    const t1 = nowUs();
    const stats = await drain(session.workers, members);
    if (profileFile !== null) await session.server.call('stopProfile', { file: profileFile });
    const memory = await session.sample(false);
    const connectionsAfter = await session.connections();
    const expected = expectedDeliveries(stats, members);
    const received = delivered(stats);
    const lastDeliveryUs = Math.max(...stats.map((part) => part.lastDeliveryUs));
    const result: Omit<LoadResult, 'profile'> = {
      kind: 'load',
      scenario: scenario.key,
      server,
      transport,
      rooms: rooms.length,
      clients: clientCount(rooms),
      connected: connect.connected,
      failed: connect.failed,
      failures: connect.reasons,
      connectSeconds: connect.seconds,
      connectionsHeld,
      capped,
      durationSeconds: sizes.duration,
      sent: [...sumByRoom(stats, 'sentByRoom').values()].reduce((a, b) => a + b, 0),
      expected,
      delivered: received,
      lost: Math.max(0, expected - received),
      duplicated: Math.max(0, received - expected),
      echoes: stats.reduce((sum, part) => sum + part.echoes, 0),
      stale: stats.reduce((sum, part) => sum + part.stale, 0),
      disconnects: stats.reduce((sum, part) => sum + part.disconnects, 0),
      errors: addUp(stats.map((part) => part.errors)),
      offeredPerSecond: expected / sizes.duration,
      // Over the time the load took to deliver: the sending time, or longer if the server lagged.
      deliveredPerSecond: received / Math.max(sizes.duration, (lastDeliveryUs - startAtUs) / 1e6),
      latencyMs: latencyOf(stats),
      serverCpu: (after.cpuUs - before.cpuUs) / (t1 - t0),
      serverCpuPerDeliveryUs: received === 0 ? 0 : (memory.cpuUs - before.cpuUs) / received,
      serverSystemPerDeliveryUs:
        received === 0 ? 0 : (memory.systemUs - before.systemUs) / received,
      workerCpu: stats.reduce((sum, part) => sum + part.cpuUs, 0) / (t1 - t0),
      memory,
      connectionsAfter,
    };
    await session.end();
    ended = true;
    return { ...result, profile: profileFile === null ? null : summarizeProfile(profileFile) };
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
  const { sizes, log } = context;
  const { rooms, capped, plans, session, profileFile } = await prepare(scenario, server, context);
  let ended = false;
  try {
    const before = await session.sample(true);
    log(`  ${server}: opening ${clientCount(rooms)} connections`);
    if (profileFile !== null) await session.server.call('startProfile');
    const connect = await connectAll(session, plans, transport, sizes.concurrency);
    await quiet(session.workers);
    if (profileFile !== null) await session.server.call('stopProfile', { file: profileFile });
    const connectionsHeld = await session.connections();
    const after = await session.sample(true);
    const per = (field: 'rss' | 'heapUsed' | 'external') =>
      connectionsHeld === 0 ? 0 : (after[field] - before[field]) / connectionsHeld;
    const result: Omit<IdleResult, 'profile'> = {
      kind: 'idle',
      scenario: scenario.key,
      server,
      transport,
      rooms: rooms.length,
      clients: clientCount(rooms),
      connected: connect.connected,
      failed: connect.failed,
      failures: connect.reasons,
      connectSeconds: connect.seconds,
      connectionsHeld,
      capped,
      before,
      after,
      perConnection: { rss: per('rss'), heapUsed: per('heapUsed'), external: per('external') },
    };
    await session.end();
    ended = true;
    return { ...result, profile: profileFile === null ? null : summarizeProfile(profileFile) };
  } finally {
    if (!ended) await session.end();
  }
}
