/**
 * Retention: what was said is not kept for ever. Two limits, each optional: a maximum age
 * (messages older than it are deleted) and a maximum count per room (a room keeps its newest
 * that many, by `seq`). A room itself is never deleted, only its messages: its epoch and its
 * next `seq` live on the room row, so ids go on after everything in it has expired.
 *
 * `RetentionJob` is a GenServer that sweeps every `intervalMs` (the first sweep soon after it
 * starts), under a supervisor like any other process. Each DELETE takes at most `chunkSize`
 * rows, picked through an index (`inserted_at` for the age, `(room_id, seq)` for the count),
 * and the job lets the event loop run between two of them: the writer's commits get in
 * between, so a sweep that has a million rows to delete never holds the database for long.
 */
import { setImmediate as nextTurn } from 'node:timers/promises';
import {
  type CallResult,
  type ChildSpec,
  type From,
  GenServer,
  isAlive,
  type NoReplyResult,
  type Server,
  type StartResult,
  self,
  sendAfter,
} from '@otp-chat/otp';
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export interface RetentionOptions {
  /** Messages older than this (ms, by `inserted_at`) are deleted; left out, any age is kept. */
  readonly maxAgeMs?: number | undefined;
  /** A room keeps its newest this many messages; left out, any number. */
  readonly maxMessagesPerRoom?: number | undefined;
  /** The time between the end of one sweep and the start of the next. */
  readonly intervalMs: number;
  /** The most rows one DELETE takes (CHUNK_SIZE); smaller in tests. */
  readonly chunkSize?: number | undefined;
}

/** What one sweep deleted: past the age limit, and past the count limit of their room. */
export interface Deleted {
  readonly byAge: number;
  readonly byCount: number;
}

export type SweepReply = readonly ['ok', Deleted] | readonly ['error', message: string];

/** The most rows one DELETE takes: a few tens of ms of work for either engine. */
export const CHUNK_SIZE = 10_000;
/** The first sweep comes this soon after the start (or after intervalMs, if that is shorter). */
export const FIRST_SWEEP_MS = 1000;

interface State {
  readonly db: Kysely<Database>;
  readonly options: RetentionOptions;
}

const callbacks = {
  name: 'RetentionJob',

  init([db, options]: [Kysely<Database>, RetentionOptions]): readonly ['ok', State] {
    sendAfter(self(), 'sweep', Math.min(FIRST_SWEEP_MS, options.intervalMs));
    return ['ok', { db, options }];
  },

  async handleCall(request: 'sweep_now', _from: From, state: State): Promise<CallResult<State>> {
    if (request !== 'sweep_now') throw new Error(`RetentionJob: unknown call ${String(request)}`);
    return ['reply', await sweepReporting(state), state];
  },

  async handleInfo(message: unknown, state: State): Promise<NoReplyResult<State>> {
    if (message === 'sweep') {
      await sweepReporting(state);
      // The next sweep is timed from the end of this one, so two never overlap.
      sendAfter(self(), 'sweep', state.options.intervalMs);
    }
    return ['noreply', state];
  },
};

/**
 * One sweep; a database error is logged and answered, not thrown. Why not let it crash and
 * have the supervisor restart the job? Restarting fixes nothing in a database that is away,
 * and a job restarted every second or so would use up its supervisor's restart intensity and
 * take the chat server down with it, for housekeeping that can wait until the next interval.
 * A bug (an unknown call) still crashes it, and the supervisor restarts it.
 */
async function sweepReporting(state: State): Promise<SweepReply> {
  try {
    return ['ok', await sweep(state.db, state.options)];
  } catch (error) {
    const message = (error as Error).message;
    console.warn(
      `RetentionJob: sweep failed, tried again in ${state.options.intervalMs} ms: ${message}`,
    );
    return ['error', message];
  }
}

