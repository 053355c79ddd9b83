/**
 * The rooms catalog is listed in alphabetical order, whatever the case: by `lower(name)`, on
 * an index of that expression, so a page reads its rows and no more. (The slug is the name's
 * safe comparison key, which folds look-alike characters, "1" as "l" say: fine to find a room,
 * not to sort rooms for people.)
 */
import { sql } from 'kysely';
import type { AnyDatabase } from './columns.ts';

export const roomListingOrder = {
  async up(db: AnyDatabase): Promise<void> {
    await db.schema
      .createIndex('rooms_listing_index')
      .on('rooms')
      .expression(sql`lower(name)`)
      .execute();
  },

  async down(db: AnyDatabase): Promise<void> {
    await db.schema.dropIndex('rooms_listing_index').execute();
  },
};
