import { statSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_EVERY_MS } from '../src/checkpointer.ts';
import { migrateToLatest, openStore, READ_POOL_SIZE, SQLITE_FILE } from '../src/index.ts';
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

describe('the SQLite checkpoints', () => {
  onEngine('sqlite', (open) => {
    it('run in a thread of their own, and keep the log as small as what is written between two', async () => {
      const { store, dataDir } = await open();
      await migrateToLatest(store.writes, store.engine);
      // The server's connection never checkpoints inside a commit.
      const { rows } = await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(
        store.db,
      );
      expect(rows).toEqual([{ wal_autocheckpoint: 0 }]);
      const room = await store.writes
        .insertInto('rooms')
        .values({ name: 'lobby', slug: 'lobby', epoch: 1, inserted_at: 1, updated_at: 1 })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Some 24 MB in 60 transactions over about 3 s: with no checkpoint, all of it in the log.
      const text = 'x'.repeat(2000);
      let seq = 0;
      for (let batch = 0; batch < 60; batch++) {
        const values = Array.from({ length: 200 }, () => ({
          room_id: room.id,
          seq: ++seq,
          username: 'ann',
          content: text,
          user_id: null,
          inserted_at: seq,
        }));
        await store.writes.insertInto('messages').values(values).execute();
        await sleep(CHECKPOINT_EVERY_MS / 5);
      }
      const log = statSync(join(dataDir!, `${SQLITE_FILE}-wal`)).size;
      expect(log).toBeGreaterThan(0);
      expect(log).toBeLessThan(12 * 1024 * 1024);
    });
  });
});
