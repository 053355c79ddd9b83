import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, pageBefore, queryPlan } from '../src/index.ts';
import { onEachEngine } from './engines.ts';

describe('a history page, as the database plans it', () => {
  onEachEngine((open) => {
    it('reads the (room_id, seq) index, not the whole table', async () => {
      const { db, engine } = await open();
      await migrateToLatest(db, engine);
      const plan = await db.transaction().execute(async (tx) => {
        // PostgreSQL would scan a table this small whole: told not to, it must find the index.
        if (engine === 'postgres') await sql`set local enable_seqscan = off`.execute(tx);
        return queryPlan(tx, engine, pageBefore(tx, 1, 500, 50));
      });
      expect(plan.join('\n')).toMatch(/messages_room_id_seq_index/);
      expect(plan.join('\n')).not.toMatch(/SCAN messages$|Seq Scan/m);
    });
  });
});
