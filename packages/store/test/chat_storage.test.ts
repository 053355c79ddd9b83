/**
 * The chat over this package's storage, on both engines: what people say is in the database
 * before anyone sees it, and a server started again on the same database goes on where the
 * last one stopped (same epoch, next id, the last messages replayed to a join).
 */
import { inspect } from 'node:util';
import { ChatSupervisor, type SessionEvent, USERS } from '@otp-chat/chat';
import { FakeUser } from '@otp-chat/chat/testing';
import {
  exit,
  GenServer,
  type Pid,
  Registry,
  Supervisor,
  self,
  send,
  spawn,
  whenIdle,
  whereis,
} from '@otp-chat/otp';
import { sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MESSAGE_WRITER, sqlStorage } from '../src/chat_storage.ts';
import {
  migrateToLatest,
  type OpenStore,
  RetentionJob,
  type RetentionOptions,
} from '../src/index.ts';
import { MessageWriter } from '../src/writer.ts';
import { onEachEngine } from './engines.ts';
import { inProcess } from './writer_helpers.ts';

/** A chat server's rooms and users, storing in `store`. */
async function startChat(store: OpenStore): Promise<Pid> {
  const rooms = () => ChatSupervisor.startLink({}, { historyLength: 100 }, sqlStorage(store));
  const started = await Supervisor.start(
    [
      { id: 'rooms', start: rooms, type: 'supervisor' as const },
      { id: USERS, start: () => Registry.startLink({ keys: 'unique', name: USERS }) },
    ],
    { strategy: 'one_for_one' },
  );
  if (started === 'ignore' || started[0] !== 'ok') throw new Error(`no chat: ${inspect(started)}`);
  running.trees.push(started[1]);
  return started[1];
}

const running: { trees: Pid[]; users: FakeUser[] } = { trees: [], users: [] };

/** Stops the chat server and its users: what a restart of the server does to them. */
async function stopChat(): Promise<void> {
  for (const user of running.users.splice(0)) exit(user.pid, 'kill');
  for (const tree of running.trees.splice(0)) await Supervisor.stop(tree);
  await whenIdle();
}

async function inLobby(
  name: string,
): Promise<[FakeUser, Extract<SessionEvent, { type: 'joined' }>]> {
  const user = new FakeUser();
  running.users.push(user);
  const joined = await user.ask({ type: 'join', room: 'lobby', username: name }, 'joined');
  return [user, joined];
}

function say(user: FakeUser, text: string): void {
  send(user.pid, ['request', { type: 'say', text }]);
}

/** A chat on `store` where ann says one, two, three, then stops; answers the room's epoch. */
async function threeSaidThenStopped(store: OpenStore): Promise<number | undefined> {
  await migrateToLatest(store.db, store.engine);
  await startChat(store);
  const [ann] = await inLobby('ann');
  for (const text of ['one', 'two', 'three']) say(ann, text);
  await vi.waitFor(() => expect(live(ann)).toHaveLength(3));
  const epoch = epochOf(ann);
  await stopChat();
  return epoch;
}

