import { setTimeout as sleep } from 'node:timers/promises';
import { GenServer, receive, self } from '@otp-chat/otp';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { migrateToLatest, type OpenStore } from '../src/index.ts';
import {
  findRoom,
  listRooms,
  messagesBefore,
  messagesSince,
  openRoom,
  setDescription,
} from '../src/rooms.ts';
import { MessageWriter, type WriterReply } from '../src/writer.ts';
import { onEachEngine } from './engines.ts';
import { inProcess, message, started } from './writer_helpers.ts';

async function migrated(open: () => Promise<OpenStore>): Promise<OpenStore['db']> {
  const { db, engine } = await open();
  await migrateToLatest(db, engine);
  return db;
}

describe('rooms and history in the store', () => {
  onEachEngine((open) => {
    it('finds a room or makes it once, whatever the case of its name, with its epoch', async () => {
      const db = await migrated(open);
      const made = await openRoom(db, { name: 'Lobby', slug: 'lobby', epoch: 11, now: 1 });
      expect(made).toMatchObject({ name: 'Lobby', epoch: 11, lastSeq: 0, description: null });
      const again = await openRoom(db, { name: 'LOBBY', slug: 'lobby', epoch: 12, now: 2 });
      expect(again).toEqual(made);
      expect(await findRoom(db, 'garden', 13)).toBeUndefined();
    });

    it('keeps a description, and lists rooms with nobody in them, a page at a time', async () => {
      const db = await migrated(open);
      for (const name of ['cafe', 'Attic', 'books']) {
        await openRoom(db, { name, slug: name.toLowerCase(), epoch: 1, now: 1 });
      }
      expect(await setDescription(db, 'books', 'what we read', 5)).toBe(true);
      expect(await setDescription(db, 'nowhere', 'x', 5)).toBe(false);
      expect(await listRooms(db, undefined, 2)).toEqual([
        { name: 'Attic', slug: 'attic', description: null },
        { name: 'books', slug: 'books', description: 'what we read' },
      ]);
      expect(await listRooms(db, 'books', 2)).toEqual([
        { name: 'cafe', slug: 'cafe', description: null },
      ]);
    });

    it('lists rooms in alphabetical order whatever the case, not in the order of their keys', async () => {
      const db = await migrated(open);
      // nameKey folds look-alikes ('1' as 'l', '0' as 'o'): slug order would put r200 first.
      for (const [name, slug] of [
        ['Zoo', 'zoo'],
        ['r200', 'r2oo'],
        ['apple', 'apple'],
        ['r100', 'rloo'],
        ['Mango', 'mango'],
      ]) {
        await openRoom(db, { name: name!, slug: slug!, epoch: 1, now: 1 });
      }
      const names = async (after?: string, limit = 10) =>
        (await listRooms(db, after, limit)).map((room) => room.name);
      expect(await names()).toEqual(['apple', 'Mango', 'r100', 'r200', 'Zoo']);
      expect(await names('mango', 2)).toEqual(['r100', 'r200']);
      expect(await names('r200')).toEqual(['Zoo']);
    });

    it('pages history back with before, and forward with since', async () => {
      const db = await migrated(open);
      const room = await openRoom(db, { name: 'lobby', slug: 'lobby', epoch: 1, now: 1 });
      await db
        .insertInto('messages')
        .values(
          Array.from({ length: 10 }, (_, i) => ({
            room_id: room.id,
            seq: i + 1,
            username: 'ann',
            content: `m${i + 1}`,
            user_id: null,
            inserted_at: 100 + i,
          })),
        )
        .execute();
      const texts = (rows: { content: string }[]) => rows.map((row) => row.content);
      expect(texts(await messagesBefore(db, room.id, undefined, 3))).toEqual(['m8', 'm9', 'm10']);
      expect(texts(await messagesBefore(db, room.id, 5, 3))).toEqual(['m2', 'm3', 'm4']);
      expect(texts(await messagesBefore(db, room.id, 2, 3))).toEqual(['m1']);
      expect(texts(await messagesSince(db, room.id, 7, 100))).toEqual(['m8', 'm9', 'm10']);
      expect((await messagesSince(db, room.id, 9, 100))[0]).toEqual({
        seq: 10,
        username: 'ann',
        content: 'm10',
        insertedAt: 109,
      });
    });

    it('opens a room with the last id the writer stored in it, even once its messages are gone', async () => {
      const db = await migrated(open);
      const lobby = await openRoom(db, { name: 'lobby', slug: 'lobby', epoch: 1, now: 1 });
      const attic = await openRoom(db, { name: 'attic', slug: 'attic', epoch: 2, now: 1 });
      await inProcess(async () => {
        const writer = await started(db);
        for (const [room, seq] of [
          [lobby.id, 1],
          [attic.id, 1],
          [lobby.id, 2],
          [lobby.id, 3],
        ]) {
          MessageWriter.write(writer, message(room!, seq!), self(), seq);
        }
        // The writer's answers, one per batch: wait for all four messages.
        const stored: unknown[] = [];
        while (stored.length < 4) {
          const [outcome, tags] = (await receive()) as WriterReply;
          expect(outcome).toBe('stored');
          stored.push(...tags);
        }
        await GenServer.stop(writer);
      });
      const lobbySlug = { name: 'lobby', slug: 'lobby', epoch: 5, now: 2 };
      expect(await openRoom(db, lobbySlug)).toMatchObject({ epoch: 1, lastSeq: 3 });
      expect(await findRoom(db, 'attic', 5)).toMatchObject({ epoch: 2, lastSeq: 1 });
      // Retention deletes messages, never rooms: the numbering stays on the room.
      await db.deleteFrom('messages').execute();
      expect(await openRoom(db, lobbySlug)).toMatchObject({ epoch: 1, lastSeq: 3 });
      expect(await findRoom(db, 'attic', 5)).toMatchObject({ epoch: 2, lastSeq: 1 });
    });

    it('opens a room after a transaction that raises its last id has committed, and counts it', async () => {
      const db = await migrated(open);
      const room = { name: 'lobby', slug: 'lobby', epoch: 1, now: 1 };
      await openRoom(db, room);
      let opening: Promise<unknown> | undefined;
      let [committed, openedEarly] = [false, false];
      await db.transaction().execute(async (tx) => {
        // What the writer's transaction does: the row is the writer's until it commits.
        await sql`update rooms set last_seq = 7 where slug = 'lobby'`.execute(tx);
        opening = openRoom(db, room).then((opened) => {
          openedEarly = !committed;
          return opened;
        });
        await sleep(200);
        committed = true;
      });
      expect(await opening).toMatchObject({ lastSeq: 7 });
      expect(openedEarly).toBe(false);
    });
  });
});
