import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { loop } from '@otp-chat/01-list-state-loop';
import { type Pid, receive, self, send, spawn, spawnMonitor, TIMEOUT } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';

// Measuring memory needs a full garbage collection before each reading. Vitest runs each test
// file in its own worker process, so turning on `gc` here affects this file only.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

const MB = 1024 * 1024;
const BATCH = 10_000;

/**
 * Sends `count` get requests to `room`, in batches, each batch closed by a get from the test
 * whose reply says the room has handled everything before it. The other replies go to a process
 * that has already exited, so they vanish: only the room itself could hold on to memory.
 */
async function flood(room: Pid, count: number): Promise<void> {
  const [gone] = spawnMonitor(() => {});
  await receive({ type: 'DOWN', pid: gone }, 5000);
  for (let sent = 0; sent < count; sent += BATCH) {
    for (let i = 0; i < BATCH; i++) send(room, ['get', gone]);
    send(room, ['get', self()]);
    const reply = await receive(Array.isArray, 30_000);
    if (reply === TIMEOUT) throw new Error(`${room} stopped answering after ${sent} requests`);
  }
}

/** How much the heap grows while `room` handles `count` requests. */
async function growthOver(room: Pid, count: number): Promise<number> {
  await flood(room, BATCH); // warm up: code compiled, pools allocated
  const before = heapUsed();
  await flood(room, count);
  return heapUsed() - before;
}

/** The version the chapter warns about: each request adds one more pending promise. */
async function recursiveLoop(messages: readonly string[] = []): Promise<never> {
  const request = (await receive()) as readonly [string, Pid];
  if (request[0] === 'get') send(request[1], messages);
  return recursiveLoop(messages);
}

describe('memory', () => {
  it('stays flat while the loop handles 1,000,000 requests', async () => {
    const growth = await growthOver(
      spawn(() => loop()),
      1_000_000,
    );
    expect(growth).toBeLessThan(4 * MB);
  }, 120_000);

  it('grows with every request when the loop recurses instead (so the check above can fail)', async () => {
    // About 450 bytes per request on Node 20, 95 on Node 24. Over a tenth of the requests above
    // it must already use up their whole 4 MB allowance: ten times what the check above allows.
    const growth = await growthOver(
      spawn(() => recursiveLoop()),
      100_000,
    );
    expect(growth).toBeGreaterThan(4 * MB);
  }, 120_000);
});