/** Says `text` until the room takes it (it is refused while the room opens again). */
async function sayUntilStored(user: FakeUser, text: string): Promise<void> {
  for (let tries = 0; tries < 100; tries++) {
    const from = user.events.length;
    say(user, text);
    const answer = await vi.waitFor(() => {
      const next = user.events
        .slice(from)
        .find((event) => event.type === 'error' || event.type === 'room');
      if (next === undefined) throw new Error('no answer yet');
      return next;
    });
    if (answer.type === 'room') return;
    expect(answer).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${text} was never stored`);
}

/** The messages a user was shown live, as `id text`. */
function live(user: FakeUser): string[] {
  return user.events.flatMap((event) =>
    event.type === 'room' && event.event.news.type === 'message'
      ? [`${event.event.news.id} ${event.event.news.text}`]
      : [],
  );
}

async function rows(store: OpenStore): Promise<string[]> {
  const stored = await store.db
    .selectFrom('messages')
    .select(['seq', 'username', 'content'])
    .orderBy('seq')
    .execute();
  return stored.map((row) => `${row.seq} ${row.username}: ${row.content}`);
}

/** Starts a retention job, sweeps once, stops it: what the sweep answered. */
async function sweepOnce(db: OpenStore['db'], options: RetentionOptions) {
  const started = await RetentionJob.startLink(db, options);
  if (started === 'ignore' || started[0] !== 'ok') throw new Error('no retention job');
  try {
    return await RetentionJob.sweepNow(started[1]);
  } finally {
    await GenServer.stop(started[1]);
  }
}

/** The epoch of the first message a user was shown live. */
function epochOf(user: FakeUser): number | undefined {
  for (const event of user.events) {
    if (event.type === 'room' && event.event.news.type === 'message') return event.event.news.epoch;
  }
  return undefined;
}

onEachEngine((open) => {
  describe('sqlStorage', () => {
    it('opens a room after the writes already queued, so its last id counts them', async () => {
      const store = await open();
      await migrateToLatest(store.db, store.engine);
      const storage = sqlStorage(store);
      const [writer] = storage.children!;
      const started = await writer!.start();
      if (started === 'ignore' || started[0] !== 'ok') throw new Error('no writer');
      const opened = await inProcess(async () => {
        const { key, epoch } = await storage.open('Lobby', 42, 10);
        // As a room that crashed would leave them: handed over, no reply read.
        for (const id of [1, 2, 3]) {
          const message = { epoch, id, timestamp: 1000 + id, from: 'ann', text: `m${id}` };
          storage.write(key, message, self(), id);
        }
        return storage.open('lobby', 7, 2);
      });
      expect(opened).toMatchObject({ epoch: 42, lastId: 3 });
      expect(opened.recent.map((m) => [m.id, m.text, m.epoch])).toEqual([
        [2, 'm2', 42],
        [3, 'm3', 42],
      ]);
      expect((await storage.before('LOBBY', 3, 5)).map((m) => m.id)).toEqual([1, 2]);
      await GenServer.stop(started[1]);
    });

    it('keeps a catalog: rooms made once, described, listed a page at a time', async () => {
      const store = await open();
      await migrateToLatest(store.db, store.engine);
      const storage = sqlStorage(store);
      expect(await storage.create('Books', 'Read anything good?', 5)).toBe('created');
      // The slug is the name's key: another spelling of it is the same room.
      expect(await storage.create('BOOKS', 'mine now', 6)).toBe('exists');
      expect(await storage.create('art', undefined, 7)).toBe('created');
      expect(await storage.create('cooking', undefined, 8)).toBe('created');
      expect(await storage.describe('books', 'Novels only')).toBe(true);
      expect(await storage.describe('nowhere', 'x')).toBe(false);
      expect(await storage.catalog(undefined, 2)).toEqual({
        rooms: [
          { name: 'art', description: undefined },
          { name: 'Books', description: 'Novels only' },
        ],
        more: 1,
      });
      // The cursor is the last room listed, as the listing spells it.
      expect(await storage.catalog('Books', 2)).toEqual({
        rooms: [{ name: 'cooking', description: undefined }],
        more: 0,
      });
      // A room made with a description opens with it, and the epoch it was made with.
      const [writer] = storage.children!;
      const started = await writer!.start();
      if (started === 'ignore' || started[0] !== 'ok') throw new Error('no writer');
      const opened = await inProcess(() => storage.open('books', 99, 10));
      expect(opened).toMatchObject({ epoch: 5, description: 'Novels only', lastId: 0 });
      await GenServer.stop(started[1]);
    });
  });

  describe('the chat with SQL storage', () => {
    afterEach(stopChat);

    it('stores every message, numbered, before anyone sees it', async () => {
      const store = await open();
      await migrateToLatest(store.db, store.engine);
      await startChat(store);
      const [ann] = await inLobby('ann');
      const [bob] = await inLobby('bob');
      say(ann, 'one');
      say(bob, 'two');
      say(ann, 'three');
      await vi.waitFor(() => expect(live(bob)).toEqual(['1 one', '2 two', '3 three']));
      expect(await rows(store)).toEqual(['1 ann: one', '2 bob: two', '3 ann: three']);
      expect(live(ann)).toEqual(live(bob));
    });

    it('goes on after a restart: same epoch, the next id, the last messages replayed', async () => {
      const store = await open();
      const epoch = await threeSaidThenStopped(store);

      await startChat(store);
      const [bob, joined] = await inLobby('bob');
      expect(joined.history?.messages.map((m) => `${m.id} ${m.from}: ${m.text}`)).toEqual([
        '1 ann: one',
        '2 ann: two',
        '3 ann: three',
      ]);
      expect(joined.history?.messages.every((m) => m.epoch === epoch)).toBe(true);
      say(bob, 'four');
      await vi.waitFor(() => expect(live(bob)).toEqual(['4 four']));
      expect(epochOf(bob)).toBe(epoch);
      expect(await rows(store)).toEqual([
        '1 ann: one',
        '2 ann: two',
        '3 ann: three',
        '4 bob: four',
      ]);
    });
    it('goes on above the last id after retention deleted every message of the room', async () => {
      const store = await open();
      const epoch = await threeSaidThenStopped(store);
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(await sweepOnce(store.db, { maxAgeMs: 1, intervalMs: 60_000 })).toEqual([
        'ok',
        { byAge: 3, byCount: 0 },
      ]);
      expect(await rows(store)).toEqual([]);

      await startChat(store);
      const [bob, joined] = await inLobby('bob');
      expect(joined.history?.messages ?? []).toEqual([]);
      say(bob, 'four');
      await vi.waitFor(() => expect(live(bob)).toEqual(['4 four']));
      expect(epochOf(bob)).toBe(epoch);
      expect(await rows(store)).toEqual(['4 bob: four']);
    });

    it('tells the senders of what a killed writer held, and goes on above every id anyone saw', async () => {
      const store = await open();
      await migrateToLatest(store.db, store.engine);
      await startChat(store);
      const [ann] = await inLobby('ann');
      const [bob] = await inLobby('bob');
      const [carol] = await inLobby('carol');
      say(ann, 'one');
      await vi.waitFor(() => expect(live(carol)).toEqual(['1 one']));

      // A slow read keeps the writer busy: what the room hands it meanwhile waits in its mailbox.
      const writer = whereis(MESSAGE_WRITER)!;
      spawn(() =>
        MessageWriter.afterWrites(
          writer,
          () => new Promise((resolve) => setTimeout(resolve, 3000)),
        ),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      const [fromAnn, fromBob] = [ann.events.length, bob.events.length];
      say(ann, 'two');
      say(bob, 'three');
      await new Promise((resolve) => setTimeout(resolve, 100));
      exit(writer, 'kill');
      expect(await ann.waitFor('error', fromAnn)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      expect(await bob.waitFor('error', fromBob)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      expect(carol.events.filter((event) => event.type === 'error')).toEqual([]);

      await vi.waitFor(() => expect(whereis(MESSAGE_WRITER)).not.toBe(writer));
      // The writer is restarted alone (under ChatServer.Storage): the room stays, and opens
      // again through its successor, after what that holds; a message meanwhile is refused.
      // Then the next one has an id above every one anyone saw.
      const [dave] = await inLobby('dave');
      await sayUntilStored(dave, 'four');
      const [four] = live(dave);
      expect(four).toMatch(/^\d+ four$/);
      expect(Number(four!.split(' ')[0])).toBeGreaterThan(1);
      expect(await rows(store)).toEqual(['1 ann: one', `${four!.split(' ')[0]} dave: four`]);
      for (const user of [ann, bob, carol]) {
        await vi.waitFor(() => expect(live(user)).toEqual(['1 one', four]));
      }
    });

    it('refuses messages while the database is away, and recovers by itself', async () => {
      const store = await open();
      await migrateToLatest(store.db, store.engine);
      await startChat(store);
      const [ann] = await inLobby('ann');
      const [bob] = await inLobby('bob');
      say(ann, 'one');
      await vi.waitFor(() => expect(live(bob)).toEqual(['1 one']));

      // The table gone is a database that refuses every write, on either engine.
      await sql`alter table messages rename to messages_away`.execute(store.db);
      const from = ann.events.length;
      say(ann, 'lost');
      expect(await ann.waitFor('error', from)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      const [carol] = await inLobby('carol');
      expect((await carol.ask({ type: 'users' }, 'users')).users).toEqual(['ann', 'bob', 'carol']);

      await sql`alter table messages_away rename to messages`.execute(store.db);
      // The writer fails batches at once for its backoff (100 ms after one failure).
      await new Promise((resolve) => setTimeout(resolve, 300));
      say(bob, 'back');
      await vi.waitFor(() => expect(live(carol)).toEqual(['3 back']));
      expect(live(ann)).toEqual(['1 one', '3 back']);
      expect(await rows(store)).toEqual(['1 ann: one', '3 bob: back']);
    });
  });
});
