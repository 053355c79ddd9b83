/**
 * receiveNow: the oldest message without an await, while the time slice lasts. What it takes a
 * loop of receive() would have taken, in the same order; what it leaves stays in the mailbox.
 */
import { describe, expect, it } from 'vitest';
import { NOT_NOW, Process, receive, receiveNow, self, send, spawn } from '../../src/index.ts';
import { deferred, inProcess, mailboxContents } from '../helpers.ts';

describe('receiveNow', () => {
  it('takes the oldest message, and NOT_NOW once the mailbox is empty', async () => {
    const got = await inProcess(() => {
      for (const n of [1, 2]) send(self(), n);
      return [receiveNow(), receiveNow(), receiveNow()];
    });
    expect(got).toEqual([1, 2, NOT_NOW]);
  });

  it('leaves the rest in the mailbox, where others see them', async () => {
    const got = await inProcess(async () => {
      for (const n of [1, 2, 3]) send(self(), n);
      const first = receiveNow();
      const queued = Process.messageQueueLength(self());
      return { first, queued, rest: await mailboxContents() };
    });
    expect(got).toEqual({ first: 1, queued: 2, rest: [2, 3] });
  });

  it('after one await, a queue is handled with no microtask between two messages', async () => {
    // A microtask queued while the first message is handled runs only after the last.
    const seenByMicrotask = deferred<number>();
    const drainer = spawn(async () => {
      let handled = 0;
      let message = await receive();
      do {
        if (++handled === 1) queueMicrotask(() => seenByMicrotask.resolve(handled));
      } while ((message = receiveNow()) !== NOT_NOW);
    });
    for (let n = 0; n < 100; n++) send(drainer, n);
    expect(await seenByMicrotask.promise).toBe(100);
  });

  it('says NOT_NOW once the time slice is spent, and receive() then hands over what waits', async () => {
    const backlog = 200_000;
    const done = deferred<{ handled: number; awaits: number; immediate: number }>();
    let handled = 0;
    let immediate = -1;
    const drainer = spawn(async () => {
      let awaits = 0;
      for (;;) {
        awaits++;
        let message = await receive();
        do {
          if (++handled === backlog) return done.resolve({ handled, awaits, immediate });
        } while ((message = receiveNow()) !== NOT_NOW);
      }
    });
    for (let i = 0; i < backlog; i++) send(drainer, i);
    setImmediate(() => (immediate = handled));
    const got = await done.promise;
    // The event loop ran before the queue was drained: the slice ended, and nothing was lost.
    expect(got.handled).toBe(backlog);
    expect(got.immediate).toBeGreaterThan(0);
    expect(got.immediate).toBeLessThan(backlog);
    expect(got.awaits).toBeGreaterThan(1);
    expect(got.awaits).toBeLessThan(backlog / 100);
  });
});
