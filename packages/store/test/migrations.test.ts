import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateTo, migrateToLatest, migrationStatus, migrations } from '../src/index.ts';
import type { AnyDatabase } from '../src/migrations/columns.ts';
import { onEachEngine } from './engines.ts';

const NAMES = Object.keys(migrations('sqlite'));

describe('the migrations', () => {
  onEachEngine((open) => {
    it('bring an empty database to the latest schema, once: a second run applies nothing', async () => {
      const { db, engine } = await open();
      expect(await migrateToLatest(db, engine)).toEqual(NAMES);
      expect(await migrateToLatest(db, engine)).toEqual([]);
      expect(await migrationStatus(db, engine)).toEqual(
        NAMES.map((name) => ({ name, applied: true })),
      );
    });

    it('take a database made by the first one, with data in it, to the latest', async () => {
      const { db, engine } = await open();
      await migrateTo(db, engine, '0001_rooms_and_messages');
      expect((await migrationStatus(db, engine)).map((m) => m.applied)).toEqual(
        NAMES.map((name) => name === '0001_rooms_and_messages'),
      );
      // The schema of migration 0001's day: no epoch, no seq.
      const raw = db as AnyDatabase;
      const rooms = await raw
        .insertInto('rooms')
        .values([
          { name: 'Lobby', slug: 'lobby', description: 'say hello', inserted_at: 1, updated_at: 1 },
          { name: 'garden', slug: 'garden', description: null, inserted_at: 2, updated_at: 2 },
          { name: 'attic', slug: 'attic', description: null, inserted_at: 3, updated_at: 3 },
        ])
        .returning('id')
        .execute();
      const [lobby, garden, attic] = rooms.map((row) => Number(row.id));
      const said = [
        [lobby, 'ann', 'one'],
        [garden, 'bob', 'elsewhere'],
        [lobby, 'bob', 'two'],
        [lobby, 'ann', 'three'],
      ] as const;
      for (const [room, username, content] of said) {
        await raw
          .insertInto('messages')
          .values({ room_id: room, username, content, user_id: null, inserted_at: 10 })
          .execute();
      }

      expect(await migrateToLatest(db, engine)).toEqual(NAMES.slice(1));
      const messages = await db
        .selectFrom('messages')
        .select(['room_id', 'seq', 'content'])
        .orderBy('id')
        .execute();
      // Numbered per room in the order they came; nothing lost.
      expect(messages.map((m) => [Number(m.room_id), Number(m.seq), m.content])).toEqual([
        [lobby, 1, 'one'],
        [garden, 1, 'elsewhere'],
        [lobby, 2, 'two'],
        [lobby, 3, 'three'],
      ]);
      const lobbyRow = await db
        .selectFrom('rooms')
        .selectAll()
        .where('slug', '=', 'lobby')
        .executeTakeFirstOrThrow();
      expect(lobbyRow).toMatchObject({ name: 'Lobby', description: 'say hello', epoch: 0 });
      // Each room's last id is its highest seq, 0 for a room where nothing was said.
      const lastSeqs = await db
        .selectFrom('rooms')
        .select(['id', 'last_seq'])
        .orderBy('id')
        .execute();
      expect(lastSeqs.map((room) => [Number(room.id), Number(room.last_seq)])).toEqual([
        [lobby, 3],
        [garden, 1],
        [attic, 0],
      ]);
      // The numbering is unique per room now, and so is a slug.
      await expect(
        db
          .insertInto('messages')
          .values({
            room_id: lobby!,
            seq: 2,
            username: 'eve',
            content: 'again',
            user_id: null,
            inserted_at: 11,
          })
          .execute(),
      ).rejects.toThrow();
      await expect(
        db
          .insertInto('rooms')
          .values({
            name: 'LOBBY',
            slug: 'lobby',
            description: null,
            epoch: 1,
            inserted_at: 3,
            updated_at: 3,
          })
          .execute(),
      ).rejects.toThrow();
    });

    it('reads times and ids back as numbers on either engine', async () => {
      const { db, engine } = await open();
      await migrateToLatest(db, engine);
      const now = 1_765_000_000_123;
      await db
        .insertInto('rooms')
        .values({
          name: 'lobby',
          slug: 'lobby',
          description: null,
          epoch: 2 ** 52,
          inserted_at: now,
          updated_at: now,
        })
        .execute();
      const row = await db.selectFrom('rooms').selectAll().executeTakeFirstOrThrow();
      expect(row).toMatchObject({ id: 1, epoch: 2 ** 52, inserted_at: now });
      expect(
        typeof (await sql<{ n: number }>`select count(*) as n from rooms`.execute(db)).rows[0]!.n,
      ).toBe('number');
    });
  });
});
