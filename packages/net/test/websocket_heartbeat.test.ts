import { receive, TIMEOUT } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { HEARTBEAT, WebSocketHeartbeat } from '../src/index.js';
import { inProcess } from './in_process.js';

/** A peer that counts the pings it is sent. */
function peer() {
  return {
    pings: 0,
    ping() {
      this.pings++;
    },
  };
}

const nextBeat = (within: number) => receive((m) => m === HEARTBEAT, within);

describe('WebSocketHeartbeat', () => {
  it('pings every interval while the peer answers', async () => {
    const ws = peer();
    const verdicts = await inProcess(async () => {
      const heartbeat = new WebSocketHeartbeat(ws, 20);
      heartbeat.start();
      const seen = [];
      for (let beat = 0; beat < 3; beat++) {
        expect(await nextBeat(1000)).toBe(HEARTBEAT);
        seen.push(heartbeat.beat());
        heartbeat.pong();
      }
      heartbeat.stop();
      return seen;
    });
    expect(verdicts).toEqual([true, true, true]);
    expect(ws.pings).toBe(3);
  });

  it('gives up on a peer that left a ping unanswered until the next was due, and pings no more', async () => {
    const ws = peer();
    const verdicts = await inProcess(async () => {
      const heartbeat = new WebSocketHeartbeat(ws, 20);
      heartbeat.start();
      await nextBeat(1000);
      const first = heartbeat.beat();
      await nextBeat(1000);
      const second = heartbeat.beat();
      // No timer is left: nothing comes after the verdict.
      return [first, second, await nextBeat(100)];
    });
    expect(verdicts).toEqual([true, false, TIMEOUT]);
    expect(ws.pings).toBe(1);
  });

  it('sends nothing once stopped', async () => {
    const ws = peer();
    const after = await inProcess(async () => {
      const heartbeat = new WebSocketHeartbeat(ws, 20);
      heartbeat.start();
      heartbeat.stop();
      return nextBeat(100);
    });
    expect(after).toBe(TIMEOUT);
    expect(ws.pings).toBe(0);
  });
});
