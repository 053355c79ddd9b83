import { describe, expect, it } from 'vitest';
import { FloodGate } from '../src/index.js';

/** The verdicts for `count` events at time `at`. */
function verdicts(gate: FloodGate, count: number, at: number): string[] {
  return Array.from({ length: count }, () => gate.check(at));
}

describe('FloodGate', () => {
  it('lets a burst through, warns at the first event over it, disconnects at the next', () => {
    const gate = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    expect(verdicts(gate, 5, 0)).toEqual(['ok', 'ok', 'ok', 'warn', 'disconnect']);
  });

  it('lets events within the rate through after a warning without disconnecting', () => {
    const gate = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    verdicts(gate, 4, 0);
    // One token every 100 ms: one event every 100 ms is within the rate.
    expect([gate.check(100), gate.check(200), gate.check(300)]).toEqual(['ok', 'ok', 'ok']);
  });

  it('keeps the warning until the bucket is full again, then warns afresh', () => {
    const gate = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    verdicts(gate, 4, 0);
    // 200 ms later two tokens are back, not three: still warned, so over the rate disconnects.
    expect(verdicts(gate, 3, 200)).toEqual(['ok', 'ok', 'disconnect']);
    const calm = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    verdicts(calm, 4, 0);
    // 300 ms later the bucket is full: the client calmed down, and gets a new warning.
    expect(verdicts(calm, 4, 300)).toEqual(['ok', 'ok', 'ok', 'warn']);
  });

  it('does not take a client the server stopped reading for a flooder, but still a flooder', () => {
    // 19 lines a second, under the rate of 20, while the server did not read for 10 s: the
    // 190 lines waiting arrive at once when it reads again.
    const honest = new FloodGate({ ratePerSecond: 20, burst: 40 }, 0);
    honest.pause(0);
    honest.resume(10_000);
    expect(verdicts(honest, 190, 10_000).filter((v) => v !== 'ok')).toEqual([]);
    // 600 lines in the same 10 s is three times the rate: cut off past rate x time + burst.
    const flooder = new FloodGate({ ratePerSecond: 20, burst: 40 }, 0);
    flooder.pause(0);
    flooder.resume(10_000);
    const judged = verdicts(flooder, 600, 10_000);
    expect(judged.indexOf('warn')).toBe(240);
    expect(judged[241]).toBe('disconnect');
  });

  it('tells its rate, for the warning text', () => {
    expect(new FloodGate({ ratePerSecond: 20, burst: 40 }).ratePerSecond).toBe(20);
  });
});
