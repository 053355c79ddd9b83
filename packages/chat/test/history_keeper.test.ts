import { exit, GenServer, type Pid, receive, send, spawn, whenIdle, whereis } from '@otp-chat/otp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  HISTORY_KEEPER,
  HistoryKeeper,
  type HistoryMessage,
  type HistoryOptions,
  HistoryWriter,
  messageBytes,
} from '../src/index.js';

/**
 * A room process as a ChatServer room will be one: it attaches to its history as it starts,
 * then appends each line it is told to say, before it would broadcast it.
 */
class FakeRoom {
  readonly said: HistoryMessage[] = [];
  readonly pid: Pid;
  /** Where the keeper said the room's numbering was when it attached. */
  readonly attached: Promise<{ epoch: number; lastId: number }>;
  /** The epoch the room numbers its messages in, once attached. */
  epoch = Number.NaN;

  constructor(room: string) {
    let resolve: (at: { epoch: number; lastId: number }) => void = () => {};
    this.attached = new Promise((r) => (resolve = r));
    this.pid = spawn(async () => {
      const reply = await HistoryWriter.attach(room);
      if (reply[0] !== 'ok') throw new Error(`attach refused: ${reply}`);
      const writer = reply[1];
      this.epoch = writer.epoch;
      resolve({ epoch: writer.epoch, lastId: writer.lastId });
      for (;;) {
        const [from, text] = (await receive()) as [string, string];
        this.said.push(writer.append({ from, text }));
      }
    });
    rooms.push(this.pid);
  }

  /** Says each line in turn, and waits until the keeper has had every append. */
  async say(...texts: string[]): Promise<void> {
    await this.attached;
    for (const text of texts) send(this.pid, ['ann', text]);
    await whenIdle();
  }
}

const rooms: Pid[] = [];

async function startKeeper(options: Partial<HistoryOptions> = {}): Promise<Pid> {
  const started = await GenServer.start(HistoryKeeper, options, { name: HISTORY_KEEPER });
  if (started === 'ignore' || started[0] !== 'ok') throw new Error(`no keeper: ${started}`);
  return started[1];
}

afterEach(async () => {
  for (const pid of rooms.splice(0)) exit(pid, 'kill');
  if (whereis(HISTORY_KEEPER) !== undefined) await GenServer.stop(HISTORY_KEEPER);
  await whenIdle();
});

/** Id 0 (nothing seen yet) reads the same in any epoch: a client's first catch-up. */
const NO_EPOCH = 0;

function idsOf(reply: Awaited<ReturnType<typeof HistoryKeeper.last>>): number[] {
  if (reply[0] === 'error') throw new Error(`not messages: ${reply}`);
  return (reply[0] === 'ok' ? reply[1] : reply[2]).map((m) => m.id);
}

