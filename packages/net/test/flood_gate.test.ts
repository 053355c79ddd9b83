import { describe, expect, it } from 'vitest';
import { FloodGate } from '../src/index.js';

describe('FloodGate', () => {
  it('lets the burst through, warns once, then disconnects', () => {
    const gate = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    const verdicts = Array.from({ length: 5 }, () => gate.check(0));
    expect(verdicts).toEqual(['ok', 'ok', 'ok', 'warn', 'disconnect']);
  });

  it('forgets the warning once the client has calmed down (its bucket full again)', () => {
    const gate = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    for (let i = 0; i < 4; i++) gate.check(0);
    // 3 tokens at 10 a second take 300 ms to come back.
    expect(gate.check(300)).toBe('ok');
    gate.check(300);
    gate.check(300);
    expect(gate.check(300)).toBe('warn');
  });

  it('keeps the warning while the client is still busy, even within the rate', () => {
    const gate = new FloodGate({ ratePerSecond: 10, burst: 3 }, 0);
    for (let i = 0; i < 4; i++) gate.check(0);
    // One token back after 100 ms: allowed, but the bucket is not full, so the next excess
    // disconnects.
    expect(gate.check(100)).toBe('ok');
    expect(gate.check(100)).toBe('disconnect');
  });
});
