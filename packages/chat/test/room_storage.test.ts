/**
 * Rooms with storage (ChatSupervisor's `storage`, step 8): a message is broadcast only once
 * stored, in the order numbered; one that cannot be stored reaches nobody, and its sender is
 * told STORAGE_UNAVAILABLE; the room goes on meanwhile; and no id is ever given twice.
 */
import { exit, type Pid, receive, send, spawn } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import { ChatServer, type RoomNews } from '../src/index.js';
import { FakeStorage } from './fake_storage.ts';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

let storage: FakeStorage;
roomsAndUsersPerTest({ historyLength: 2 }, {}, () => {
  storage = new FakeStorage();
  return storage;
});

type MessageNews = Extract<RoomNews, { type: 'message' }>;

function live(user: FakeUser): MessageNews[] {
  return user.events.flatMap((event) =>
    event.type === 'room' && event.event.news.type === 'message' ? [event.event.news] : [],
  );
}

function texts(user: FakeUser): string[] {
  return live(user).map((news) => `${news.id} ${news.text}`);
}

async function inLobby(name: string): Promise<FakeUser> {
  const user = new FakeUser();
  await user.ask({ type: 'join', room: 'lobby', username: name }, 'joined');
  return user;
}

function say(user: FakeUser, text: string): void {
  send(user.pid, ['request', { type: 'say', text }]);
}

