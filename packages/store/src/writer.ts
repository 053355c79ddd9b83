/**
 * The message writer: one process owns the writes to the database, and everyone else sends it
 * messages (an Erlang port owner, or a pooled Ecto repo with one writer). It commits in
 * batches, a transaction for all that arrived meanwhile ("group commit"): while one commit is
 * on the disk, the next batch gathers in the mailbox, so the cost of a commit is shared by as
 * many messages as came during the last one.
 *
 * The batch is written when the mailbox is empty (a timeout of 0 ms: nothing more is waiting)
 * or when it holds MAX_BATCH messages. Each sender is told, per message, once its batch is
 * committed (`['stored', tag]`) or failed (`['store_failed', tag, 'STORAGE_UNAVAILABLE']`):
 * a room broadcasts a message only once it is stored, so a message anyone saw survives a crash.
 * A failed batch is written by no part (one transaction), and for a while after a failure
 * (BACKOFF_MS, doubling to MAX_BACKOFF_MS) batches fail at once rather than wait on a database
 * that is away; the first to succeed ends it.
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
} from '@otp-chat/otp';
import type { Kysely } from 'kysely';
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
  | readonly ['stored', tag: unknown]
  | readonly ['store_failed', tag: unknown, code: 'STORAGE_UNAVAILABLE'];

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
  batches: number;
  messages: number;
  failedBatches: number;
}

type Cast = readonly ['write', Pending];
/** A read to run once the writes already queued are committed (see `afterWrites`). */
type Read = (db: Kysely<Database>) => Promise<unknown>;
type Call = 'stats' | readonly ['after_writes', Read];

// #region mailbox
const callbacks = {
  name: 'MessageWriter',

  init(db: Kysely<Database>): readonly ['ok', State] {
    const stats = { batches: 0, messages: 0, failedBatches: 0 };
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
/** Writes what is pending in one transaction, then tells each sender how it went. */
async function commit(state: State): Promise<void> {
  const batch = state.pending;
  if (batch.length === 0) return;
  state.pending = [];
  const ok = Date.now() >= state.failingUntil && (await insertAll(state.db, batch));
  if (ok) {
    state.backoff = BACKOFF_MS;
    state.stats.batches++;
    state.stats.messages += batch.length;
  } else {
    if (Date.now() >= state.failingUntil) {
      state.failingUntil = Date.now() + state.backoff;
      state.backoff = Math.min(MAX_BACKOFF_MS, state.backoff * 2);
    }
    state.stats.failedBatches++;
  }
  for (const { replyTo, tag } of batch) {
    const reply: WriterReply = ok ? ['stored', tag] : ['store_failed', tag, 'STORAGE_UNAVAILABLE'];
    send(replyTo, reply);
  }
}

async function insertAll(db: Kysely<Database>, batch: readonly Pending[]): Promise<boolean> {
  try {
    await db.transaction().execute((tx) =>
      tx
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
        .execute(),
    );
    return true;
  } catch (error) {
    console.warn(
      `MessageWriter: a batch of ${batch.length} was not stored: ${(error as Error).message}`,
    );
    return false;
  }
}
// #endregion commit

export const MessageWriter = {
  ...callbacks,

  startLink(db: Kysely<Database>, name?: string): Promise<StartResult> {
    return GenServer.startLink(callbacks, db, name === undefined ? {} : { name });
  },

  /** Asks the writer to store `message`; `['stored', tag]` or a failure comes back to `replyTo`. */
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
