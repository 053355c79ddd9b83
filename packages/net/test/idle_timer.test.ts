import { receive, TIMEOUT } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { IdleTimer } from '../src/index.js';
import { inProcess } from './in_process.js';

/** Waits for the timer's tag, then asks it; the ms waited in all, and the answer. */
async function waitIdle(idle: IdleTimer, within: number): Promise<number | undefined> {
  const started = performance.now();
  for (;;) {
    const message = await receive((m) => m === idle.tag, within);
    if (message === TIMEOUT) return undefined;
    if (idle.expired()) return performance.now() - started;
  }
}

describe('IdleTimer', () => {
  it('fires once the client has been quiet for the time given', async () => {
    const waited = await inProcess(async () => {
      const idle = new IdleTimer(100, 'idle');
      idle.start();
      return waitIdle(idle, 1000);
    });
    expect(waited).toBeGreaterThanOrEqual(99);
  });

  it('counts from the last input: a client that keeps talking is never idle', async () => {
    const waited = await inProcess(async () => {
      const idle = new IdleTimer(100, 'idle');
      idle.start();
      const started = performance.now();
      // Talks every 40 ms for 300 ms, then stops.
      let lastInput = started;
      while (performance.now() - started < 300) {
        idle.touch();
        lastInput = performance.now();
        await receive(() => false, 40);
      }
      const fired = await waitIdle(idle, 1000);
      return fired === undefined ? undefined : performance.now() - lastInput;
    });
    expect(waited).toBeGreaterThanOrEqual(99);
  });

  it('never fires at 0', async () => {
    const waited = await inProcess(async () => {
      const idle = new IdleTimer(0, 'idle');
      idle.start();
      return waitIdle(idle, 200);
    });
    expect(waited).toBeUndefined();
  });
});
