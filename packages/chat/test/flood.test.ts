import type { PortCodec } from '@otp-chat/otp';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { floodJudged, isFloodNotice } from '../src/index.js';

// The flood rule as a port runs it: each line judged as it is read, and told when flow control
// pauses and resumes the socket (Port calls `paused` and `resumed`; packages/otp tests that).

/** Each chunk is one line. */
const lines: PortCodec<string, string> = (out) => ({ data: (line) => out.push(line) });

/** The codec for one connection, and what it passed on. */
function connection() {
  const passed: unknown[] = [];
  const decoder = floodJudged(lines, { ratePerSecond: 20, burst: 40 })({
    push: (item) => passed.push(item),
    close: () => passed.push('closed'),
  });
  const read = (count: number) => {
    for (let i = 0; i < count; i++) decoder.data(`line ${i}`);
  };
  return { decoder, passed, read };
}

describe('floodJudged and flow control', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['performance'] }));
  afterEach(() => vi.useRealTimers());

  it('an honest client paused 10 s by its connection falling behind is not a flooder', () => {
    const { decoder, passed, read } = connection();
    decoder.paused?.();
    vi.advanceTimersByTime(10_000);
    decoder.resumed?.();
    read(190); // 19 a second for the 10 s paused, read at once
    expect(passed.filter(isFloodNotice)).toEqual([]);
    expect(passed).toHaveLength(190);
  });

  it('a client that sent 600 lines in those 10 s is still a flooder', () => {
    const { decoder, passed, read } = connection();
    decoder.paused?.();
    vi.advanceTimersByTime(10_000);
    decoder.resumed?.();
    read(600);
    // 200 earned while paused and the burst of 40 pass; then a warning, then cut off.
    expect(passed.slice(239)).toEqual(['line 239', ['flood', 'warn'], ['flood', 'disconnect']]);
  });

  it('without a pause, the same 190 lines at once are a flood', () => {
    const { passed, read } = connection();
    vi.advanceTimersByTime(10_000);
    read(190);
    expect(passed.slice(39)).toEqual(['line 39', ['flood', 'warn'], ['flood', 'disconnect']]);
  });
});
