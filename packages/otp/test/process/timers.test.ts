import { describe, expect, it, vi } from 'vitest';
import {
  BadArgError,
  cancelTimer,
  exit,
  receive,
  register,
  self,
  sendAfter,
  spawn,
  TIMEOUT,
} from '../../src/index.ts';
import { exitReason, inProcess } from '../helpers.ts';

describe('timers', () => {
  it('sendAfter delivers the message after the delay, never at once', async () => {
    const got = await inProcess(async () => {
      sendAfter(self(), 'tick', 20);
      const atOnce = await receive(undefined, 0);
      return { atOnce, later: await receive(undefined, 5000) };
    });
    expect(got).toEqual({ atOnce: TIMEOUT, later: 'tick' });
  });

  it('sendAfter to a name looks the name up when the timer fires', async () => {
    sendAfter('registered_late', 'found you', 20);
    const late = spawn(async () => {
      register('registered_late', self());
      exit({ got: await receive() });
    });
    expect(await exitReason(late)).toEqual({ got: 'found you' });
  });

  it('sendAfter to a name nobody has when the timer fires drops the message quietly', async () => {
    sendAfter('nobody_when_it_fires', 'lost', 1);
    const got = await inProcess(() => receive(undefined, 30));
    expect(got).toBe(TIMEOUT);
  });

  it('cancelTimer returns the ms left, and the message never comes', async () => {
    const got = await inProcess(async () => {
      const ref = sendAfter(self(), 'cancelled', 1000);
      const left = cancelTimer(ref);
      return { left, message: await receive(undefined, 1100) };
    });
    expect(typeof got.left).toBe('number');
    expect(got.left).toBeGreaterThan(0);
    expect(got.left).toBeLessThanOrEqual(1000);
    expect(got.message).toBe(TIMEOUT);
  });

  it('cancelTimer returns false for a timer that fired or was cancelled', async () => {
    const got = await inProcess(async () => {
      const fired = sendAfter(self(), 'fired', 1);
      await receive('fired');
      const cancelled = sendAfter(self(), 'x', 1000);
      cancelTimer(cancelled);
      return [cancelTimer(fired), cancelTimer(cancelled)];
    });
    expect(got).toEqual([false, false]);
  });

  it('sendAfter rejects a negative, NaN or infinite delay', () => {
    for (const ms of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sendAfter(self(), 'x', ms)).toThrow(BadArgError);
    }
  });

  it('a timer aimed at a pid is cancelled when that process exits', async () => {
    const target = spawn(() => receive());
    const ref = sendAfter(target, 'too late', 1000);
    exit(target, 'kill');
    // The timer is gone at once: nothing is left to cancel, and nothing keeps Node waiting.
    expect(cancelTimer(ref)).toBe(false);
  });

  it('a timer aimed at a dead pid never fires and has nothing to cancel', () => {
    const dead = spawn(() => undefined);
    exit(dead, 'kill');
    expect(cancelTimer(sendAfter(dead, 'nobody', 10))).toBe(false);
  });

  it('timers of one delay fire in the order set, those cancelled or of dead processes left out', async () => {
    const got = await inProcess(async () => {
      const me = self();
      const other = spawn(() => receive());
      const refs = ['a', 'b', 'c', 'd'].map((tag) => sendAfter(me, tag, 20));
      sendAfter(other, 'for the dead', 20);
      sendAfter(me, 'sooner', 5);
      cancelTimer(refs[1]!);
      exit(other, 'kill');
      const seen: unknown[] = [];
      for (let i = 0; i < 4; i++) seen.push(await receive(undefined, 5000));
      // One set once the delay's queue is empty (and let go of): a queue is made again.
      sendAfter(me, 'again', 20);
      seen.push(await receive(undefined, 5000));
      return seen;
    });
    expect(got).toEqual(['sooner', 'a', 'c', 'd', 'again']);
  });

  it('a delay is whole milliseconds, rounded up: a fraction shares the queue of its ceiling', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const before = vi.getTimerCount();
      const refs = [sendAfter(self(), 'a', 30_000), sendAfter(self(), 'b', 29_999.2)];
      expect(vi.getTimerCount() - before).toBe(1);
      expect(cancelTimer(refs[1]!)).toBeGreaterThanOrEqual(29_999);
      cancelTimer(refs[0]!);
    } finally {
      vi.useRealTimers();
    }
  });

  it('a delay longer than a Node timer holds waits in steps of the longest, never 1 ms', () => {
    const setTimer = vi.spyOn(globalThis, 'setTimeout');
    try {
      const ref = sendAfter(self(), 'late', 3e9);
      expect(setTimer.mock.calls.map((call) => call[1])).toEqual([2 ** 31 - 1]);
      expect(cancelTimer(ref)).toBeGreaterThan(2 ** 31);
    } finally {
      setTimer.mockRestore();
    }
  });

  it('a cancelled first timer of a queue does not hold back the next one', async () => {
    const got = await inProcess(async () => {
      const me = self();
      const first = sendAfter(me, 'first', 30);
      await new Promise((resolve) => setTimeout(resolve, 10));
      sendAfter(me, 'second', 30);
      cancelTimer(first);
      return receive(undefined, 5000);
    });
    expect(got).toBe('second');
  });

  it('timers of one delay share one Node timer, let go of when the last is cancelled', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const before = vi.getTimerCount();
      const refs = Array.from({ length: 100 }, () => sendAfter(self(), 'tick', 30_000));
      const other = sendAfter(self(), 'tock', 60_000);
      expect(vi.getTimerCount() - before).toBe(2);
      for (const ref of refs.slice(1)) cancelTimer(ref);
      expect(vi.getTimerCount() - before).toBe(2);
      cancelTimer(refs[0]!);
      cancelTimer(other);
      expect(vi.getTimerCount() - before).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
