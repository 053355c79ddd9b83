/**
 * The persistence scenario on one server: step 07 (the baseline, no storage) or step 08 on
 * SQLite or PostgreSQL, each in a database made for the run and dropped after it
 * (`scratchDatabase` of @otp-chat/store/testing). Over one set of connections it measures:
 *
 * 1. throughput: the flood rooms' clients each keep `floodWindow` messages unanswered, a new one
 *    for each echo (a room sends every message to its sender too, and step 08 only once it is
 *    stored): messages answered a second over the measured part. Then the rows in the database
 *    are counted: every message answered must be there (`verified`).
 * 2. latency: the latency rooms talk at `persistRate` messages a second in all, through the
 *    same `measure` as the load scenarios: send to receive by the other members, p50 and p99.
 *
 * The report (report.ts) sets each step-08 figure beside step 07's of the same run.
 */
import type { ScratchDatabase } from '@otp-chat/store/testing';
import type { Child } from './children.ts';
import { nowUs, sleep } from './clock.ts';
import { dealSenders } from './deal.ts';
import { Histogram } from './histogram.ts';
import type { FloodRequest, FloodStats, WorkerWindow } from './load_worker.ts';
import { type Latency, type Measured, measure } from './measure.ts';
import type { PeerSetup, ServerName } from './peers/peer.ts';
import { connectBase, type RunBase, type RunContext, serverCpusOf } from './runner.ts';
import { clientCount, type PersistenceScenario } from './scenarios.ts';
import { prepare, quiet, type Session } from './session.ts';

/** Where a server of the scenario stores its messages. */
export type StorageEngine = 'none' | 'sqlite' | 'postgres';

export function engineOf(server: ServerName): StorageEngine {
  if (server === 'otp-chat-08-sqlite') return 'sqlite';
  if (server === 'otp-chat-08-pg') return 'postgres';
  return 'none';
}

/** What the flood measured. */
export interface Throughput {
  readonly clients: number;
  readonly window: number;
  readonly seconds: number;
  /** Messages sent and answered over the whole flood, warm-up included. */
  readonly sent: number;
  readonly answered: number;
  /** Answered within the measured part, and per second of it: the throughput. */
  readonly answeredMeasured: number;
  readonly perSecond: number;
  readonly errors: Record<string, number>;
  readonly unanswered: number;
  readonly disconnects: number;
  /** From a message's send to its echo, in the measured part (the queue the window keeps). */
  readonly latencyMs: Latency;
  /** The server's CPU over the measured part, in cores, and per message answered (µs). */
  readonly serverCpu: number;
  readonly serverCpuPerMessageUs: number;
  /** The load workers' CPU over the measured part, in cores, added up, and the busiest one's. */
  readonly workerCpu: number;
  readonly workerCpuMax: number;
  /** Rows in the messages table after the flood (null: the server stores nothing). */
  readonly storedRows: number | null;
  /** Every message answered is stored (rows >= answered, and no more rows than sent); true without storage. */
  readonly verified: boolean;
}

export interface PersistenceResult extends RunBase {
  readonly kind: 'persistence';
  readonly engine: StorageEngine;
  /** The database, for a person: the SQLite directory or the PostgreSQL database's name. */
  readonly database: string | null;
  readonly throughput: Throughput;
  /** The run at the fixed rate, in the latency rooms. */
  readonly latency: Measured;
}

/** Which of each worker's clients flood: the flood rooms' members, dealt as dealClients deals. */
export function floodersByWorker(scenario: PersistenceScenario, workers: number): number[][] {
  const byWorker: number[][] = Array.from({ length: workers }, () => []);
  let index = clientCount(scenario.latencyRooms);
  for (const room of scenario.floodRooms) {
    for (let member = 0; member < room.members; member++, index++)
      byWorker[index % workers]!.push(Math.floor(index / workers));
  }
  return byWorker;
}

let floods = 0;

function latencyOf(histogram: Histogram): Latency {
  return {
    p50: histogram.percentile(0.5) / 1000,
    p99: histogram.percentile(0.99) / 1000,
    max: histogram.maxUs / 1000,
    mean: histogram.meanUs / 1000,
  };
}

