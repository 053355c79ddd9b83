/**
 * Runs one scenario against one server: the server in a child process of its own, the load
 * in worker processes, and the coordinator (this process) only planning, starting, waiting
 * and adding up. A load scenario connects its clients once, then measures at the scenario's
 * fixed rate, searches for the server's capacity (capacity.ts), or both. Every process is gone
 * when a run returns, whether it succeeded or not.
 */
import { cpus } from 'node:os';
import {
  isLowerBound,
  judgeStep,
  type Limit,
  limitOf,
  type StepVerdict,
  searchCapacity,
} from './capacity.ts';
import type { Transport } from './clients/client.ts';
import { canOffer, dealSenders } from './deal.ts';
import type { ConnectResult } from './load_worker.ts';
import { type Measured, measure, workerProfileFile } from './measure.ts';
import type { Mode } from './options.ts';
import type { ServerName } from './peers/peer.ts';
import type { PersistenceResult } from './persistence.ts';
import { type ProfileSummary, summarizeProfile } from './profile.ts';
import { rate } from './report.ts';
import { clientCount, type IdleScenario, type LoadScenario, type RoomPlan } from './scenarios.ts';
import type { ServerSample } from './server_child.ts';
import { connectAll, prepare, quiet, type Session, type SessionContext } from './session.ts';

export interface RunBase {
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

export type RunResult = LoadResult | CapacityResult | IdleResult | PersistenceResult;

export interface RunContext extends SessionContext {
  readonly mode: Mode;
  readonly log: (line: string) => void;
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

/** The CPUs the server may run on: the one it is pinned to, or every one. */
/** The cores the server may run on: the one it is pinned to, or all of them. */
export function serverCpusOf(context: RunContext): number[] {
  if (context.placement !== null) return [Number(context.placement.server)];
  return cpus().map((_, i) => i);
}

/** Connects every client of a prepared run; what every kind of result says about it. */
export async function connectBase(
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
    `other ${(step.otherCpu * 100).toFixed(0)}%` +
    (step.stealCpu >= 0.01 ? ` (stolen by the host ${(step.stealCpu * 100).toFixed(0)}%)` : '') +
    ': ' +
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
