/**
 * Rooms and their messages, read and written with Kysely's query builder: the same code for
 * SQLite and PostgreSQL. Messages are written by the writer (writer.ts) only; this file has
 * the rest: a room opened (found or made), its description, the listing, and history pages, each
 * query on an index (rooms by slug; messages by room and seq).
 */
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { Database } from './schema.ts';

/** A stored room, as a starting room process needs it. */
export interface StoredRoom {
  readonly id: number;
  readonly name: string;
  readonly description: string | null;
  readonly epoch: number;
  /** The last id given in the room (0 when nothing was said), so that numbering goes on. */
  readonly lastSeq: number;
}

export interface HistoryRow {
  readonly seq: number;
  readonly username: string;
  readonly content: string;
  readonly insertedAt: number;
}

export interface RoomToStore {
  readonly name: string;
  /** The name as rooms are compared (the chat's nameKey): unique. */
  readonly slug: string;
  /** The epoch a room gets if it is new (the chat's newEpoch). */
  readonly epoch: number;
  readonly description?: string | undefined;
  readonly now: number;
}

/**
 * Opens the room with `slug`, made first if there is none (by us, or by whoever got there
 * first). Its last id is the room's own `last_seq`, which the writer raises in the transaction
 * that stores a message, so it counts messages retention has deleted since. Read by an UPDATE
 * (RETURNING), which on PostgreSQL takes the row's lock: a writer's transaction still
 * committing is waited for, and its messages counted. A room stored before it had an epoch
 * (migration 0002 gave it 0, which no room is ever given) gets `epoch` in the same statement.
 */
export async function openRoom(db: Kysely<Database>, room: RoomToStore): Promise<StoredRoom> {
  await db
    .insertInto('rooms')
    .values({
      name: room.name,
      slug: room.slug,
      description: room.description ?? null,
      epoch: room.epoch,
      inserted_at: room.now,
      updated_at: room.now,
    })
    .onConflict((conflict) => conflict.column('slug').doNothing())
    .execute();
  const row = await db
    .updateTable('rooms')
    .set((eb) => ({
      epoch: eb.case().when('epoch', '=', 0).then(room.epoch).else(eb.ref('epoch')).end(),
    }))
    .where('slug', '=', room.slug)
    .returning(['id', 'name', 'description', 'epoch', 'last_seq'])
    .executeTakeFirstOrThrow();
  return storedRoom(row);
}

/** The room with `slug`, or undefined. A room stored before it had an epoch gets `epoch`. */
export async function findRoom(
  db: Kysely<Database>,
  slug: string,
  epoch: number,
): Promise<StoredRoom | undefined> {
  const row = await db
    .selectFrom('rooms')
    .select(['id', 'name', 'description', 'epoch', 'last_seq'])
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  if (Number(row.epoch) === 0) {
    // Migration 0002 gave rooms already stored the epoch 0, which no room is ever given.
    await db.updateTable('rooms').set({ epoch }).where('id', '=', row.id).execute();
    return storedRoom({ ...row, epoch });
  }
  return storedRoom(row);
}

function storedRoom(row: {
  id: number;
  name: string;
  description: string | null;
  epoch: number;
  last_seq: number;
}): StoredRoom {
  return {
    id: Number(row.id),
    name: row.name,
    description: row.description,
    epoch: Number(row.epoch),
    lastSeq: Number(row.last_seq),
  };
}

/** Sets a room's description (`/topic`); false if there is no such room. */
export async function setDescription(
  db: Kysely<Database>,
  slug: string,
  description: string | null,
  now: number,
): Promise<boolean> {
  const result = await db
    .updateTable('rooms')
    .set({ description, updated_at: now })
    .where('slug', '=', slug)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Up to `limit` rooms after the room named `after`, in alphabetical order whatever the case
 * (`lower(name)`, on its index; then the name, for names that only case tells apart), with
 * their descriptions.
 */
export async function listRooms(
  db: Kysely<Database>,
  after: string | undefined,
  limit: number,
): Promise<{ name: string; slug: string; description: string | null }[]> {
  let query = db
    .selectFrom('rooms')
    .select(['name', 'slug', 'description'])
    .orderBy(listingKey)
    .orderBy('name')
    .limit(limit);
  if (after !== undefined) query = query.where(afterRoom(after));
  return query.execute();
}

/** How many rooms are listed after the room named `after`. */
export async function roomsAfter(db: Kysely<Database>, after: string): Promise<number> {
  const { count } = await db
    .selectFrom('rooms')
    .select((eb) => eb.fn.countAll().as('count'))
    .where(afterRoom(after))
    .executeTakeFirstOrThrow();
  return Number(count);
}

/** What the listing sorts by: the name in lower case, with the same `lower` on both sides. */
const listingKey = sql<string>`lower(name)`;

/** The rooms that sort after the room named `after`. */
function afterRoom(after: string) {
  return (eb: ExpressionBuilder<Database, 'rooms'>) =>
    eb.or([
      eb(listingKey, '>', sql<string>`lower(${after})`),
      eb.and([eb(listingKey, '=', sql<string>`lower(${after})`), eb('name', '>', after)]),
    ]);
}

/** The `limit` messages just before `seq` (all the last ones when `seq` is undefined), oldest first. */
export async function messagesBefore(
  db: Kysely<Database>,
  roomId: number,
  seq: number | undefined,
  limit: number,
): Promise<HistoryRow[]> {
  return (await pageBefore(db, roomId, seq, limit).execute()).reverse().map(historyRow);
}

// #region page
/**
 * The query of a history page, newest first: on the `(room_id, seq)` index, it reads the
 * page's rows and no other (see `queryPlan`, and chapter 8).
 */
export function pageBefore(
  db: Kysely<Database>,
  roomId: number,
  seq: number | undefined,
  limit: number,
) {
  const query = db
    .selectFrom('messages')
    .select(['seq', 'username', 'content', 'inserted_at'])
    .where('room_id', '=', roomId)
    .orderBy('seq', 'desc')
    .limit(limit);
  return seq === undefined ? query : query.where('seq', '<', seq);
}
// #endregion page

/** The messages after `seq`, oldest first, at most `limit`. */
export async function messagesSince(
  db: Kysely<Database>,
  roomId: number,
  seq: number,
  limit: number,
): Promise<HistoryRow[]> {
  const rows = await db
    .selectFrom('messages')
    .select(['seq', 'username', 'content', 'inserted_at'])
    .where('room_id', '=', roomId)
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map(historyRow);
}

function historyRow(row: {
  seq: number;
  username: string;
  content: string;
  inserted_at: number;
}): HistoryRow {
  return {
    seq: Number(row.seq),
    username: row.username,
    content: row.content,
    insertedAt: Number(row.inserted_at),
  };
}
