/**
 * A room's last id, kept on the room: `last_seq`, the highest `seq` the writer has stored in it.
 * Until now a room that opened counted its messages (max of `seq`), and a room whose messages
 * retention had all deleted started again at 1 in the same epoch: ids given twice. The room row
 * is never deleted, so its numbering goes on whatever becomes of its messages. Rooms already
 * stored get the highest `seq` of their messages (0 for a room with none).
 */
import { sql } from 'kysely';
import type { AnyDatabase } from './columns.ts';

export const roomLastSeq = {
  async up(db: AnyDatabase): Promise<void> {
    await db.schema
      .alterTable('rooms')
      .addColumn('last_seq', 'bigint', (column) => column.notNull().defaultTo(0))
      .execute();
    await sql`
      update rooms set last_seq = coalesce(
        (select max(seq) from messages where messages.room_id = rooms.id), 0
      )`.execute(db);
  },

  async down(db: AnyDatabase): Promise<void> {
    await db.schema.alterTable('rooms').dropColumn('last_seq').execute();
  },
};
