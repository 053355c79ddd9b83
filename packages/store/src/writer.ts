/**
 * The message writer: one process owns the writes to the database, and everyone else sends it
 * messages (an Erlang port owner, or a pooled Ecto repo with one writer). It commits in
 * batches, a transaction for all that arrived meanwhile ("group commit"): while one commit is
 * on the disk, the next batch gathers in the mailbox, so the cost of a commit is shared by as
 * many messages as came during the last one.
 *
 * The batch is written when the mailbox is empty (a timeout of 0 ms: nothing more is waiting)
 * or when it holds MAX_BATCH messages. Each sender is told once its batch is committed
 * (`['stored', tags]`) or failed (`['store_failed', tags, 'STORAGE_UNAVAILABLE']`), in one
 * message per sender for all of its messages in the batch, with their tags in the order they
 * were written: a room broadcasts a message only once it is stored, so a message anyone saw
 * survives a crash.
 * A failed batch is written by no part (one transaction), and for a while after a failure
 * (BACKOFF_MS, doubling to MAX_BACKOFF_MS) batches fail at once rather than wait on a database
 * that is away; the first to succeed ends it. A batch the database refuses for its data (one
 * message with an id its room already used, say) is no sign of a database away: it is written
 * again at once, a message at a time, and only the messages refused fail.
 */
