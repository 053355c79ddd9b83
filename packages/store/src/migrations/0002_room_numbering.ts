/**
 * Step 7's numbering, stored: each room keeps its epoch, and each message its room-scoped id
 * (`seq`), unique in the room, so that ids go on after a restart and `before`/`since` queries
 * read an index. Messages stored before this migration are numbered in the order they came.
 * Two rooms whose names differ only in case were one room all along: the slug becomes unique.
 */
import { sql } from 'kysely';
import type { AnyDatabase } from './columns.ts';

export const roomNumbering = {
  async up(db: AnyDatabase): Promise<void> {
    await db.schema
      .alterTable('rooms')
      .addColumn('epoch', 'bigint', (column) => column.notNull().defaultTo(0))
      .execute();
    await db.schema
      .alterTable('messages')
      .addColumn('seq', 'bigint', (column) => column.notNull().defaultTo(0))
      .execute();
    await sql`
      update messages set seq = (
        select count(*) from messages earlier
        where earlier.room_id = messages.room_id and earlier.id <= messages.id
      )`.execute(db);
    await db.schema
      .createIndex('messages_room_id_seq_index')
      .on('messages')
      .columns(['room_id', 'seq'])
      .unique()
      .execute();
    // The plain index on room_id is the new one's first column: it has no use left.
    await db.schema.dropIndex('messages_room_id_index').execute();
    await db.schema.dropIndex('rooms_slug_index').execute();
    await db.schema.createIndex('rooms_slug_index').on('rooms').column('slug').unique().execute();
  },

  async down(db: AnyDatabase): Promise<void> {
    await db.schema.dropIndex('rooms_slug_index').execute();
    await db.schema.createIndex('rooms_slug_index').on('rooms').column('slug').execute();
    await db.schema
      .createIndex('messages_room_id_index')
      .on('messages')
      .column('room_id')
      .execute();
    await db.schema.dropIndex('messages_room_id_seq_index').execute();
    await db.schema.alterTable('messages').dropColumn('seq').execute();
    await db.schema.alterTable('rooms').dropColumn('epoch').execute();
  },
};
