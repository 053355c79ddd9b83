import { describe, expect, it } from 'vitest';
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
});
