/**
 * `npx pnpm bench store`: what the message writer (src/writer.ts) holds on each engine, SQLite
 * in a temporary directory (WAL) and PostgreSQL in a database made for the run and dropped after.
 *
 *   npx pnpm bench store                 3 s of throughput, 2 x 5 s of latency per engine
 *   npx pnpm bench store --quick         a fraction of a second each: checks that it still runs
 *   npx pnpm bench store --node 24       the same under Node 24 (its built-in node:sqlite; on 20
 *                                        and 22, better-sqlite3: if it does not load, the SQLite
 *                                        part says it did not run, exit 1)
 *   npx pnpm bench store --out r.json    also writes the figures as JSON
 *
 * - throughput: ROOMS sender processes (one a room, as rooms will be), each keeping up to
 *   WINDOW messages outstanding with the writer (a new one for each `stored` that comes back),
 *   for a few seconds: messages persisted per second, the batches and their mean size. The
 *   count is checked against the rows in the table. Target on SQLite: 20,000 messages/s.
 * - latency: the same senders at a fixed 1,000 messages a second in all (each its share, at
 *   its own phase), from a sender's cast to its `stored` reply, p50 and p99; beside the same
 *   senders and schedule with a process that replies at once and touches no database (the
 *   baseline), the two taking turns. Target: the writer adds under 10 ms to the p99.
 *
 * PostgreSQL is TEST_DATABASE_URL's server (default postgres://postgres@127.0.0.1:5432/test);
 * when it cannot be reached, the run says loudly that its part did not run.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  GenServer,
  type NoReplyResult,
  type Pid,
  receive,
  receiveMany,
  self,
  send,
  spawn,
  TIMEOUT,
} from '@otp-chat/otp';
import { type Kysely, sql } from 'kysely';
import pg from 'pg';
import {
  type Engine,
  migrateToLatest,
  type OpenStore,
  openStore,
  SQLITE_LIBRARY,
} from '../src/index.ts';
import type { Database } from '../src/schema.ts';
import { MessageWriter, type StoredMessage, type WriterReply } from '../src/writer.ts';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, out: { type: 'string' } },
});
const quick = values.quick;
const ROOMS = 50;
const WINDOW = 100;
const THROUGHPUT_MS = quick ? 300 : 3_000;
const RATE = 1_000;
const LATENCY_MS = quick ? 500 : 5_000;
const LATENCY_RUNS = quick ? 1 : 2;
const TARGET_RATE = 20_000;
const TARGET_ADDED_P99_MS = 10;
const CONTENT = 'a message of a hundred characters '.padEnd(100, 'x');
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

function message(roomId: number, seq: number): StoredMessage {
  return { roomId, seq, username: 'bench', content: CONTENT, insertedAt: Date.now() };
}

// #region throughput
interface SenderResult {
  stored: number;
  failed: number;
  endedAt: number;
}

/**
 * A sender for `roomId`: WINDOW messages out at once, a new one for each reply until `until`,
 * then waits for the rest. Numbers its messages from `firstSeq`.
 */
function windowSender(
  writer: Pid,
  roomId: number,
  firstSeq: number,
  until: number,
): Promise<SenderResult & { nextSeq: number }> {
  return new Promise((resolve) => {
    spawn(async () => {
      const me = self();
      let seq = firstSeq;
      let outstanding = 0;
      let stored = 0;
      let failed = 0;
      const sendOne = () => {
        MessageWriter.write(writer, message(roomId, seq), me, seq);
        seq++;
        outstanding++;
      };
      while (outstanding < WINDOW) sendOne();
      while (outstanding > 0) {
        for (const [outcome, tags] of await receiveMany<WriterReply>()) {
          outstanding -= tags.length;
          if (outcome === 'stored') stored += tags.length;
          else failed += tags.length;
        }
        if (performance.now() < until) while (outstanding < WINDOW) sendOne();
      }
      resolve({ stored, failed, endedAt: performance.now(), nextSeq: seq });
    });
  });
}
// #endregion throughput

interface Throughput {
  messages: number;
  failed: number;
  seconds: number;
  perSecond: number;
  batches: number;
  meanBatch: number;
  rowsInTable: number;
}