describe('HistoryKeeper', () => {
  it('keeps what a room says, numbered from 1, for anyone to read', async () => {
    await startKeeper();
    const lobby = new FakeRoom('Lobby');
    expect((await lobby.attached).lastId).toBe(0);
    await lobby.say('one', 'two', 'three');
    expect(lobby.said.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(await HistoryKeeper.last('lobby', 2)).toEqual(['ok', lobby.said.slice(1)]);
    expect(await HistoryKeeper.before('LOBBY', lobby.epoch, 3, 5)).toEqual([
      'ok',
      lobby.said.slice(0, 2),
    ]);
    expect(await HistoryKeeper.since('lobby', lobby.epoch, 1)).toEqual(['ok', lobby.said.slice(1)]);
    expect(await HistoryKeeper.last('elsewhere', 5)).toEqual(['ok', []]);
  });

  it('passes on the history errors: a bad limit, an unknown id', async () => {
    await startKeeper({ historyLength: 10 });
    const lobby = new FakeRoom('lobby');
    await lobby.say('one');
    expect(await HistoryKeeper.last('lobby', 11)).toEqual(['error', 'bad_limit']);
    expect(await HistoryKeeper.before('lobby', lobby.epoch, 2, 1)).toEqual(['error', 'unknown_id']);
    expect(await HistoryKeeper.since('lobby', lobby.epoch, 5)).toEqual(['error', 'unknown_id']);
  });

  it('keeps a room’s history when the room is killed: the next one goes on with no gap', async () => {
    const keeper = await startKeeper();
    const first = new FakeRoom('lobby');
    await first.say('a', 'b', 'c');
    exit(first.pid, 'kill');
    await whenIdle();
    const second = new FakeRoom('lobby');
    expect((await second.attached).lastId).toBe(3);
    await second.say('d', 'e');
    expect(second.said.map((m) => m.id)).toEqual([4, 5]);
    const all = await HistoryKeeper.since('lobby', NO_EPOCH, 0);
    expect(all).toEqual(['ok', [...first.said, ...second.said]]);
    expect(whereis(HISTORY_KEEPER)).toBe(keeper);
  });

  it('keeps ids going when a room is killed in the middle of a stream of lines', async () => {
    await startKeeper({ historyLength: 1000 });
    const first = new FakeRoom('lobby');
    await first.attached;
    await first.say(...Array.from({ length: 100 }, (_, n) => `line ${n}`));
    for (let n = 100; n < 200; n++) send(first.pid, ['ann', `line ${n}`]);
    exit(first.pid, 'kill'); // with the lines still in its mailbox
    await whenIdle();
    const second = new FakeRoom('lobby');
    const { lastId } = await second.attached;
    expect(lastId).toBeGreaterThanOrEqual(100);
    await second.say('after');
    // What the keeper got of the first room is what it said (a line the dead room went on
    // with, its cast dropped, is in `said` but reached nobody), then the second room's line.
    const all = await HistoryKeeper.since('lobby', NO_EPOCH, 0);
    expect(all).toEqual(['ok', [...first.said.slice(0, lastId), ...second.said]]);
    expect(idsOf(all)).toEqual(Array.from({ length: lastId + 1 }, (_, i) => i + 1));
  });

  it('drops the histories written least recently first, past the budget', async () => {
    const one = messageBytes({ epoch: 0, id: 1, timestamp: 0, from: 'ann', text: 'x' });
    await startKeeper({ maxBytes: 4 * one });
    const [a, b, c] = [new FakeRoom('a'), new FakeRoom('b'), new FakeRoom('c')];
    await a.say('x');
    await b.say('x');
    await c.say('x');
    await a.say('x'); // last written: b, c, a
    expect(await HistoryKeeper.usage()).toEqual({ bytes: 4 * one, rooms: ['b', 'c', 'a'] });
    await c.say('x'); // one message too many: b goes
    expect(await HistoryKeeper.usage()).toEqual({ bytes: 4 * one, rooms: ['a', 'c'] });
    // b's room is running: what it said is gone, its ids go on.
    expect(await HistoryKeeper.last('b', 1)).toEqual(['gap', 1, []]);
    await b.say('x'); // a goes, its two messages
    expect(b.said.map((m) => m.id)).toEqual([1, 2]);
    expect(await HistoryKeeper.usage()).toEqual({ bytes: 3 * one, rooms: ['c', 'b'] });
    expect(await HistoryKeeper.since('b', b.epoch, 0)).toEqual(['gap', 1, [b.said[1]]]);
  });

  it('drops the history of a room with no process whole past the budget: its ids start again', async () => {
    const one = messageBytes({ epoch: 0, id: 1, timestamp: 0, from: 'ann', text: 'x' });
    await startKeeper({ maxBytes: 2 * one });
    const gone = new FakeRoom('gone');
    await gone.say('x');
    exit(gone.pid, 'kill');
    await whenIdle();
    const live = new FakeRoom('live');
    await live.say('x', 'x'); // the third message: the oldest written, gone's, goes
    expect(await HistoryKeeper.usage()).toEqual({ bytes: 2 * one, rooms: ['live'] });
    const back = new FakeRoom('gone');
    const { epoch, lastId } = await back.attached;
    expect([lastId, epoch === gone.epoch]).toEqual([0, false]);
    await back.say('y', 'y');
    // A client that saw gone's id 1 is not handed the new id 2: the whole old history is gone.
    expect(await HistoryKeeper.since('gone', gone.epoch, 1)).toEqual(['gap', 'all', back.said]);
  });

  it('drops the history of a room with no process after keepEmptyMs', async () => {
    await startKeeper({ keepEmptyMs: 30 });
    const lobby = new FakeRoom('lobby');
    await lobby.say('a', 'b');
    exit(lobby.pid, 'kill');
    await vi.waitFor(async () => expect((await HistoryKeeper.usage()).rooms).toEqual([]));
    expect(await HistoryKeeper.since('lobby', NO_EPOCH, 0)).toEqual(['ok', []]);
    // A client that saw id 2 is told the whole history it knew is gone.
    expect(await HistoryKeeper.since('lobby', lobby.epoch, 2)).toEqual(['gap', 'all', []]);
    // The room comes back: its ids start again at 1, in a new epoch.
    const next = new FakeRoom('lobby');
    const { epoch, lastId } = await next.attached;
    expect([lastId, epoch === lobby.epoch]).toEqual([0, false]);
    await next.say('c', 'd', 'e');
    expect(next.said.map((m) => m.id)).toEqual([1, 2, 3]);
    // Id 3 of the new numbering is past the old client's 2, but not what it missed.
    expect(await HistoryKeeper.since('lobby', lobby.epoch, 2)).toEqual(['gap', 'all', next.said]);
    expect(await HistoryKeeper.before('lobby', lobby.epoch, 2, 1)).toEqual(['gap', 'all', []]);
    expect(await HistoryKeeper.since('lobby', epoch, 2)).toEqual(['ok', next.said.slice(2)]);
  });

  it('starts every history in a new epoch after a keeper restart: old ids read as all gone', async () => {
    const keeper = await startKeeper();
    const before = new FakeRoom('lobby');
    await before.say('a', 'b');
    exit(keeper, 'kill'); // every history is lost with it
    await whenIdle();
    await startKeeper();
    // The old room process, still running, writes on: the new keeper never had it attach.
    await before.say('lost');
    const after = new FakeRoom('lobby'); // the room, started again, attaches afresh
    const { epoch, lastId } = await after.attached;
    expect([lastId, epoch === before.epoch]).toEqual([0, false]);
    await after.say('x', 'y', 'z');
    expect(await HistoryKeeper.since('lobby', before.epoch, 2)).toEqual(['gap', 'all', after.said]);
    expect(await HistoryKeeper.since('lobby', NO_EPOCH, 0)).toEqual(['ok', after.said]);
  });

  it('keeps the history of a room that comes back before keepEmptyMs', async () => {
    // Long enough that the room surely comes back in time on a busy machine (30 ms did not
    // always: a pause between the kill and the new room's attach dropped the history).
    await startKeeper({ keepEmptyMs: 400 });
    const first = new FakeRoom('lobby');
    await first.say('a');
    exit(first.pid, 'kill');
    await whenIdle();
    const second = new FakeRoom('lobby');
    expect((await second.attached).lastId).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1200)); // three times keepEmptyMs
    expect(idsOf(await HistoryKeeper.since('lobby', NO_EPOCH, 0))).toEqual([1]);
  });

  it('answers a request it cannot read with bad_request, and drops a bad cast or message', async () => {
    const keeper = await startKeeper();
    const lobby = new FakeRoom('lobby');
    await lobby.say('a');
    const bad: unknown[] = [
      'nonsense',
      null,
      ['last'],
      ['last', 42, 1],
      ['last', 'a b', 1],
      ['last', 'lobby', 1, 2],
      ['before', 'lobby', 1, 1],
      ['since', 'lobby', 1],
      ['attach', 'lobby', 'extra'],
      ['frob', 'lobby'],
    ];
    for (const request of bad) {
      expect(await GenServer.call(HISTORY_KEEPER, request)).toEqual(['error', 'bad_request']);
    }
    GenServer.cast(HISTORY_KEEPER, ['append', 'lobby', { id: 'x' }]);
    GenServer.cast(HISTORY_KEEPER, ['append', 'lobby', { id: 2, timestamp: 0, from: 'a' }]);
    GenServer.cast(HISTORY_KEEPER, ['append', 'a b', lobby.said[0]]);
    GenServer.cast(HISTORY_KEEPER, 'nonsense');
    send(keeper, ['expire', 'lobby', 'not a token']);
    send(keeper, { type: 'DOWN' });
    expect(await HistoryKeeper.since('lobby', NO_EPOCH, 0)).toEqual(['ok', lobby.said]);
    expect(await HistoryKeeper.since('lobby', Number.NaN, 1)).toEqual(['error', 'bad_epoch']);
    expect(whereis(HISTORY_KEEPER)).toBe(keeper);
  });

  it('ignores an append from a room that never attached', async () => {
    await startKeeper();
    const message = { epoch: 0, id: 1, timestamp: 0, from: 'ann', text: 'x' };
    GenServer.cast(HISTORY_KEEPER, ['append', 'lobby', message]);
    expect(await HistoryKeeper.last('lobby', 1)).toEqual(['ok', []]);
  });

  it('refuses to start with options it cannot use', async () => {
    for (const options of [{ historyLength: 0 }, { keepEmptyMs: Number.POSITIVE_INFINITY }]) {
      expect(await GenServer.start(HistoryKeeper, options)).toEqual(['error', 'bad_options']);
    }
  });
});
