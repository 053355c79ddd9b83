import { once } from 'node:events';
import { connect, createServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { openSocketPort, telnetLines } from '@otp-chat/net';
import { Port, type PortCodec, type PortMessage, receive, spawn, TIMEOUT } from '@otp-chat/otp';
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

describe('floodJudged over real sockets', () => {
  /**
   * A client sending `count` lines, one every `everyMs`, to a connection process that reads one
   * line, then nothing for 2.5 s (behind: its socket is paused), then everything: what it got.
   */
  async function behindConnection(count: number, everyMs: number): Promise<unknown[]> {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    const [socket] = await accepted;
    const got = new Promise<unknown[]>((resolve) => {
      spawn(async () => {
        const codec = floodJudged(telnetLines(), { ratePerSecond: 20, burst: 5 });
        const port = openSocketPort(socket, { active: 1, codec });
        await sleep(2500);
        Port.setActive(port, true);
        const data: unknown[] = [];
        for (;;) {
          const message = (await receive(undefined, 500)) as PortMessage | typeof TIMEOUT;
          if (message === TIMEOUT || message.type === 'closed') break;
          if (message.type === 'data') data.push(message.data);
        }
        resolve(data);
      });
    });
    for (let i = 0; i < count && !client.destroyed; i++) {
      client.write(`line ${i}\n`);
      await sleep(everyMs);
    }
    const data = await got;
    client.destroy();
    server.close();
    return data;
  }

  it('lines sent within the rate while the connection was behind are all read, none a flood', async () => {
    // 10 a second for 2 s, under the rate of 20, but 4 times the burst of 5 at once on resume.
    const got = await behindConnection(20, 100);
    expect(got.filter(isFloodNotice)).toEqual([]);
    expect(got).toHaveLength(20);
  });

  it('a client over the rate meanwhile is still cut off', async () => {
    // 50 a second for 2 s: past 20 a second for the 2.5 s paused and the burst.
    const got = await behindConnection(100, 20);
    expect(got.filter(isFloodNotice)).toEqual([
      ['flood', 'warn'],
      ['flood', 'disconnect'],
    ]);
    expect(got.length).toBeLessThan(70);
  });
});