/** Lets every message in flight arrive (the fake storage answers at once, or not at all). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

describe('a room with storage', () => {
  it('broadcasts a message only once storage says it is stored', async () => {
    const [ann, bob] = [await inLobby('ann'), await inLobby('bob')];
    storage.mode = 'hold';
    say(ann, 'hello');
    await vi.waitFor(() => expect(storage.held).toHaveLength(1));
    await settle();
    expect(texts(ann)).toEqual([]);
    expect(texts(bob)).toEqual([]);

    storage.release(1);
    await vi.waitFor(() => expect(texts(bob)).toEqual(['1 hello']));
    expect(texts(ann)).toEqual(['1 hello']);
    expect(storage.stored.get('lobby')!.map((m) => m.text)).toEqual(['hello']);
  });

  it('keeps the order numbered when replies come out of order', async () => {
    const [ann, bob] = [await inLobby('ann'), await inLobby('bob')];
    storage.mode = 'hold';
    for (const text of ['one', 'two', 'three']) say(ann, text);
    await vi.waitFor(() => expect(storage.held).toHaveLength(3));

    storage.release(3);
    await settle();
    expect(texts(bob)).toEqual([]);
    storage.release(1);
    await vi.waitFor(() => expect(texts(bob)).toEqual(['1 one']));
    storage.release(2);
    await vi.waitFor(() => expect(texts(bob)).toEqual(['1 one', '2 two', '3 three']));
    expect(texts(ann)).toEqual(texts(bob));
  });

  it('takes one reply for several messages, stored or not, and keeps the order numbered', async () => {
    const [ann, bob] = [await inLobby('ann'), await inLobby('bob')];
    storage.mode = 'hold';
    say(ann, 'one');
    await vi.waitFor(() => expect(storage.held).toHaveLength(1));
    say(bob, 'two');
    await vi.waitFor(() => expect(storage.held).toHaveLength(2));
    say(ann, 'three');
    await vi.waitFor(() => expect(storage.held).toHaveLength(3));

    storage.release([1, 3]);
    await vi.waitFor(() => expect(texts(ann)).toEqual(['1 one']));
    await settle();
    expect(texts(bob)).toEqual(['1 one']);
    const from = bob.events.length;
    storage.release([2], false);
    expect(await bob.waitFor('error', from)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await vi.waitFor(() => expect(texts(bob)).toEqual(['1 one', '3 three']));
    expect(texts(ann)).toEqual(['1 one', '3 three']);
    expect(storage.stored.get('lobby')!.map((m) => m.text)).toEqual(['one', 'three']);
  });

  it('tells the sender alone STORAGE_UNAVAILABLE, and shows the message to nobody', async () => {
    const [ann, bob] = [await inLobby('ann'), await inLobby('bob')];
    storage.mode = 'fail';
    const from = ann.events.length;
    say(ann, 'lost');
    expect(await ann.waitFor('error', from)).toEqual({
      type: 'error',
      code: 'STORAGE_UNAVAILABLE',
      request: 'say',
      subject: 'lobby',
    });
    await settle();
    expect(texts(ann)).toEqual([]);
    expect(texts(bob)).toEqual([]);
    expect(bob.events.some((event) => event.type === 'error')).toBe(false);
  });

  it('tells a leave, a join and a status after the messages said before them', async () => {
    const [ann, bob] = [await inLobby('ann'), await inLobby('bob')];
    storage.mode = 'hold';
    say(ann, 'bye');
    await vi.waitFor(() => expect(storage.held).toHaveLength(1));
    ann.tell({ type: 'leave', room: 'lobby' });
    const cat = await inLobby('cat');
    cat.tell({ type: 'status', status: 'away' });
    await settle();
    // Nothing is told before the message: the news behind it waits its turn.
    const news = () =>
      bob.events.flatMap((event) => (event.type === 'room' ? [event.event.news] : []));
    const told = news().length;
    storage.release(1);
    await vi.waitFor(() =>
      expect(
        news()
          .slice(told)
          .map((n) => `${n.type} ${'username' in n ? n.username : ''}`),
      ).toEqual(['message ', 'user_left ann', 'user_joined cat', 'status cat']),
    );
    // The one who joined sees what came after its join, not its own join.
    const catNews = cat.events.flatMap((e) => (e.type === 'room' ? [e.event.news.type] : []));
    expect(catNews).toEqual(['message', 'status']);
  });

  it('lets people join, leave and set their status while storage fails', async () => {
    const ann = await inLobby('ann');
    storage.mode = 'fail';
    say(ann, 'lost');
    await ann.waitFor('error');
    const bob = await inLobby('bob');
    bob.tell({ type: 'status', status: 'away', message: 'lunch' });
    const users = await ann.ask({ type: 'users' }, 'users');
    await vi.waitFor(async () => {
      const presence = await ChatServer.presence(ChatServer.whereis('lobby')!);
      expect(presence.map((p) => [p.username, p.status])).toEqual([
        ['ann', 'online'],
        ['bob', 'away'],
      ]);
    });
    expect(users.users).toEqual(['ann', 'bob']);

    // Storage is back: the next message goes through, with an id after the lost one's.
    storage.mode = 'auto';
    say(bob, 'back');
    await vi.waitFor(() => expect(texts(ann)).toEqual(['2 back']));
  });

  it('gives no id twice when the room crashes with messages unstored', async () => {
    const ann = await inLobby('ann');
    storage.mode = 'hold';
    say(ann, 'one');
    say(ann, 'two');
    await vi.waitFor(() => expect(storage.held).toHaveLength(2));
    const room = ChatServer.whereis('lobby')!;
    const from = ann.events.length;
    exit(room, 'kill');
    expect(await ann.waitFor('joined', from)).toMatchObject({ rejoined: true });
    // The writes outlive the room that made them: they are stored, and nobody is told.
    storage.release(1);
    storage.release(2);
    storage.mode = 'auto';
    say(ann, 'three');
    await vi.waitFor(() => expect(texts(ann)).toEqual(['3 three']));
    expect(storage.stored.get('lobby')!.map((m) => m.id)).toEqual([1, 2, 3]);
  });

  it('reads a page past the keeper window from storage', async () => {
    const ann = await inLobby('ann');
    for (const text of ['one', 'two', 'three', 'four', 'five']) say(ann, text);
    await vi.waitFor(() => expect(texts(ann)).toHaveLength(5));
    // The keeper holds the last 2 (4 and 5): the page before 4 is storage's.
    const page = await ann.ask({ type: 'history', before: 4, limit: 2 }, 'history');
    expect(page.messages.map((m) => `${m.id} ${m.text}`)).toEqual(['2 two', '3 three']);
    expect(page).toMatchObject({ more: true });
    expect(page.gone).toBeUndefined();
    // A page longer than the keeper's window, to the first message: nothing more before it.
    const first = await ann.ask({ type: 'history', before: 5, limit: 10 }, 'history', 2000);
    expect(first.messages.map((m) => m.id)).toEqual([1, 2, 3, 4]);
    expect(first).toMatchObject({ more: false });
    // Read by the session that asked, not by the room or the keeper.
    expect(new Set(storage.readers)).toEqual(new Set([ann.pid]));
  });

  it('opens a room while storage is away, refuses its messages, and recovers by itself', async () => {
    storage.away = true;
    const ann = await inLobby('ann');
    const bob = await inLobby('bob');
    say(ann, 'too soon');
    expect(await ann.waitFor('error')).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect((await ann.ask({ type: 'users' }, 'users')).users).toEqual(['ann', 'bob']);

    storage.away = false;
    await vi.waitFor(() => expect(storage.opens).toBe(1));
    say(bob, 'made it');
    await vi.waitFor(() => expect(texts(ann)).toEqual(['1 made it']));
    expect(texts(bob)).toEqual(['1 made it']);
  });

  it("fails the messages its storage's writer held when the writer ends, and goes on with new ids", async () => {
    const idle = (): Pid => spawn(() => receive());
    let writer = idle();
    storage.writer = () => writer;
    const [ann, bob, carol] = [await inLobby('ann'), await inLobby('bob'), await inLobby('carol')];
    say(ann, 'one');
    await vi.waitFor(() => expect(texts(carol)).toEqual(['1 one']));

    storage.mode = 'hold';
    say(ann, 'two');
    say(bob, 'three');
    await vi.waitFor(() => expect(storage.held).toHaveLength(2));
    // The writer dies with both: they are lost, and nobody will ever answer for them.
    storage.held.splice(0);
    const [fromAnn, fromBob] = [ann.events.length, bob.events.length];
    const dead = writer;
    writer = idle(); // its supervisor's restart
    exit(dead, 'kill');
    expect(await ann.waitFor('error', fromAnn)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(await bob.waitFor('error', fromBob)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    expect(carol.events.filter((event) => event.type === 'error')).toEqual([]);

    // Opened again through the new writer: the next message has an id never given before.
    storage.mode = 'auto';
    await vi.waitFor(() => expect(storage.opens).toBe(2));
    say(carol, 'four');
    await vi.waitFor(() => expect(texts(ann)).toEqual(['1 one', '4 four']));
    expect(texts(bob)).toEqual(['1 one', '4 four']);
    expect(texts(carol)).toEqual(['1 one', '4 four']);
    expect(storage.stored.get('lobby')!.map((m) => m.id)).toEqual([1, 4]);
    exit(writer, 'kill');
  });
});
