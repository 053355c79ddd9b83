import { describe, expect, it } from 'vitest';
import { type HistoryMessage, messageBytes, RoomHistory } from '../src/index.js';

/** The epoch of the histories these tests make, so that they can name their messages. */
const EPOCH = 7;

/** A history of `max` where `count` messages were said, the nth by 'ann' saying `m<n>`. */
function historyWith(count: number, max = 5): RoomHistory {
  const history = new RoomHistory({ max, epoch: EPOCH });
  for (let n = 1; n <= count; n++) history.append({ from: 'ann', text: `m${n}` }, 1000 + n);
  return history;
}

function ids(result: ReturnType<RoomHistory['last']>): number[] | undefined {
  if (result[0] === 'ok') return result[1].map((m) => m.id);
  if (result[0] === 'gap') return result[2].map((m) => m.id);
  return undefined;
}

describe('RoomHistory', () => {
  it('numbers messages from 1, one by one, with the timestamp given or the clock', () => {
    const history = new RoomHistory();
    const first = history.append({ from: 'ann', text: 'hi' }, 42);
    expect(first).toEqual({ epoch: history.epoch, id: 1, timestamp: 42, from: 'ann', text: 'hi' });
    const before = Date.now();
    const second = history.append({ from: 'bob', text: 'hello' });
    expect(second.id).toBe(2);
    expect(second.timestamp).toBeGreaterThanOrEqual(before);
    expect(history.lastId).toBe(2);
    expect(Object.isFrozen(second)).toBe(true);
  });

  it('keeps the last max messages in order as the ring wraps around, many times over', () => {
    const history = historyWith(23, 5);
    expect(history.size).toBe(5);
    expect(history.lastId).toBe(23);
    const [status, messages] = history.last(5);
    expect(status).toBe('ok');
    expect(messages).toMatchObject([19, 20, 21, 22, 23].map((id) => ({ id, text: `m${id}` })));
  });

  it('answers last(k) with the newest k, or all there are in a young room', () => {
    expect(ids(historyWith(8).last(2))).toEqual([7, 8]);
    expect(historyWith(3).last(5)).toEqual(['ok', historyWith(3).last(3)[1]]);
    expect(ids(historyWith(3).last(5))).toEqual([1, 2, 3]);
    expect(new RoomHistory().last(10)).toEqual(['ok', []]);
  });

  it('pages backwards with before(id, k), down to the first message', () => {
    const history = historyWith(10, 10);
    expect(ids(history.before(EPOCH, 8, 3))).toEqual([5, 6, 7]);
    expect(ids(history.before(EPOCH, 3, 5))).toEqual([1, 2]);
    expect(history.before(EPOCH, 1, 5)).toEqual(['ok', []]);
  });

  it('catches up with since(id): every message after it, none after the last', () => {
    const history = historyWith(7, 10);
    expect(ids(history.since(EPOCH, 4))).toEqual([5, 6, 7]);
    expect(ids(history.since(EPOCH, 0))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(history.since(EPOCH, 7)).toEqual(['ok', []]);
  });

  it('answers a gap when some of what is asked for is no longer kept', () => {
    const history = historyWith(12, 5); // keeps 8..12
    const since = history.since(EPOCH, 3);
    expect(since[0]).toBe('gap');
    expect(since[1]).toBe(4); // 4, 5, 6, 7
    expect(ids(since)).toEqual([8, 9, 10, 11, 12]);
    const before = history.before(EPOCH, 10, 4); // 6..9
    expect([before[0], before[1], ids(before)]).toEqual(['gap', 2, [8, 9]]);
    expect(history.before(EPOCH, 6, 3)).toEqual(['gap', 3, []]);
  });

  it('forgets what it keeps and numbers on, so what was forgotten is a gap', () => {
    const history = historyWith(4, 5);
    history.forget();
    expect(history.bytes).toBe(0);
    expect(history.last(2)).toEqual(['gap', 2, []]);
    expect(history.append({ from: 'ann', text: 'again' }).id).toBe(5);
    expect(history.since(EPOCH, 3)).toMatchObject(['gap', 1, [{ id: 5 }]]);
  });

  it('starts numbering after lastId', () => {
    const history = new RoomHistory({ lastId: 41, epoch: EPOCH });
    expect(history.append({ from: 'ann', text: 'x' }).id).toBe(42);
    expect(history.since(EPOCH, 40)).toMatchObject(['gap', 1, [{ id: 42 }]]);
  });

  it('stores a message numbered elsewhere: the next id, a jump (a gap), never an old id', () => {
    const history = historyWith(3, 5);
    const at = (id: number): HistoryMessage => ({
      epoch: EPOCH,
      id,
      timestamp: 1,
      from: 'bob',
      text: 'x',
    });
    expect(history.store(at(4))).toBe(true);
    expect(history.store(at(4))).toBe(false);
    expect(history.store(at(2))).toBe(false);
    expect(history.store(at(7))).toBe(true);
    expect(history.lastId).toBe(7);
    expect(history.since(EPOCH, 3)).toMatchObject(['gap', 3, [{ id: 7 }]]);
  });

  it('refuses a limit that is not a whole number from 1 to max', () => {
    const history = historyWith(3, 5);
    for (const k of [0, -1, 6, 1.5, Number.NaN, '2' as unknown as number]) {
      expect(history.last(k)).toEqual(['error', 'bad_limit']);
      expect(history.before(EPOCH, 2, k)).toEqual(['error', 'bad_limit']);
    }
    expect(ids(history.last(5))).toEqual([1, 2, 3]);
  });

  it('refuses an id never issued: in the future, below 1, not whole', () => {
    const history = historyWith(3, 5);
    for (const id of [4, 0, -1, 2.5, Number.NaN, '1' as unknown as number]) {
      expect(history.before(EPOCH, id, 1)).toEqual(['error', 'unknown_id']);
    }
    for (const id of [4, -1, 1.5])
      expect(history.since(EPOCH, id)).toEqual(['error', 'unknown_id']);
  });

  it('counts the bytes it keeps, those of overwritten messages taken off', () => {
    const history = historyWith(5, 5);
    const kept = (history.last(5)[1] as HistoryMessage[]).reduce((n, m) => n + messageBytes(m), 0);
    expect(history.bytes).toBe(kept);
    history.append({ from: 'ann', text: 'x'.repeat(1000) });
    const after = (history.last(5)[1] as HistoryMessage[]).reduce((n, m) => n + messageBytes(m), 0);
    expect(history.bytes).toBe(after);
  });

  it('estimates two bytes a character for text beyond Latin-1, one for Latin-1', () => {
    const message = (text: string): HistoryMessage => ({
      epoch: EPOCH,
      id: 1,
      timestamp: 1,
      from: 'a',
      text,
    });
    const latin1 = messageBytes(message('é'.repeat(100)));
    expect(messageBytes(message('ж'.repeat(100))) - latin1).toBe(100);
    expect(messageBytes(message('😀'.repeat(50))) - latin1).toBe(100);
  });

  it('refuses a max that is not a whole number above 0, an epoch that is not whole', () => {
    expect(() => new RoomHistory({ max: 0 })).toThrow(RangeError);
    expect(() => new RoomHistory({ max: 2.5 })).toThrow(RangeError);
    expect(() => new RoomHistory({ epoch: 0.5 })).toThrow(RangeError);
  });

  it('stamps every message with its epoch; each new history draws another', () => {
    const history = new RoomHistory();
    expect(Number.isSafeInteger(history.epoch)).toBe(true);
    expect(history.append({ from: 'ann', text: 'x' }).epoch).toBe(history.epoch);
    const epochs = new Set(Array.from({ length: 1000 }, () => new RoomHistory().epoch));
    expect(epochs.size).toBe(1000);
  });

  it('answers since(another epoch, id) with a gap of all and its own messages, never by id', () => {
    const old = historyWith(40, 100);
    const renewed = new RoomHistory({ max: 100, epoch: EPOCH + 1 });
    for (let n = 1; n <= 45; n++) renewed.append({ from: 'bob', text: `new ${n}` });
    // A client saw id 40 of the old numbering: id 41 of the new one is not what it missed.
    const caughtUp = renewed.since(old.epoch, 40);
    expect(caughtUp).toEqual(['gap', 'all', (renewed.last(45) as ['ok', HistoryMessage[]])[1]]);
    // Nor is there a page above an old message, even one whose id the new numbering has.
    expect(renewed.before(old.epoch, 40, 5)).toEqual(['gap', 'all', []]);
    // Id 0 (nothing seen) names no message: any epoch reads the same.
    expect(renewed.since(old.epoch, 0)).toEqual(renewed.since(renewed.epoch, 0));
  });

  it('refuses a bad epoch or id in any epoch, and stores no message of another epoch', () => {
    const history = historyWith(3, 5);
    for (const epoch of [1.5, Number.NaN, '7' as unknown as number]) {
      expect(history.since(epoch, 1)).toEqual(['error', 'bad_epoch']);
      expect(history.before(epoch, 2, 1)).toEqual(['error', 'bad_epoch']);
    }
    const stranger = new RoomHistory({ epoch: EPOCH + 1 }).append({ from: 'bob', text: 'x' });
    const fourth = { ...stranger, id: 4 };
    expect(history.store(fourth)).toBe(false);
    expect(history.lastId).toBe(3);
    // An id that no numbering issues is refused whatever the epoch.
    for (const id of [-1, 1.5]) {
      expect(history.since(EPOCH + 1, id)).toEqual(['error', 'unknown_id']);
      expect(history.before(EPOCH + 1, id, 1)).toEqual(['error', 'unknown_id']);
    }
  });
});
