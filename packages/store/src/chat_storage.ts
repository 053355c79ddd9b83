/**
 * The chat's storage (ChatStorage, from @otp-chat/chat) over this package: the writer for the
 * messages, and the rooms' queries for the rest. Hand `sqlStorage(store)` to ChatSupervisor as
 * its `storage`; the writer it needs is one of its children, started before the rooms.
 */
import type { ChatStorage, HistoryMessage, OpenedRoom } from '@otp-chat/chat';
import { nameKey } from '@otp-chat/chat/rules';
import { whereis } from '@otp-chat/otp';
import type { OpenStore } from './engine.ts';
import {
  type HistoryRow,
  listRooms,
  messagesBefore,
  openRoom,
  roomsAfter,
  setDescription,
} from './rooms.ts';
import { MessageWriter } from './writer.ts';

/** The writer's registered name. */
export const MESSAGE_WRITER = 'Store.MessageWriter';

/**
 * The chat's storage over an open store: the writer on its `writes` connection, the reads on
 * its `db` pool, so that no read keeps a commit waiting.
 */
export function sqlStorage(
  { db, writes }: Pick<OpenStore, 'db' | 'writes'>,
  writer = MESSAGE_WRITER,
): ChatStorage {
  return {
    children: [{ id: writer, start: () => MessageWriter.startLink(writes, writer) }],

    // Through the writer, after what it has queued: a room started again after a crash counts
    // the messages its predecessor handed over and never heard back about.
    async open(room, epoch, recent): Promise<OpenedRoom> {
      const opened = await MessageWriter.afterWrites(writer, async (tx) => {
        const now = Date.now();
        const stored = await openRoom(tx, { name: room, slug: nameKey(room), epoch, now });
        const rows = await messagesBefore(tx, stored.id, undefined, recent);
        const { id: key, epoch: kept, lastSeq: lastId, description } = stored;
        return { key, epoch: kept, lastId, rows, description: description ?? undefined };
      });
      if (opened[0] === 'error') throw new Error(`storage: cannot open ${room}: ${opened[1]}`);
      const { rows, ...where } = opened[1];
      return { ...where, recent: rows.map((row) => historyMessage(where.epoch, row)) };
    },

    // A room monitors the writer: the writes in its mailbox die with it, unanswered.
    writer: () => whereis(writer),

    write(key, message, replyTo, tag) {
      const { id: seq, from: username, text: content, timestamp: insertedAt } = message;
      MessageWriter.write(
        writer,
        { roomId: key, seq, username, content, insertedAt },
        replyTo,
        tag,
      );
    },

    // A read in the caller's process, on the pool: it waits for no write.
    async before(room, before, limit) {
      const stored = await db
        .selectFrom('rooms')
        .select(['id', 'epoch'])
        .where('slug', '=', nameKey(room))
        .executeTakeFirst();
      if (stored === undefined) return [];
      const rows = await messagesBefore(db, Number(stored.id), before, limit);
      return rows.map((row) => historyMessage(Number(stored.epoch), row));
    },

    // Rooms are not messages: these go straight to the pool, with no writer to wait for.
    async create(room, description, epoch) {
      const now = Date.now();
      const made = await db
        .insertInto('rooms')
        .values({
          name: room,
          slug: nameKey(room),
          description: description ?? null,
          epoch,
          inserted_at: now,
          updated_at: now,
        })
        .onConflict((conflict) => conflict.column('slug').doNothing())
        .executeTakeFirst();
      return Number(made.numInsertedOrUpdatedRows ?? 0) === 1 ? 'created' : 'exists';
    },

    describe(room, description) {
      return setDescription(db, nameKey(room), description ?? null, Date.now());
    },

    // The count after the page: what the listing says is left ("and 12 more").
    async catalog(after, limit) {
      const rows = await listRooms(db, after, limit);
      const last = rows.at(-1)?.name;
      const more = last === undefined ? 0 : await roomsAfter(db, last);
      const rooms = rows.map(({ name, description }) => ({
        name,
        description: description ?? undefined,
      }));
      return { rooms, more };
    },
  };
}

function historyMessage(epoch: number, row: HistoryRow): HistoryMessage {
  return { epoch, id: row.seq, timestamp: row.insertedAt, from: row.username, text: row.content };
}
