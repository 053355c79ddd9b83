/**
 * The first schema: rooms and what was said in them, with the indexes the queries need (a room
 * by its slug; a room's messages in the order they came).
 */
import { type AnyDatabase, type Engine, idColumn } from './columns.ts';

export function roomsAndMessages(engine: Engine) {
  return {
    async up(db: AnyDatabase): Promise<void> {
      await db.schema
        .createTable('rooms')
        .addColumn('id', ...idColumn(engine))
        .addColumn('name', 'text', (column) => column.notNull())
        .addColumn('description', 'text')
        .addColumn('slug', 'text', (column) => column.notNull())
        .addColumn('inserted_at', 'bigint', (column) => column.notNull())
        .addColumn('updated_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema.createIndex('rooms_slug_index').on('rooms').column('slug').execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', ...idColumn(engine))
        .addColumn('content', 'text', (column) => column.notNull())
        .addColumn('user_id', 'bigint')
        .addColumn('username', 'text', (column) => column.notNull())
        .addColumn('room_id', 'bigint', (column) =>
          column.notNull().references('rooms.id').onDelete('cascade'),
        )
        .addColumn('inserted_at', 'bigint', (column) => column.notNull())
        .execute();
      await db.schema
        .createIndex('messages_room_id_index')
        .on('messages')
        .column('room_id')
        .execute();
      await db.schema
        .createIndex('messages_inserted_at_index')
        .on('messages')
        .column('inserted_at')
        .execute();
    },

    async down(db: AnyDatabase): Promise<void> {
      await db.schema.dropTable('messages').execute();
      await db.schema.dropTable('rooms').execute();
    },
  };
}