/** The flood: every flood client sends as fast as it is answered; see FloodRequest. */
async function runFlood(
  session: Session,
  scenario: PersistenceScenario,
  context: RunContext,
): Promise<Omit<Throughput, 'storedRows' | 'verified'>> {
  const { sizes } = context;
  const { workers } = session;
  const byWorker = floodersByWorker(scenario, workers.length);
  const warmupId = 1_000_000 + ++floods * 2;
  const id = warmupId + 1;
  const startAtUs = nowUs() + 200_000;
  const measureFromUs = startAtUs + sizes.floodWarmup * 1e6;
  const flooding = Promise.all(
    workers.map((worker, i) =>
      worker.call<FloodStats>('flood', {
        id,
        warmupId,
        startAtUs,
        warmupMs: sizes.floodWarmup * 1000,
        durationMs: sizes.floodDuration * 1000,
        size: sizes.textSize,
        clients: byWorker[i]!,
        window: sizes.floodWindow,
      } satisfies FloodRequest),
    ),
  );
  flooding.catch(() => {}); // awaited below
  await sleep(Math.max(0, (measureFromUs - nowUs()) / 1000));
  const cpu0 = await cpuNow(session);
  await sleep(sizes.floodDuration * 1000);
  const cpu1 = await cpuNow(session);
  const stats = await flooding;
  const seconds = (cpu1.atUs - cpu0.atUs) / 1e6;
  const answeredMeasured = stats.reduce((sum, part) => sum + part.answeredMeasured, 0);
  const serverUs = cpu1.serverUs - cpu0.serverUs;
  const workerCpus = cpu1.workers.map((w, i) => (w.cpuUs - cpu0.workers[i]!.cpuUs) / 1e6 / seconds);
  const errors: Record<string, number> = {};
  for (const part of stats)
    for (const [code, n] of Object.entries(part.errors)) errors[code] = (errors[code] ?? 0) + n;
  return {
    clients: clientCount(scenario.floodRooms),
    window: sizes.floodWindow,
    seconds: sizes.floodDuration,
    sent: stats.reduce((sum, part) => sum + part.sent, 0),
    answered: stats.reduce((sum, part) => sum + part.answered, 0),
    answeredMeasured,
    perSecond: answeredMeasured / sizes.floodDuration,
    errors,
    unanswered: stats.reduce((sum, part) => sum + part.unanswered, 0),
    disconnects: stats.reduce((sum, part) => sum + part.disconnects, 0),
    latencyMs: latencyOf(Histogram.merge(stats.map((part) => part.latency))),
    serverCpu: serverUs / 1e6 / seconds,
    serverCpuPerMessageUs: answeredMeasured === 0 ? 0 : serverUs / answeredMeasured,
    workerCpu: workerCpus.reduce((a, b) => a + b, 0),
    workerCpuMax: Math.max(...workerCpus),
  };
}

async function cpuNow(
  session: Session,
): Promise<{ atUs: number; serverUs: number; workers: WorkerWindow[] }> {
  const [server, workers] = await Promise.all([
    session.sample(false),
    Promise.all(session.workers.map((worker: Child) => worker.call<WorkerWindow>('window'))),
  ]);
  return { atUs: nowUs(), serverUs: server.cpuUs, workers };
}

/** Rows in the messages table of a scratch database, read over a connection of its own. */
async function countRows(database: ScratchDatabase): Promise<number> {
  const { openStore } = await import('@otp-chat/store');
  const store = openStore(database.location);
  try {
    const row = await store.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('rows'))
      .executeTakeFirstOrThrow();
    return Number(row.rows);
  } finally {
    await store.close();
  }
}

/** Why PostgreSQL cannot be used (the run then says the server did not run), or undefined. */
export async function postgresProblem(): Promise<string | undefined> {
  return (await import('@otp-chat/store/testing')).postgresProblem();
}

/** The serverCpus measure wants: the server's CPU when pinned, else every one. */

/** The scenario on one server, in a database of its own (none for step 07), dropped after. */
export async function runPersistence(
  scenario: PersistenceScenario,
  server: ServerName,
  context: RunContext,
): Promise<PersistenceResult> {
  const { sizes, log } = context;
  const engine = engineOf(server);
  const database =
    engine === 'none'
      ? null
      : await (await import('@otp-chat/store/testing')).scratchDatabase(engine);
  try {
    const setup: PeerSetup = {
      noFloodRule: true,
      ...(database === null ? {} : { store: database.location }),
    };
    const prepared = await prepare(scenario, server, context, setup);
    const { session } = prepared;
    let ended = false;
    try {
      const [base, connect] = await connectBase(scenario, server, 'json', prepared, context);
      await quiet(session.workers);
      const connectionsHeld = await session.connections();
      const members = new Map(Object.entries(connect.joinedByRoom));
      log(
        `  ${server}: flooding for ${sizes.floodWarmup} + ${sizes.floodDuration} s ` +
          `(${clientCount(scenario.floodRooms)} clients, ${sizes.floodWindow} messages unanswered each)`,
      );
      const flooded = await runFlood(session, scenario, context);
      const storedRows = database === null ? null : await countRows(database);
      const verified =
        storedRows === null || (storedRows >= flooded.answered && storedRows <= flooded.sent);
      log(
        `  ${server}: ${Math.round(flooded.perSecond)} messages/s answered` +
          (storedRows === null
            ? ''
            : `; ${storedRows} rows stored for ${flooded.answered} answered of ${flooded.sent} sent` +
              (verified ? '' : ': NOT every answered message is stored')),
      );
      await quiet(session.workers);
      log(`  ${server}: ${sizes.persistRate} msg/s for ${sizes.warmup} + ${sizes.duration} s`);
      const latency = await measure(session, members, {
        senders: dealSenders(scenario.latencyRooms, sizes.workers, sizes.senderRate, 1),
        warmupSeconds: sizes.warmup,
        durationSeconds: sizes.duration,
        textSize: sizes.textSize,
        profileFile: null,
        serverCpus: serverCpusOf(context),
      });
      await session.end();
      ended = true;
      return {
        ...base,
        connectionsHeld,
        profile: null,
        loadProfile: null,
        kind: 'persistence',
        engine,
        database: database === null ? null : describe(database),
        throughput: { ...flooded, storedRows, verified },
        latency,
      };
    } finally {
      if (!ended) await session.end();
    }
  } finally {
    await database?.drop();
  }
}

function describe(database: ScratchDatabase): string {
  const url = database.location.databaseUrl;
  return url ? new URL(url).pathname.slice(1) : database.location.dataDir;
}
