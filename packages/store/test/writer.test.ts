import { GenServer, receive, self, TIMEOUT } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { MessageWriter, type WriterReply } from '../src/writer.ts';
import { onEachEngine } from './engines.ts';
import { inProcess, message, migratedWithRoom, started } from './writer_helpers.ts';

/** The replies to `count` writes, in the order they came. */
async function replies(count: number): Promise<WriterReply[]> {
  const got: WriterReply[] = [];
  while (got.length < count) got.push((await receive()) as WriterReply);
  return got;
}

describe('the message writer', () => {
  onEachEngine((open) => {
    it('stores every message, in batches, and tells the sender of each once it is committed', async () => {
      const store = await open();
      const room = await migratedWithRoom(store);
      const stats = await inProcess(async () => {
        const writer = await started(store.db);
        const me = self();
        for (let seq = 1; seq <= 3000; seq++)
          MessageWriter.write(writer, message(room, seq), me, seq);
        const got = await replies(3000);
        expect(got).toEqual(Array.from({ length: 3000 }, (_, i) => ['stored', i + 1]));
        const stats = await MessageWriter.stats(writer);
        await GenServer.stop(writer);
        return stats;
      });
      // Group commit: far fewer transactions than messages, none bigger than MAX_BATCH.
      expect(stats.messages).toBe(3000);
      expect(stats.batches).toBeGreaterThanOrEqual(3);
      expect(stats.batches).toBeLessThan(3000);
      const rows = await store.db
        .selectFrom('messages')
        .select(['seq', 'content'])
        .orderBy('id')
        .execute();
      expect(rows.map((row) => Number(row.seq))).toEqual(
        Array.from({ length: 3000 }, (_, i) => i + 1),
      );
    });

    it('writes what is pending even when a call came between the write and its commit', async () => {
      const store = await open();
      const room = await migratedWithRoom(store);
      const reply = await inProcess(async () => {
        const writer = await started(store.db);
        // The call is in the mailbox behind the write: it ends the write's 0 ms timeout.
        MessageWriter.write(writer, message(room, 1), self(), 'one');
        await MessageWriter.stats(writer);
        const reply = await receive(undefined, 2000);
        await GenServer.stop(writer);
        return reply;
      });
      expect(reply).not.toBe(TIMEOUT);
      expect(reply).toEqual(['stored', 'one']);
    });

    it("raises each room's last_seq to the highest seq it stores there, and never lowers it", async () => {
      const store = await open();
      const lobby = await migratedWithRoom(store);
      const attic = (
        await store.db
          .insertInto('rooms')
          .values({ name: 'attic', slug: 'attic', epoch: 1, inserted_at: 1, updated_at: 1 })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id;
      const lastSeqs = async () => {
        const rows = await store.db.selectFrom('rooms').select('last_seq').orderBy('id').execute();
        return rows.map((row) => Number(row.last_seq));
      };
      await inProcess(async () => {
        const writer = await started(store.db);
        const me = self();
        for (const [room, seq] of [
          [lobby, 5],
          [attic, 2],
          [lobby, 3],
        ] as const) {
          MessageWriter.write(writer, message(room, seq), me, seq);
        }
        expect(await replies(3)).toEqual([
          ['stored', 5],
          ['stored', 2],
          ['stored', 3],
        ]);
        expect(await lastSeqs()).toEqual([5, 2]);
        MessageWriter.write(writer, message(lobby, 4), me, 4);
        expect(await replies(1)).toEqual([['stored', 4]]);
        expect(await lastSeqs()).toEqual([5, 2]);
        await GenServer.stop(writer);
      });
    });

    it('writes none of a batch that fails, says so to each sender, and recovers by itself', async () => {
      const store = await open();
      const room = await migratedWithRoom(store);
      await inProcess(async () => {
        const writer = await started(store.db);
        const me = self();
        MessageWriter.write(writer, message(room, 1), me, 'first');
        expect(await replies(1)).toEqual([['stored', 'first']]);
        // A batch with an id the room already used (a bug upstream) fails as a whole.
        MessageWriter.write(writer, message(room, 2), me, 'second');
        MessageWriter.write(writer, message(room, 1), me, 'again');
        const failed = await replies(2);
        expect(failed.map((reply) => reply[0])).toEqual(['store_failed', 'store_failed']);
        expect(failed[0]).toEqual(['store_failed', 'second', 'STORAGE_UNAVAILABLE']);
        // After the backoff, the next batch is tried again, and stored.
        await new Promise((resolve) => setTimeout(resolve, 150));
        MessageWriter.write(writer, message(room, 2), me, 'retry');
        expect(await replies(1)).toEqual([['stored', 'retry']]);
        await GenServer.stop(writer);
      });
      const rows = await store.db.selectFrom('messages').select('seq').orderBy('seq').execute();
      expect(rows.map((row) => Number(row.seq))).toEqual([1, 2]);
    });
  });
});
