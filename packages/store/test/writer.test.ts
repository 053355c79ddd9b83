import {
  GenServer,
  type Pid,
  receive,
  Supervisor,
  self,
  send,
  spawn,
  TIMEOUT,
  whereis,
} from '@otp-chat/otp';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { OpenStore } from '../src/index.ts';
import { MessageWriter, refusesData, type WriterReply } from '../src/writer.ts';
import { onEachEngine } from './engines.ts';
import {
  inProcess,
  message,
  migratedWithRoom,
  perMessage,
  started,
  type TagReply,
} from './writer_helpers.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A second room, 'attic', beside migratedWithRoom's lobby; answers its id. */
async function anotherRoom(store: OpenStore): Promise<number> {
  const room = await store.db
    .insertInto('rooms')
    .values({ name: 'attic', slug: 'attic', epoch: 1, inserted_at: 1, updated_at: 1 })
    .returning('id')
    .executeTakeFirstOrThrow();
  return room.id;
}

/** The answers to `count` writes, one per message, in the order they came. */
async function replies(count: number): Promise<TagReply[]> {
  const got: TagReply[] = [];
  while (got.length < count) got.push(...perMessage((await receive()) as WriterReply));
  return got;
}

describe('the message writer', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

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

    it('answers each sender once per batch, with its tags in the order written', async () => {
      const store = await open();
      const room = await migratedWithRoom(store);
      const { got, stats } = await inProcess(async () => {
        const writer = await started(store.db);
        const me = self();
        // Two senders' answers, each collected by a process of its own until it has 5 tags.
        const collector = () =>
          spawn(async () => {
            const got: WriterReply[] = [];
            while (got.flatMap(([, tags]) => tags).length < 5)
              got.push((await receive()) as WriterReply);
            send(me, got);
          });
        const ann = collector();
        const bob = collector();
        // Sent at once, they reach the writer before it finds its mailbox empty: one batch.
        for (let seq = 1; seq <= 10; seq++)
          MessageWriter.write(writer, message(room, seq), seq % 2 === 1 ? ann : bob, seq);
        const got = [await receive(), await receive()];
        const stats = await MessageWriter.stats(writer);
        await GenServer.stop(writer);
        return { got, stats };
      });
      expect(stats.batches).toBe(1);
      expect(got).toEqual(
        expect.arrayContaining([[['stored', [1, 3, 5, 7, 9]]], [['stored', [2, 4, 6, 8, 10]]]]),
      );
    });

    it('commits what it holds when its supervisor stops it', async () => {
      const store = await open();
      const room = await migratedWithRoom(store);
      await inProcess(async () => {
        const tree = await Supervisor.start(
          [{ id: 'writer', start: () => MessageWriter.startLink(store.db, 'Test.Writer') }],
          { strategy: 'one_for_one' },
        );
        const supervisor = (tree as readonly ['ok', Pid])[1];
        const writer = whereis('Test.Writer')!;
        // A slow read keeps the writer busy: the writes wait in its mailbox, uncommitted.
        spawn(() => MessageWriter.afterWrites(writer, () => sleep(200)));
        await sleep(20);
        for (let seq = 1; seq <= 5; seq++)
          MessageWriter.write(writer, message(room, seq), self(), seq);
        await Supervisor.stop(supervisor);
      });
      const rows = await store.db.selectFrom('messages').select('seq').orderBy('seq').execute();
      expect(rows.map((row) => row.seq)).toEqual([1, 2, 3, 4, 5]);
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
      expect(reply).toEqual(['stored', ['one']]);
    });

    it("raises each room's last_seq to the highest seq it stores there, and never lowers it", async () => {
      const store = await open();
      const lobby = await migratedWithRoom(store);
      const attic = await anotherRoom(store);
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

    it('writes none of a batch the database cannot take, says so to each sender, backs off, and recovers by itself', async () => {
      const store = await open();
      const room = await migratedWithRoom(store);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await inProcess(async () => {
        const writer = await started(store.db);
        const me = self();
        MessageWriter.write(writer, message(room, 1), me, 'first');
        expect(await replies(1)).toEqual([['stored', 'first']]);
        // Not the data: the table is gone (as a line cut or a read-only file would fail it, see
        // writer_outage.test.ts). The batch fails as a whole.
        await sql`alter table messages rename to messages_away`.execute(store.db);
        MessageWriter.write(writer, message(room, 2), me, 'second');
        MessageWriter.write(writer, message(room, 3), me, 'third');
        expect(await replies(2)).toEqual([
          ['store_failed', 'second', 'STORAGE_UNAVAILABLE'],
          ['store_failed', 'third', 'STORAGE_UNAVAILABLE'],
        ]);
        await sql`alter table messages_away rename to messages`.execute(store.db);
        // Within the backoff (100 ms), the next batch fails at once, the database not asked.
        MessageWriter.write(writer, message(room, 2), me, 'soon');
        expect(await replies(1)).toEqual([['store_failed', 'soon', 'STORAGE_UNAVAILABLE']]);
        // After it, the next batch is tried again, and stored.
        await new Promise((resolve) => setTimeout(resolve, 150));
        MessageWriter.write(writer, message(room, 2), me, 'retry');
        expect(await replies(1)).toEqual([['stored', 'retry']]);
        expect(await MessageWriter.stats(writer)).toEqual({
          batches: 2,
          messages: 2,
          failedBatches: 2,
          refused: 0,
        });
        await GenServer.stop(writer);
      });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/a batch of 2 was not stored: /));
      const rows = await store.db.selectFrom('messages').select('seq').orderBy('seq').execute();
      expect(rows.map((row) => Number(row.seq))).toEqual([1, 2]);
    });

    it("fails alone a message the database refuses, and stores the rest of its batch at once, other rooms' too", async () => {
      const store = await open();
      const lobby = await migratedWithRoom(store);
      const attic = await anotherRoom(store);
      const nowhere = lobby + attic + 1000; // no such room
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      await inProcess(async () => {
        const writer = await started(store.db);
        const me = self();
        MessageWriter.write(writer, message(lobby, 1), me, 'lobby 1');
        expect(await replies(1)).toEqual([['stored', 'lobby 1']]);
        // One batch: an id the lobby already used, one used twice in the batch, a room that is
        // not there (a foreign key), among good messages of two rooms.
        const batch = [
          [lobby, 2, 'lobby 2'],
          [attic, 1, 'attic 1'],
          [lobby, 1, 'lobby 1 again'],
          [attic, 1, 'attic 1 again'],
          [nowhere, 1, 'nowhere 1'],
          [lobby, 3, 'lobby 3'],
        ] as const;
        for (const [room, seq, tag] of batch)
          MessageWriter.write(writer, message(room, seq), me, tag);
        expect(await replies(batch.length)).toEqual([
          ['stored', 'lobby 2'],
          ['stored', 'attic 1'],
          ['store_failed', 'lobby 1 again', 'STORAGE_UNAVAILABLE'],
          ['store_failed', 'attic 1 again', 'STORAGE_UNAVAILABLE'],
          ['store_failed', 'nowhere 1', 'STORAGE_UNAVAILABLE'],
          ['stored', 'lobby 3'],
        ]);
        // The database is there: no backoff, the next batch is stored at once.
        MessageWriter.write(writer, message(lobby, 4), me, 'lobby 4');
        expect(await replies(1)).toEqual([['stored', 'lobby 4']]);
        expect(await MessageWriter.stats(writer)).toMatchObject({
          messages: 5,
          failedBatches: 1,
          refused: 3,
        });
        await GenServer.stop(writer);
      });
      expect(warn).toHaveBeenCalledWith(
        expect.stringMatching(/a batch of 6 was refused .*one message at a time/),
      );
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/message 1 of room \d+ refused: /));
      const rows = await store.db
        .selectFrom('messages')
        .select(['room_id', 'seq', 'content'])
        .orderBy('room_id')
        .orderBy('seq')
        .execute();
      expect(rows.map((row) => [Number(row.room_id), Number(row.seq), row.content])).toEqual([
        [lobby, 1, 'message 1'],
        [lobby, 2, 'message 2'],
        [lobby, 3, 'message 3'],
        [lobby, 4, 'message 4'],
        [attic, 1, 'message 1'],
      ]);
      const lastSeqs = await store.db
        .selectFrom('rooms')
        .select('last_seq')
        .orderBy('id')
        .execute();
      expect(lastSeqs.map((row) => Number(row.last_seq))).toEqual([4, 1]);
    });
  });

  it('tells data the database refuses from a database that cannot run the statement', () => {
    // PostgreSQL (pg): the SQLSTATE, classes 22 and 23 only.
    expect(refusesData({ code: '23505' })).toBe(true); // unique_violation
    expect(refusesData({ code: '23503' })).toBe(true); // foreign_key_violation
    expect(refusesData({ code: '22001' })).toBe(true); // string_data_right_truncation
    expect(refusesData({ code: '42P01' })).toBe(false); // undefined_table
    expect(refusesData({ code: '08006' })).toBe(false); // connection_failure
    expect(refusesData({ code: '57P01' })).toBe(false); // admin_shutdown
    expect(refusesData(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).toBe(
      false,
    );
    // better-sqlite3: the code's name.
    expect(refusesData({ code: 'SQLITE_CONSTRAINT_UNIQUE' })).toBe(true);
    expect(refusesData({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' })).toBe(true);
    expect(refusesData({ code: 'SQLITE_MISMATCH' })).toBe(true);
    expect(refusesData({ code: 'SQLITE_TOOBIG' })).toBe(true);
    expect(refusesData({ code: 'SQLITE_READONLY' })).toBe(false);
    expect(refusesData({ code: 'SQLITE_BUSY' })).toBe(false);
    expect(refusesData({ code: 'SQLITE_ERROR' })).toBe(false);
    // node:sqlite: the extended code's number.
    const builtIn = (errcode: number) => ({ code: 'ERR_SQLITE_ERROR', errcode });
    expect(refusesData(builtIn(2067))).toBe(true); // SQLITE_CONSTRAINT_UNIQUE
    expect(refusesData(builtIn(787))).toBe(true); // SQLITE_CONSTRAINT_FOREIGNKEY
    expect(refusesData(builtIn(20))).toBe(true); // SQLITE_MISMATCH
    expect(refusesData(builtIn(18))).toBe(true); // SQLITE_TOOBIG
    expect(refusesData(builtIn(8))).toBe(false); // SQLITE_READONLY
    expect(refusesData(builtIn(1))).toBe(false); // SQLITE_ERROR (no such table...)
    expect(refusesData(new Error('no code'))).toBe(false);
    expect(refusesData(undefined)).toBe(false);
  });
});
