import { describe, expect, it } from 'vitest';
import { Timeouts } from '../src/timeouts.ts';

/** Resolves once `count` owners have expired, with the order they expired in. */
function collect(count: number): { timeouts: Timeouts<number>; expired: Promise<number[]> } {
  const order: number[] = [];
  let done: (order: number[]) => void = () => {};
  const expired = new Promise<number[]>((resolve) => {
    done = resolve;
  });
  const timeouts = new Timeouts<number>((owner) => {
    order.push(owner);
    if (order.length === count) done(order);
  });
  return { timeouts, expired };
}

describe('receive timeouts (one timer per duration)', () => {
  it('expires waits of one duration in the order they began, after at least their time', async () => {
    const { timeouts, expired } = collect(3);
    const began = performance.now();
    for (const owner of [1, 2, 3]) timeouts.start(owner, 20);
    expect(await expired).toEqual([1, 2, 3]);
    expect(performance.now() - began).toBeGreaterThanOrEqual(19);
  });

  it('never expires a cancelled wait, and the live ones behind it still expire', async () => {
    const { timeouts, expired } = collect(2);
    const first = timeouts.start(1, 15);
    timeouts.start(2, 15);
    const third = timeouts.start(3, 15);
    timeouts.start(4, 15);
    timeouts.cancel(first);
    timeouts.cancel(third);
    timeouts.cancel(third); // cancelling twice is harmless
    expect(await expired).toEqual([2, 4]);
  });

  it('keeps durations apart: a short wait started later expires first', async () => {
    const { timeouts, expired } = collect(2);
    timeouts.start(1, 40);
    timeouts.start(2, 5);
    expect(await expired).toEqual([2, 1]);
  });

  it('sweeps thousands of cancelled waits without losing the live ones among them', async () => {
    const live = [5000, 12_345];
    const { timeouts, expired } = collect(live.length);
    for (let owner = 0; owner < 20_000; owner++) {
      const deadline = timeouts.start(owner, 25);
      if (!live.includes(owner)) timeouts.cancel(deadline);
    }
    expect(await expired).toEqual(live);
  });

  it('serves a wait started after its lane emptied', async () => {
    const first = collect(1);
    first.timeouts.cancel(first.timeouts.start(1, 10));
    first.timeouts.start(2, 10);
    expect(await first.expired).toEqual([2]);
  });

  it('does not pile up lanes for waits of ever-changing durations', () => {
    const timeouts = new Timeouts<number>(() => {});
    // A deadline counted down: every wait has a new duration and ends before its timeout.
    for (let ms = 10_000; ms < 11_000; ms++) timeouts.cancel(timeouts.start(ms, ms));
    expect(timeouts.laneCount).toBeLessThanOrEqual(16);
  });

  it('holds the event loop open while a wait is live, and lets it go a turn after the last ends', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    await nextTurn(); // lanes the tests above emptied let go of the event loop first
    const before = timers();
    const timeouts = new Timeouts<number>(() => {});
    const first = timeouts.start(1, 60_000);
    expect(timers()).toBe(before + 1);
    // Waits that end and begin again within one turn keep the lane's timer as it is.
    timeouts.cancel(first);
    const second = timeouts.start(2, 60_000);
    timeouts.cancel(second);
    expect(timers()).toBe(before + 1);
    await nextTurn();
    expect(timers()).toBe(before);
    // A new wait in the emptied lane holds the event loop again, until it ends.
    const third = timeouts.start(3, 60_000);
    expect(timers()).toBe(before + 1);
    timeouts.cancel(third);
    await nextTurn();
    expect(timers()).toBe(before);
  });
});
