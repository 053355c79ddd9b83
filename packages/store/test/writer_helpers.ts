/** What the writer's tests share: a process to run in, a migrated room, messages, a writer. */
import { type Pid, spawn } from '@otp-chat/otp';
import { migrateToLatest, type OpenStore } from '../src/index.ts';
import { MessageWriter, type StoredMessage, type WriterReply } from '../src/writer.ts';

/** Runs `body` in a process of its own (the writer's replies come to its mailbox). */
export function inProcess<T>(body: () => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    spawn(() => body().then(resolve, reject));
  });
}

/** Migrates the store and stores one room, 'lobby' (epoch 7); answers its id. */
export async function migratedWithRoom({ db, engine }: OpenStore): Promise<number> {
  await migrateToLatest(db, engine);
  const room = await db
    .insertInto('rooms')
    .values({
      name: 'lobby',
      slug: 'lobby',
      description: null,
      epoch: 7,
      inserted_at: 1,
      updated_at: 1,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return room.id;
}

/** Message `seq` of the room `roomId`, said by ann. */
export function message(roomId: number, seq: number): StoredMessage {
  return { roomId, seq, username: 'ann', content: `message ${seq}`, insertedAt: 1000 + seq };
}

/** A writer on `db`, linked to the caller. */
export async function started(db: OpenStore['db']): Promise<Pid> {
  const result = await MessageWriter.startLink(db);
  if (result === 'ignore' || result[0] !== 'ok') throw new Error('the writer did not start');
  return result[1];
}

/** A writer's answer for one message: `['stored', tag]` or `['store_failed', tag, code]`. */
export type TagReply =
  | readonly ['stored', tag: unknown]
  | readonly ['store_failed', tag: unknown, code: 'STORAGE_UNAVAILABLE'];

/** A reply (which answers all of a sender's messages in one batch) as one answer per message. */
export function perMessage(reply: WriterReply): TagReply[] {
  return reply[0] === 'stored'
    ? reply[1].map((tag) => ['stored', tag] as const)
    : reply[1].map((tag) => ['store_failed', tag, reply[2]] as const);
}