async function throughput(
  db: Kysely<Database>,
  writer: Pid,
  rooms: readonly number[],
  seqs: number[],
): Promise<Throughput> {
  const before = await MessageWriter.stats(writer);
  const rowsBefore = await countRows(db);
  const start = performance.now();
  const results = await Promise.all(
    rooms.map((room, i) => windowSender(writer, room, seqs[i]!, start + THROUGHPUT_MS)),
  );
  const ended = Math.max(...results.map((r) => r.endedAt));
  results.forEach((r, i) => {
    seqs[i] = r.nextSeq;
  });
  const after = await MessageWriter.stats(writer);
  const messages = results.reduce((sum, r) => sum + r.stored, 0);
  const failed = results.reduce((sum, r) => sum + r.failed, 0);
  const seconds = (ended - start) / 1000;
  const batches = after.batches - before.batches;
  return {
    messages,
    failed,
    seconds,
    perSecond: messages / seconds,
    batches,
    meanBatch: batches === 0 ? 0 : (after.messages - before.messages) / batches,
    rowsInTable: (await countRows(db)) - rowsBefore,
  };
}

async function countRows(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('messages')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// #region latency
/**
 * A sender that casts one message every `periodMs`, from `start + phaseMs` until `end`, and
 * times each from its cast to its reply (in ms, read in the sender when the reply is taken).
 */
function pacedSender(
  writer: Pid,
  roomId: number,
  firstSeq: number,
  schedule: { start: number; phaseMs: number; periodMs: number; end: number },
): Promise<{ latencies: number[]; failed: number; nextSeq: number }> {
  return new Promise((resolve) => {
    spawn(async () => {
      const me = self();
      const latencies: number[] = [];
      let failed = 0;
      let seq = firstSeq;
      let outstanding = 0;
      let next = schedule.start + schedule.phaseMs;
      for (;;) {
        const now = performance.now();
        if (next < schedule.end && next <= now) {
          MessageWriter.write(writer, message(roomId, seq++), me, now);
          outstanding++;
          next += schedule.periodMs;
          continue;
        }
        if (next >= schedule.end && outstanding === 0) break;
        const wait = next >= schedule.end ? Number.POSITIVE_INFINITY : next - now;
        const reply = await receive<WriterReply>(undefined, wait);
        if (reply === TIMEOUT) continue;
        const [outcome, sentAt] = reply;
        outstanding -= sentAt.length;
        if (outcome === 'stored')
          for (const at of sentAt) latencies.push(performance.now() - (at as number));
        else failed += sentAt.length;
      }
      resolve({ latencies, failed, nextSeq: seq });
    });
  });
}
// #endregion latency

/** The baseline's writer: takes the same cast as MessageWriter and replies `stored` at once. */
const ImmediateReplier = {
  name: 'ImmediateReplier',
  init: (): readonly ['ok', null] => ['ok', null],
  handleCast(
    [, { replyTo, tag }]: readonly ['write', { replyTo: Pid; tag: unknown }],
    state: null,
  ): NoReplyResult<null> {
    send(replyTo, ['stored', [tag]] satisfies WriterReply);
    return ['noreply', state];
  },
};

interface Latency {
  samples: number;
  failed: number;
  p50: number;
  p99: number;
}

async function latency(writer: Pid, rooms: readonly number[], seqs: number[]): Promise<Latency> {
  const periodMs = (1000 * rooms.length) / RATE;
  // Starts a little ahead, so that every sender is spawned and waiting when the first sends.
  const start = performance.now() + 20;
  const end = start + LATENCY_MS;
  const results = await Promise.all(
    rooms.map((room, i) =>
      pacedSender(writer, room, seqs[i]!, {
        start,
        phaseMs: (periodMs * i) / rooms.length,
        periodMs,
        end,
      }),
    ),
  );
  results.forEach((r, i) => {
    seqs[i] = r.nextSeq;
  });
  const all = results.flatMap((r) => r.latencies);
  return {
    samples: all.length,
    failed: results.reduce((sum, r) => sum + r.failed, 0),
    p50: percentile(all, 50),
    p99: percentile(all, 99),
  };
}

function percentile(figures: readonly number[], p: number): number {
  if (figures.length === 0) return Number.NaN;
  const sorted = [...figures].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

/** What the engine promises for a commit, read from the database itself. */
async function durability(store: OpenStore): Promise<string> {
  if (store.engine === 'sqlite') {
    const journal = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    const sync = await sql<{ synchronous: number }>`pragma synchronous`.execute(store.db);
    const level = sync.rows[0]!.synchronous;
    const name = ['OFF', 'NORMAL', 'FULL', 'EXTRA'][level] ?? String(level);
    return (
      `journal_mode=${journal.rows[0]!.journal_mode}, synchronous=${name}: a commit survives ` +
      'the process being killed; a power cut may lose the last commits (never corrupts the file)'
    );
  }
  const result = await sql<{ synchronous_commit: string }>`show synchronous_commit`.execute(
    store.db,
  );
  const mode = result.rows[0]!.synchronous_commit;
  return (
    `synchronous_commit=${mode}` +
    (mode === 'on' ? ': a commit is flushed to the WAL on disk before it returns' : '')
  );
}

interface EngineReport {
  engine: Engine;
  where: string;
  durability: string;
  throughput: Throughput;
  baseline: Latency;
  writer: Latency;
  latencyMeanBatch: number;
  addedP99: number;
  passes: { throughput: boolean | null; addedP99: boolean };
}

async function benchEngine(store: OpenStore): Promise<EngineReport> {
  const { db, engine } = store;
  await migrateToLatest(db, engine);
  const rooms: number[] = [];
  for (let i = 0; i < ROOMS; i++) {
    const room = await db
      .insertInto('rooms')
      .values({
        name: `room${i}`,
        slug: `room${i}`,
        description: null,
        epoch: 1,
        inserted_at: 1,
        updated_at: 1,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    rooms.push(room.id);
  }
  const seqs = rooms.map(() => 1);
  const writer = await startServer(() => MessageWriter.startLink(db));
  const replier = await startServer(() => GenServer.start(ImmediateReplier, undefined));
  const mode = await durability(store);
  console.log(`\n${engine} (${store.where})\n  ${mode}`);

  const t = await throughput(db, writer, rooms, seqs);
  if (t.rowsInTable !== t.messages || t.failed !== 0) {
    throw new Error(
      `${engine}: ${t.messages} stored replies, ${t.failed} failed, ${t.rowsInTable} new rows`,
    );
  }
  const throughputPass = engine === 'sqlite' ? t.perSecond >= TARGET_RATE : null;
  console.log(
    `  throughput, ${ROOMS} senders x ${WINDOW} outstanding: ${fmt(t.perSecond, 0)} messages/s ` +
      `(${fmt(t.messages, 0)} in ${t.seconds.toFixed(2)} s, all in the table), ` +
      `${fmt(t.batches, 0)} batches, mean batch ${t.meanBatch.toFixed(1)}` +
      (throughputPass === null
        ? '   (no target)'
        : `   target >= ${fmt(TARGET_RATE, 0)}/s: ${passMiss(throughputPass)}`),
  );

  const baselines: Latency[] = [];
  const writers: Latency[] = [];
  const statsBefore = await MessageWriter.stats(writer);
  for (let run = 0; run < LATENCY_RUNS; run++) {
    baselines.push(await latency(replier, rooms, seqs));
    writers.push(await latency(writer, rooms, seqs));
  }
  const statsAfter = await MessageWriter.stats(writer);
  const latencyBatches = statsAfter.batches - statsBefore.batches;
  const latencyMeanBatch = (statsAfter.messages - statsBefore.messages) / latencyBatches;
  // The run whose p99 is the worse of the two, for each: a target met by the worst run is met.
  const baseline = worst(baselines);
  const measured = worst(writers);
  if (measured.failed !== 0) throw new Error(`${engine}: ${measured.failed} writes failed`);
  const addedP99 = measured.p99 - baseline.p99;
  const latencyPass = addedP99 < TARGET_ADDED_P99_MS;
  console.log(
    `  latency at ${fmt(RATE, 0)} messages/s, cast to reply (${LATENCY_RUNS} run(s) of ` +
      `${LATENCY_MS / 1000} s each, taking turns; the worse run shown):`,
  );
  console.log(
    `    ${'baseline, a process that replies at once:'.padEnd(42)} ${latencyRow(baseline)}`,
  );
  console.log(`    ${`the writer, committing to ${engine}:`.padEnd(42)} ${latencyRow(measured)}`);
  console.log(
    `    (${fmt(latencyBatches, 0)} batches while paced, mean batch ${latencyMeanBatch.toFixed(1)})`,
  );
  console.log(
    `    ratio to the baseline: p50 ${(measured.p50 / baseline.p50).toFixed(1)} x, ` +
      `p99 ${(measured.p99 / baseline.p99).toFixed(1)} x; added p99 ${addedP99.toFixed(2)} ms` +
      `   target < ${TARGET_ADDED_P99_MS} ms: ${passMiss(latencyPass)}`,
  );
  await GenServer.stop(writer);
  await GenServer.stop(replier);
  return {
    engine,
    where: store.where,
    durability: mode,
    throughput: t,
    baseline,
    writer: measured,
    latencyMeanBatch,
    addedP99,
    passes: { throughput: throughputPass, addedP99: latencyPass },
  };
}

function worst(runs: readonly Latency[]): Latency {
  return runs.reduce((a, b) => (b.p99 > a.p99 ? b : a));
}

async function startServer(
  start: () => Promise<readonly ['ok', Pid] | readonly ['error', unknown] | 'ignore'>,
): Promise<Pid> {
  const result = await start();
  if (result === 'ignore' || result[0] !== 'ok') throw new Error('a server did not start');
  return result[1];
}

function latencyRow(l: Latency): string {
  return `p50 ${l.p50.toFixed(2).padStart(6)} ms   p99 ${l.p99.toFixed(2).padStart(6)} ms   (${fmt(l.samples, 0)} replies)`;
}

function fmt(n: number, digits: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits });
}

function passMiss(pass: boolean): string {
  return pass ? 'PASS' : 'MISS';
}

/** The SQLite part, or why it did not run (on Node 20 and 22, better-sqlite3 not built for it). */
async function onSqlite(): Promise<EngineReport | string> {
  const dataDir = mkdtempSync(join(tmpdir(), 'otp-chat-store-bench-'));
  let store: OpenStore;
  try {
    store = openStore({ dataDir });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    const why = (error as Error).message.replace(/\s+/g, ' ').slice(0, 400);
    return `${SQLITE_LIBRARY} does not open a database on Node ${process.version} (${why})`;
  }
  try {
    return await benchEngine(store);
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The PostgreSQL part, or why it did not run. */
async function onPostgres(): Promise<EngineReport | string> {
  const name = `otp_chat_bench_${process.pid}`;
  try {
    await admin(`create database ${name}`);
  } catch (error) {
    return `cannot reach ${ADMIN_URL} (${(error as Error).message})`;
  }
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const store = openStore({ databaseUrl: url.href, dataDir: '' });
  try {
    return await benchEngine(store);
  } finally {
    await store.close();
    await admin(`drop database if exists ${name} with (force)`);
  }
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

console.log(
  `store bench: Node ${process.version}, ${ROOMS} rooms, one sender process each` +
    (quick ? ' (--quick: figures too short to mean much)' : ''),
);
const sqlite = await onSqlite();
const postgres = await onPostgres();
const notRun = (part: string, why: string) =>
  console.log(`\n${'!'.repeat(100)}\n!! ${part} part NOT RUN: ${why}\n${'!'.repeat(100)}`);
if (typeof sqlite === 'string') {
  notRun('SQLite', sqlite);
  process.exitCode = 1;
}
if (typeof postgres === 'string') notRun('PostgreSQL', postgres);
if (values.out !== undefined) {
  const report = {
    node: process.version,
    quick,
    engines: [sqlite, postgres].filter((e): e is EngineReport => typeof e !== 'string'),
    sqliteNotRun: typeof sqlite === 'string' ? sqlite : null,
    postgresNotRun: typeof postgres === 'string' ? postgres : null,
  };
  writeFileSync(values.out, `${JSON.stringify(report, null, 2)}\n`);
}
