/**
 * Rooms that keep history (ChatSupervisor started with `history`): every message numbered, a
 * join shown what came before it with nothing lost or repeated at the seam, a member that
 * comes back (`since`) shown exactly what it missed, and a room that crashes going on with
 * its ids where they were.
 */
import { exit, type Pid, receive, register, send, spawn, unregister, whereis } from '@otp-chat/otp';
import { describe, expect, it, vi } from 'vitest';
import {
  ChatServer,
  HISTORY_KEEPER,
  type HistoryMessage,
  KEEPER_TIMEOUT_MS,
  localRooms,
  type RoomNews,
  type SessionEvent,
} from '../src/index.js';
import { FakeUser, roomsAndUsersPerTest } from './fake_user.ts';

roomsAndUsersPerTest({ historyLength: 1000 });

type MessageNews = Extract<RoomNews, { type: 'message' }>;

/** The message news a fake user's session passed on live, in order. */
function live(user: FakeUser): MessageNews[] {
  return user.events.flatMap((event) =>
    event.type === 'room' && event.event.news.type === 'message' ? [event.event.news] : [],
  );
}

/** Every message a user was shown, from join catch-ups and live, in the order shown. */
function shown(user: FakeUser): Array<{ id: number; text: string }> {
  return user.events.flatMap((event: SessionEvent) => {
    if (event.type === 'joined') return (event.history?.messages ?? []).map(idAndText);
    if (event.type === 'room' && event.event.news.type === 'message') {
      return [idAndText(event.event.news as Required<MessageNews>)];
    }
    return [];
  });
}

function idAndText(message: { id?: number; text: string }): { id: number; text: string } {
  return { id: message.id as number, text: message.text };
}

async function named(name: string, replay?: number): Promise<FakeUser> {
  const user = new FakeUser(replay === undefined ? {} : { replay });
  await user.ask({ type: 'name', name }, 'named');
  return user;
}

function say(user: FakeUser, text: string): void {
  send(user.pid, ['request', { type: 'say', text }]);
}

describe('a room that keeps history', () => {
  it('numbers its messages from 1 in one epoch, and shows a newcomer the last ones', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    for (const text of ['one', 'two', 'three']) say(ann, text);
    await vi.waitFor(() => expect(live(ann)).toHaveLength(3));
    const [first] = live(ann);
    expect(live(ann).map((news) => [news.id, news.epoch])).toEqual([
      [1, first!.epoch],
      [2, first!.epoch],
      [3, first!.epoch],
    ]);
    expect(Number.isInteger(first!.epoch)).toBe(true);

    const bob = await named('bob', 2);
    const joined = await bob.ask({ type: 'join', room: 'lobby' }, 'joined');
    expect(joined.history?.messages.map((m: HistoryMessage) => [m.id, m.from, m.text])).toEqual([
      [2, 'ann', 'two'],
      [3, 'ann', 'three'],
    ]);
    expect(joined.history?.gone).toBeUndefined();
  });

  it('shows a member who joins mid-stream every message once, in order', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    const bob = await named('bob', 1000);
    // The join is queued among the messages: some are said before it, some after. (90: within
    // the room's burst of 100, so the room's rate drops none.)
    for (let i = 1; i <= 90; i++) {
      say(ann, `m${i}`);
      if (i === 45) send(bob.pid, ['request', { type: 'join', room: 'lobby' }]);
    }
    await vi.waitFor(() => expect(shown(bob)).toHaveLength(90));
    await vi.waitFor(() => expect(live(ann)).toHaveLength(90));
    expect(shown(bob)).toEqual(live(ann).map(idAndText));
    expect(shown(bob).map((m) => m.id)).toEqual(Array.from({ length: 90 }, (_, i) => i + 1));
    // Both halves are there: the seam was crossed, not avoided.
    const joined = bob.events.find((event) => event.type === 'joined');
    expect(joined?.type === 'joined' && joined.history!.messages.length).toBeGreaterThan(0);
    expect(live(bob).length).toBeGreaterThan(0);
  });

  it('shows one who comes back with `since` exactly what it missed', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    const carol = await named('carol');
    await carol.ask({ type: 'join', room: 'lobby' }, 'joined');
    for (let i = 1; i <= 5; i++) say(ann, `before ${i}`);
    await vi.waitFor(() => expect(live(carol)).toHaveLength(5));
    const last = live(carol).at(-1)!;
    exit(carol.pid, 'kill'); // her connection drops
    for (let i = 1; i <= 4; i++) say(ann, `meanwhile ${i}`);
    await vi.waitFor(() => expect(live(ann)).toHaveLength(9));

    const back = await named('carol2');
    const joined = await back.ask(
      { type: 'join', room: 'lobby', since: { epoch: last.epoch!, id: last.id! } },
      'joined',
    );
    expect(joined.history?.messages.map((m) => m.text)).toEqual([
      'meanwhile 1',
      'meanwhile 2',
      'meanwhile 3',
      'meanwhile 4',
    ]);
    expect(joined.history?.gone).toBeUndefined();
  });

  it('tells one who comes back from another epoch that everything before is gone', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    say(ann, 'hello');
    await vi.waitFor(() => expect(live(ann)).toHaveLength(1));
    const epoch = live(ann)[0]!.epoch!;
    const back = await named('dan');
    const joined = await back.ask(
      { type: 'join', room: 'lobby', since: { epoch: epoch + 1, id: 1 } },
      'joined',
    );
    expect(joined.history).toMatchObject({ gone: 'all' });
    expect(joined.history?.messages.map((m) => m.text)).toEqual(['hello']);
  });

  it('goes on numbering after its process is killed, and members miss nothing said meanwhile', async () => {
    const ann = await named('ann');
    const bob = await named('bob');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    await bob.ask({ type: 'join', room: 'lobby' }, 'joined');
    for (let i = 1; i <= 40; i++) say(ann, `a${i}`);
    await vi.waitFor(() => expect(live(bob).length).toBeGreaterThan(10));
    // Bob's session is busy: it learns of the crash, and joins again, only after ann has
    // joined the new room and talked on in it.
    bob.stall();
    // The stall takes hold after the message the session waits for now: this one.
    await bob.ask({ type: 'help' }, 'help');
    exit(ChatServer.whereis('lobby')!, 'kill');
    const rejoined = (user: FakeUser) =>
      user.events.some((event) => event.type === 'joined' && event.rejoined);
    await vi.waitFor(() => expect(rejoined(ann)).toBe(true));
    // What ann said to the dead room is lost, as it would be on the BEAM: never accepted, it
    // has no id. What she says now is said while bob is not in the room.
    for (let i = 41; i <= 60; i++) say(ann, `a${i}`);
    await vi.waitFor(() => expect(live(ann).at(-1)?.text).toBe('a60'));
    expect(rejoined(bob)).toBe(false);
    bob.resume();
    await vi.waitFor(() => expect(shown(bob).at(-1)?.text).toBe('a60'));

    const ids = shown(bob).map((m) => m.id);
    // No id repeated, none skipped: the new room went on from the last id of the old one.
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, i) => i + 1));
    expect(new Set(live(ann).map((news) => news.epoch)).size).toBe(1);
  });

  it('answers a page of history, before a given message', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    for (let i = 1; i <= 10; i++) say(ann, `m${i}`);
    await vi.waitFor(() => expect(live(ann)).toHaveLength(10));
    const { epoch } = live(ann)[0]!;
    const page = await localRooms.history('Lobby', 3, { epoch: epoch!, id: 5 });
    expect(page?.[0]).toBe('ok');
    expect((page as ['ok', HistoryMessage[]])[1].map((m) => m.text)).toEqual(['m2', 'm3', 'm4']);
    expect(await localRooms.history('lobby', 0)).toEqual(['error', 'bad_limit']);
  });
});