/** Deletes what is past either limit, a chunk at a time; answers how many rows went. */
export async function sweep(db: Kysely<Database>, options: RetentionOptions): Promise<Deleted> {
  const chunk = options.chunkSize ?? CHUNK_SIZE;
  let byAge = 0;
  let byCount = 0;
  if (options.maxAgeMs !== undefined) {
    const cutoff = Date.now() - options.maxAgeMs;
    // On the inserted_at index: the oldest first, a chunk at a time.
    byAge = await inChunks(chunk, (limit) =>
      db
        .deleteFrom('messages')
        .where('id', 'in', (eb) =>
          eb.selectFrom('messages').select('id').where('inserted_at', '<', cutoff).limit(limit),
        )
        .executeTakeFirst(),
    );
  }
  const keep = options.maxMessagesPerRoom;
  if (keep !== undefined) {
    const rooms = await db.selectFrom('rooms').select('id').orderBy('id').execute();
    for (const { id: roomId } of rooms) {
      // The newest message past the limit: it and everything older in the room go. One step
      // down the (room_id, seq) index from the newest end.
      const past = await db
        .selectFrom('messages')
        .select('seq')
        .where('room_id', '=', roomId)
        .orderBy('seq', 'desc')
        .limit(1)
        .offset(keep)
        .executeTakeFirst();
      if (past === undefined) continue;
      byCount += await inChunks(chunk, (limit) =>
        db
          .deleteFrom('messages')
          .where('id', 'in', (eb) =>
            eb
              .selectFrom('messages')
              .select('id')
              .where('room_id', '=', roomId)
              .where('seq', '<=', past.seq)
              .limit(limit),
          )
          .executeTakeFirst(),
      );
    }
  }
  return { byAge, byCount };
}

/** Runs a DELETE of at most `chunk` rows until one deletes fewer; answers the total. */
async function inChunks(
  chunk: number,
  deleteUpTo: (limit: number) => Promise<{ numDeletedRows: bigint }>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = Number((await deleteUpTo(chunk)).numDeletedRows);
    total += deleted;
    if (deleted < chunk) return total;
    // Each DELETE is a transaction of its own; between two, the writer's commits get a turn
    // (better-sqlite3 runs a statement synchronously, so SQLite needs the event loop back).
    await nextTurn();
    // A job stopped or killed mid-sweep is dead at once, but this loop would run on as code
    // it left behind: stop here instead, and leave the rest to the next job's sweep.
    if (!isAlive(self())) return total;
  }
}

/** What is wrong with the options, or undefined: a limit is a whole number above 0. */
function optionsProblem(options: RetentionOptions): string | undefined {
  const { maxAgeMs, maxMessagesPerRoom, intervalMs, chunkSize } = options;
  const checks = { maxAgeMs, maxMessagesPerRoom, intervalMs, chunkSize };
  for (const [name, value] of Object.entries(checks)) {
    if (value === undefined && name !== 'intervalMs') continue;
    if (!Number.isSafeInteger(value) || (value as number) < 1) {
      return `RetentionJob: ${name} must be a whole number above 0, not ${String(value)}`;
    }
  }
  return undefined;
}

export const RetentionJob = {
  ...callbacks,

  /** Starts the job linked to the caller; throws a RangeError on a bad option. */
  startLink(db: Kysely<Database>, options: RetentionOptions, name?: string): Promise<StartResult> {
    const problem = optionsProblem(options);
    if (problem !== undefined) return Promise.reject(new RangeError(problem));
    const arg: [Kysely<Database>, RetentionOptions] = [db, options];
    return GenServer.startLink(callbacks, arg, name === undefined ? {} : { name });
  },

  /** For a supervisor's children: restarted if it ever crashes (`permanent`). */
  childSpec(db: Kysely<Database>, options: RetentionOptions, name?: string): ChildSpec {
    return { id: 'RetentionJob', start: () => RetentionJob.startLink(db, options, name) };
  },

  /** Sweeps at once, besides the periodic sweeps, and answers what it deleted (for tests). */
  sweepNow(job: Server, timeoutMs = 60_000): Promise<SweepReply> {
    return GenServer.call(job, 'sweep_now', timeoutMs);
  },
};
