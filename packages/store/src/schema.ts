/**
 * The tables, as Kysely sees them. Times are whole milliseconds since 1970 in both engines (an
 * `integer` in SQLite, a `bigint` in PostgreSQL read back as a number): one representation, so
 * that the same query returns the same thing whichever engine runs it.
 */
import type { ColumnType, Generated } from 'kysely';

/** A room: made on first join, or explicitly with a description. */
export interface RoomTable {
  id: Generated<number>;
  /** The name as it was first written (`Lobby`). */
  name: string;
  /** The name as rooms are compared (`lobby`): unique, so `Lobby` and `LOBBY` are one room. */
  slug: string;
  description: string | null;
  /**
   * The numbering of the room's messages (step 7's epoch): chosen once, when the room is first
   * stored, so that ids go on across restarts instead of starting again at 1.
   */
  epoch: number;
  /**
   * The highest `seq` stored in the room (0 before any): raised by the writer in the transaction
   * that stores it, and never lowered, so that numbering goes on when retention has deleted every
   * message of the room.
   */
  last_seq: Generated<number>;
  inserted_at: ColumnType<number, number, never>;
  updated_at: number;
}

/** A message a room accepted. Written by the server only, never by a client directly. */
export interface MessageTable {
  id: Generated<number>;
  room_id: number;
  /** The room-scoped id every client sees (1, 2, 3... in the room's epoch). */
  seq: number;
  /** The author's account, once there are accounts (a later step); null until then. */
  user_id: number | null;
  /** The name the author had when they said it. */
  username: string;
  content: string;
  /** The room's timestamp for the message, the one clients were shown. */
  inserted_at: number;
}

export interface Database {
  rooms: RoomTable;
  messages: MessageTable;
}
