/**
 * Where a room's messages outlive the server (step 8 on): what a room needs of a database,
 * and nothing of how one works. The chat core depends on this interface only; an
 * implementation (SQL in @otp-chat/store, an in-memory fake in the tests) is handed to
 * ChatSupervisor as its `storage` option, as a Phoenix app hands Ecto a repo.
 *
 * With storage, a message is broadcast only once it is stored: a room numbers it, hands it to
 * `write`, and waits for the reply, in its mailbox, like any other message. So whatever anyone
 * saw (a member got it, or the sender its echo) is in the database, and survives the server
 * being killed. The keeper (history_keeper.ts) then holds a room's last messages as a cache of
 * the database, seeded from it when the room opens.
 */
import type { ChildSpec, Pid } from '@otp-chat/otp';
import type { HistoryMessage } from './history.js';

/** The error code a sender gets for a message storage could not take. */
export const STORAGE_UNAVAILABLE = 'STORAGE_UNAVAILABLE';

/**
 * What `write` answers the process it names, once messages are stored or not: the tags of
 * those messages, in the order they were written (one reply may answer many writes).
 */
export type StorageReply =
  | readonly ['stored', tags: readonly unknown[]]
  | readonly ['store_failed', tags: readonly unknown[], code: typeof STORAGE_UNAVAILABLE];

/** A room as storage has it when the room's process starts. */
export interface OpenedRoom {
  /** The storage's own name for the room, passed back to `write`. */
  readonly key: number;
  /** The room's numbering: kept from one run of the server to the next. */
  readonly epoch: number;
  /** The last id stored in the room (0 when nothing was said): numbering goes on after it. */
  readonly lastId: number;
  /** The room's last messages, oldest first, to seed the keeper's window. */
  readonly recent: readonly HistoryMessage[];
  /** What the room is about (`/create`, `/topic`), when someone said. */
  readonly description?: string | undefined;
}

/** A room of the catalog: every room storage has, with people in it or not. */
export interface CatalogRoom {
  readonly name: string;
  readonly description?: string | undefined;
}

/** A page of the catalog, and how many rooms come after it. */
export interface CatalogPage {
  readonly rooms: readonly CatalogRoom[];
  readonly more: number;
}

export interface ChatStorage {
  /** Processes the storage needs (a writer, say), started before the rooms. */
  readonly children?: readonly ChildSpec[];
  /**
   * Finds the room called `room`, or makes it with `epoch`; and reads its last `recent`
   * messages. Its last id must count every message `write` was given before (still queued
   * or not), so that a room started again never gives an id twice. Rejects when storage is away.
   */
  open(room: string, epoch: number, recent: number): Promise<OpenedRoom>;
  /**
   * Stores `message` of the room `key`; a StorageReply with `tag` among its tags comes back to
   * `replyTo`.
   */
  write(key: number, message: HistoryMessage, replyTo: Pid, tag: unknown): void;
  /**
   * At most `limit` messages of `room` (by name) just before the id `before` (the last ones
   * without it), oldest first. Rejects when storage is away.
   */
  before(room: string, before: number | undefined, limit: number): Promise<HistoryMessage[]>;
  /**
   * The process that holds the writes handed over and not answered yet (a writer), if there is
   * one: when it ends, those are lost unanswered. A room open in storage monitors it; on its
   * DOWN the room fails every message still waiting (STORAGE_UNAVAILABLE, the sender told) and
   * opens again once it is back. Undefined when it is not running now.
   */
  writer?(): Pid | undefined;
  /**
   * Makes the room `room` with `description` (and `epoch`, as `open` would), unless a room of
   * that name (by nameKey) is stored already: then it is left as it is. Rejects when storage
   * is away.
   */
  create(
    room: string,
    description: string | undefined,
    epoch: number,
  ): Promise<'created' | 'exists'>;
  /** Sets the description of the room `room`; false when no such room is stored. */
  describe(room: string, description: string | undefined): Promise<boolean>;
  /**
   * At most `limit` rooms whose keys (nameKey) sort after the key of `after` (from the first
   * without it), in the order of their keys; and how many come after them.
   */
  catalog(after: string | undefined, limit: number): Promise<CatalogPage>;
}

/** Whether a message is a storage reply (which the room receives as plain info). */
export function isStorageReply(message: unknown): message is StorageReply {
  const tag = (message as unknown[] | null)?.[0];
  return Array.isArray(message) && (tag === 'stored' || tag === 'store_failed');
}
