import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, openStore, READ_POOL_SIZE } from '../src/index.ts';
import { onEngine } from './engines.ts';

describe('the PostgreSQL connections', () => {
  onEngine('postgres', (open) => {
    it('keep the writes apart: a commit goes through while every read connection waits', async () => {
      const { store, url } = await open();
      await migrateToLatest(store.writes, store.engine);
      // The test holds a lock; every read connection waits for it, for as long as it is held.
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      try {
        await holder.query('select pg_advisory_lock(8080)');
        const waiting = Array.from({ length: READ_POOL_SIZE }, () =>
          sql`select pg_advisory_lock_shared(8080)`.execute(store.db),
        );
        // Meanwhile the writes' own connection stores a room: it has no read to wait for.
        const room = await store.writes
          .insertInto('rooms')
          .values({
            name: 'lobby',
            slug: 'lobby',
            description: null,
            epoch: 1,
            inserted_at: 1,
            updated_at: 1,
          })
          .returning('name')
          .executeTakeFirstOrThrow();
        expect(room).toEqual({ name: 'lobby' });
        await holder.query('select pg_advisory_unlock(8080)');
        await Promise.all(waiting);
      } finally {
        await holder.end();
      }
    });

    it('give up on a read that takes too long, and read again after', async () => {
      const { url } = await open();
      const store = openStore({ databaseUrl: url, dataDir: '', readTimeoutMs: 200 });
      try {
        await expect(sql`select pg_sleep(2)`.execute(store.db)).rejects.toThrow(
          /statement timeout/i,
        );
        const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db);
        expect(rows).toEqual([{ one: 1 }]);
        // The writes have no timeout: a migration may take long.
        await sql`select pg_sleep(0.4)`.execute(store.writes);
      } finally {
        await store.close();
      }
    });
  });
});