import {
  type CallResult,
  type From,
  GenServer,
  type NoReplyResult,
  type Pid,
  type Server,
  type StartResult,
  send,
  trapExit,
} from '@otp-chat/otp';
import { type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** A message a room accepted, numbered, as it is stored. */
export interface StoredMessage {
  readonly roomId: number;
  readonly seq: number;
  readonly username: string;
  readonly content: string;
  readonly insertedAt: number;
}

export type WriterReply =
  | readonly ['stored', tags: readonly unknown[]]
  | readonly ['store_failed', tags: readonly unknown[], code: 'STORAGE_UNAVAILABLE'];

/** The most messages in one transaction: a batch is written when it has this many. */
export const MAX_BATCH = 1000;
export const BACKOFF_MS = 100;
export const MAX_BACKOFF_MS = 5000;

interface Pending {
  readonly message: StoredMessage;
  readonly replyTo: Pid;
  readonly tag: unknown;
}

interface State {
  readonly db: Kysely<Database>;
  pending: Pending[];
  /** Until when batches fail at once, after a failure; and the wait after the next one. */
  failingUntil: number;
  backoff: number;
  /** What the writer has done, for tests and the chapter's figures. */
  readonly stats: WriterStats;
}

export interface WriterStats {
  /** Transactions committed, and the messages they stored. */
  batches: number;
  messages: number;
  /** Batches that failed: the database away, or refusing some of the batch's data. */
  failedBatches: number;
  /** Messages the database refused when written alone (each answered `store_failed`). */
  refused: number;
}

type Cast = readonly ['write', Pending];
/** A read to run once the writes already queued are committed (see `afterWrites`). */
type Read = (db: Kysely<Database>) => Promise<unknown>;
type Call = 'stats' | readonly ['after_writes', Read];

// #region mailbox
const callbacks = {
  name: 'MessageWriter',

  init(db: Kysely<Database>): readonly ['ok', State] {
    // Trapping exits, a shutdown from its supervisor comes as a message, after the writes sent
    // before it: `terminate` commits them, so a server that stops cleanly stores every message
    // its rooms handed over. (A kill is not trapped: what the writer held is lost, and its
    // senders, who monitor it, tell their users it was not stored.)
    trapExit(true);
    const stats = { batches: 0, messages: 0, failedBatches: 0, refused: 0 };
    return ['ok', { db, pending: [], failingUntil: 0, backoff: BACKOFF_MS, stats }];
  },

  async handleCast([, pending]: Cast, state: State): Promise<NoReplyResult<State>> {
    state.pending.push(pending);
    if (state.pending.length >= MAX_BATCH) await commit(state);
    // Timeout 0: `handleInfo('timeout')` comes as soon as nothing more is waiting.
    return ['noreply', state, 0];
  },

  async handleCall(request: Call, _from: From, state: State): Promise<CallResult<State>> {
    if (request === 'stats') return ['reply', { ...state.stats }, state, whilePending(state)];
    if (Array.isArray(request) && request[0] === 'after_writes') {
      // Everything sent before this call is in the mailbox before it: commit it, then read.
      await commit(state);
      try {
        return ['reply', ['ok', await request[1](state.db)], state];
      } catch (error) {
        return ['reply', ['error', (error as Error).message], state];
      }
    }
    throw new Error(`MessageWriter: unknown call ${String(request)}`);
  },

  async handleInfo(message: unknown, state: State): Promise<NoReplyResult<State>> {
    if (message === 'timeout') await commit(state);
    return ['noreply', state, whilePending(state)];
  },

  /** Stopped by its supervisor (or crashed): what is pending is committed first. */
  async terminate(_reason: unknown, state: State): Promise<void> {
    await commit(state);
  },
};

/**
 * The timeout after a callback: 0 while writes are pending, so that the batch is written as
 * soon as the mailbox is empty. Any message cancels a GenServer timeout, so every callback that
 * leaves writes pending must ask for it again, or they would wait for the next message.
 */
function whilePending(state: State): number {
  return state.pending.length > 0 ? 0 : Number.POSITIVE_INFINITY;
}
// #endregion mailbox

// #region commit
/**
 * Writes what is pending in one transaction, then tells each sender how it went. When the
 * database refuses the batch for its data (`refusesData`: a duplicate id, a room that is not
 * there...), the database itself is fine: the batch is written again at once, one message a
 * transaction, so that only the messages it refuses fail. Any other error fails the batch and
 * starts the backoff.
 */
async function commit(state: State): Promise<void> {
  const batch = state.pending;
  if (batch.length === 0) return;
  state.pending = [];
  if (Date.now() < state.failingUntil) {
    // Within the backoff: failed at once, without asking a database that was away just now.
    state.stats.failedBatches++;
    failAll(batch);
    return;
  }
  const error = await insertAll(state.db, batch);
  if (error === undefined) {
    stored(state, batch);
    return;
  }
  state.stats.failedBatches++;
  if (!refusesData(error)) {
    console.warn(`MessageWriter: a batch of ${batch.length} was not stored: ${error.message}`);
    unavailable(state, batch);
    return;
  }
  console.warn(
    `MessageWriter: a batch of ${batch.length} was refused (${error.message}): written again one message at a time`,
  );
  for (const [index, pending] of batch.entries()) {
    const alone = await insertAll(state.db, [pending]);
    if (alone === undefined) {
      stored(state, [pending]);
    } else if (refusesData(alone)) {
      const { roomId, seq } = pending.message;
      console.warn(`MessageWriter: message ${seq} of room ${roomId} refused: ${alone.message}`);
      state.stats.refused++;
      failAll([pending]);
    } else {
      // The database went away meanwhile: this message and the rest fail, as a batch would.
      console.warn(`MessageWriter: a message was not stored: ${alone.message}`);
      unavailable(state, batch.slice(index));
      return;
    }
  }
}
// #endregion commit

/** A transaction of `batch` committed: its senders are told, and any backoff ends. */
function stored(state: State, batch: readonly Pending[]): void {
  state.backoff = BACKOFF_MS;
  state.stats.batches++;
  state.stats.messages += batch.length;
  for (const [replyTo, tags] of bySender(batch))
    send(replyTo, ['stored', tags] satisfies WriterReply);
}

/** The database could not take `batch`: its senders are told, and the backoff starts. */
function unavailable(state: State, batch: readonly Pending[]): void {
  state.failingUntil = Date.now() + state.backoff;
  state.backoff = Math.min(MAX_BACKOFF_MS, state.backoff * 2);
  failAll(batch);
}

function failAll(batch: readonly Pending[]): void {
  for (const [replyTo, tags] of bySender(batch)) {
    send(replyTo, ['store_failed', tags, 'STORAGE_UNAVAILABLE'] satisfies WriterReply);
  }
}

/**
 * The tags of `batch` by sender, in the order written: one reply per sender, not per message.
 * A room with twenty messages in a batch wakes once for them, not twenty times.
 */
function bySender(batch: readonly Pending[]): Map<Pid, unknown[]> {
  const tags = new Map<Pid, unknown[]>();
  for (const { replyTo, tag } of batch) {
    const its = tags.get(replyTo);
    if (its === undefined) tags.set(replyTo, [tag]);
    else its.push(tag);
  }
  return tags;
}

// #region insert
/** Writes `batch` in one transaction; the error when it failed (nothing of it is written). */
async function insertAll(
  db: Kysely<Database>,
  batch: readonly Pending[],
): Promise<Error | undefined> {
  try {
    await db.transaction().execute(async (tx) => {
      await tx
        .insertInto('messages')
        .values(
          batch.map(({ message }) => ({
            room_id: message.roomId,
            seq: message.seq,
            username: message.username,
            content: message.content,
            user_id: null,
            inserted_at: message.insertedAt,
          })),
        )
        .execute();
      await raiseLastSeq(tx, batch);
    });
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}
// #endregion insert

/** SQLite's primary result codes for data it refuses: SQLITE_TOOBIG, _CONSTRAINT, _MISMATCH. */
const SQLITE_REFUSED = new Set([18, 19, 20]);

/**
 * Whether the database refused `error`'s statement for the data in it, rather than failing to
 * run it at all: PostgreSQL's SQLSTATE classes 22 (data exception) and 23 (integrity constraint
 * violation); SQLite's SQLITE_CONSTRAINT (any of its extended codes), SQLITE_MISMATCH and
 * SQLITE_TOOBIG. better-sqlite3 names the code (`code: 'SQLITE_CONSTRAINT_UNIQUE'`); node:sqlite
 * numbers it (`errcode`, an extended code whose low byte is the primary one).
 */
export function refusesData(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, errcode } = error as { code?: unknown; errcode?: unknown };
  if (typeof errcode === 'number') return SQLITE_REFUSED.has(errcode & 0xff);
  if (typeof code !== 'string') return false;
  return (
    /^2[23][0-9A-Z]{3}$/.test(code) ||
    code.startsWith('SQLITE_CONSTRAINT') ||
    code === 'SQLITE_MISMATCH' ||
    code === 'SQLITE_TOOBIG'
  );
}

/**
 * Raises each room's `last_seq` to the highest `seq` the batch stores in it (never lowers it),
 * in one UPDATE, in the batch's transaction: a room opened later numbers on from there even
 * once retention has deleted every message. On PostgreSQL the UPDATE locks the rooms' rows
 * until the commit, so a room opening meanwhile (`openRoom`, an UPDATE too) waits for it.
 * (`column1` and `column2` are a VALUES list's columns on both engines; the casts type the
 * parameters for PostgreSQL.)
 */
async function raiseLastSeq(tx: Kysely<Database>, batch: readonly Pending[]): Promise<void> {
  const highest = new Map<number, number>();
  for (const { message } of batch) {
    highest.set(message.roomId, Math.max(highest.get(message.roomId) ?? 0, message.seq));
  }
  const rows = [...highest].map(
    ([roomId, seq]) => sql`(cast(${roomId} as bigint), cast(${seq} as bigint))`,
  );
  await sql`
    update rooms set last_seq = raised.column2
    from (values ${sql.join(rows)}) as raised
    where rooms.id = raised.column1 and rooms.last_seq < raised.column2`.execute(tx);
}

export const MessageWriter = {
  ...callbacks,

  startLink(db: Kysely<Database>, name?: string): Promise<StartResult> {
    return GenServer.startLink(callbacks, db, name === undefined ? {} : { name });
  },

  /**
   * Asks the writer to store `message`; `['stored', [..., tag, ...]]` or a failure comes back
   * to `replyTo`, with the tags of its other messages in the same batch.
   */
  write(writer: Server, message: StoredMessage, replyTo: Pid, tag: unknown): void {
    GenServer.cast(writer, ['write', { message, replyTo, tag }]);
  },

  /**
   * Runs `read` in the writer once every write sent to it before is committed (or failed):
   * so a room that opens again reads a last seq that counts what its crashed predecessor
   * left queued. `['error', why]` when the read throws (the database is away).
   */
  afterWrites<T>(
    writer: Server,
    read: (db: Kysely<Database>) => Promise<T>,
  ): Promise<readonly ['ok', T] | readonly ['error', string]> {
    return GenServer.call(writer, ['after_writes', read]);
  },

  stats(writer: Server): Promise<WriterStats> {
    return GenServer.call(writer, 'stats');
  },
};