describe('a room whose history keeper does not answer', () => {
  /** The keeper gives its name to a process that never answers, for the length of `body`. */
  async function withSilentKeeper(body: () => Promise<void>): Promise<void> {
    const keeper = whereis(HISTORY_KEEPER) as Pid;
    const silent = spawn(() => receive(() => false));
    unregister(HISTORY_KEEPER);
    register(HISTORY_KEEPER, silent);
    try {
      await body();
    } finally {
      unregister(HISTORY_KEEPER);
      register(HISTORY_KEEPER, keeper);
      exit(silent, 'kill');
    }
  }

  it('lets a join in without the history, and goes on; a page is refused, nothing crashes', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    say(ann, 'before');
    await vi.waitFor(() => expect(live(ann)).toHaveLength(1));
    const room = ChatServer.whereis('lobby');

    await withSilentKeeper(async () => {
      const bob = await named('bob', 10);
      // The room waits KEEPER_TIMEOUT_MS for the keeper, then lets bob in without it.
      const slow = KEEPER_TIMEOUT_MS + 2000;
      const joined = await bob.ask({ type: 'join', room: 'lobby' }, 'joined', slow);
      expect(joined.users).toEqual(['ann', 'bob']);
      expect(joined).not.toHaveProperty('history');
      expect(await bob.ask({ type: 'history', room: 'lobby' }, 'error', slow)).toMatchObject({
        code: 'NO_HISTORY',
      });
    });

    // The same room, and both members in it: what is said now reaches both, numbered on.
    expect(ChatServer.whereis('lobby')).toBe(room);
    say(ann, 'after');
    await vi.waitFor(() => expect(live(ann).map((news) => news.text)).toEqual(['before', 'after']));
    expect(live(ann)[1]?.id).toBe(2);
  });
});

describe('a history keeper that crashes', () => {
  it('restarts the rooms after it, and their members join them again, as when a room crashes', async () => {
    const ann = await named('ann');
    await ann.ask({ type: 'join', room: 'lobby' }, 'joined');
    const room = ChatServer.whereis('lobby');
    const from = ann.events.length;

    // rest_for_one: the keeper's successor, then the room supervisor and its rooms, restart.
    exit(whereis(HISTORY_KEEPER)!, 'kill');

    const rejoined = await ann.waitFor('joined', from, 5000);
    expect(rejoined).toMatchObject({ room: 'lobby', rejoined: true, users: ['ann'] });
    expect(ChatServer.whereis('lobby')).not.toBe(room);
    say(ann, 'still here');
    await vi.waitFor(() => expect(live(ann).map((news) => news.text)).toEqual(['still here']));
  });
});
