import { describe, expect, it } from 'vitest';
import { migrateToLatest, type OpenStore } from '../src/index.ts';
import {
  findOrCreateRoom,
  findRoom,
  listRooms,
  messagesBefore,
  messagesSince,
  setDescription,
} from '../src/rooms.ts';
import { onEachEngine } from './engines.ts';

async function migrated(open: () => Promise<OpenStore>): Promise<OpenStore['db']> {
  const { db, engine } = await open();
  await migrateToLatest(db, engine);
  return db;
}

describe('rooms and history in the store', () => {
  onEachEngine((open) => {
    it('finds a room or makes it once, whatever the case of its name, with its epoch', async () => {
      const db = await migrated(open);
      const made = await findOrCreateRoom(db, { name: 'Lobby', slug: 'lobby', epoch: 11, now: 1 });
      expect(made).toMatchObject({ name: 'Lobby', epoch: 11, lastSeq: 0, description: null });
      const again = await findOrCreateRoom(db, { name: 'LOBBY', slug: 'lobby', epoch: 12, now: 2 });
      expect(again).toEqual(made);
      expect(await findRoom(db, 'garden', 13)).toBeUndefined();
    });

    it('keeps a description, and lists rooms with nobody in them, a page at a time', async () => {
      const db = await migrated(open);
      for (const name of ['cafe', 'Attic', 'books']) {
        await findOrCreateRoom(db, { name, slug: name.toLowerCase(), epoch: 1, now: 1 });
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
        await findOrCreateRoom(db, { name: name!, slug: slug!, epoch: 1, now: 1 });
      }
      const names = async (after?: string, limit = 10) =>
        (await listRooms(db, after, limit)).map((room) => room.name);
      expect(await names()).toEqual(['apple', 'Mango', 'r100', 'r200', 'Zoo']);
      expect(await names('mango', 2)).toEqual(['r100', 'r200']);
      expect(await names('r200')).toEqual(['Zoo']);
    });

    it('pages history back with before, and forward with since, and numbering goes on', async () => {
      const db = await migrated(open);
      const room = await findOrCreateRoom(db, { name: 'lobby', slug: 'lobby', epoch: 1, now: 1 });
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
      expect(await findRoom(db, 'lobby', 99)).toMatchObject({ epoch: 1, lastSeq: 10 });
    });
  });
});
