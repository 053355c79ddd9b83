import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type Pid, Process } from '@otp-chat/otp';

// What the flow-control tests share (the `web-flow-control` feature, step 5's telnet flood):
// they flood one connection and watch its mailbox and the memory from inside the server's
// process, which is the test's own when chatFixture starts the server.

/** How often the memory is measured: each measure is a full garbage collection first. */
const MEMORY_SAMPLE_MS = 25;

/**
 * The runtime's `gc()`, exposed on demand: the test runner's process was not started with
 * --expose-gc, and what a flood leaves held must be told apart from garbage not yet collected
 * (on a loaded machine the collector runs late, and the heap's peak counted tens of MB of it).
 */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

/** What the process holds: live JavaScript objects, and buffers read from sockets. */
function memoryHeld(gc: () => void): number {
  gc();
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
}

/**
 * Samples `pid`'s mailbox length on every turn of the event loop, and what the process holds
 * after a full collection every MEMORY_SAMPLE_MS; the function it returns stops sampling and
 * gives the largest queue seen and how much more memory was held at the most than before.
 */
export function floodSampler(pid: Pid): () => { maxQueue: number; heapGrowth: number } {
  const gc = collector();
  const heldBefore = memoryHeld(gc);
  let maxQueue = 0;
  let maxHeld = heldBefore;
  let running = true;
  const sampleQueue = () => {
    maxQueue = Math.max(maxQueue, Process.info(pid)?.messageQueueLength ?? 0);
    if (running) setImmediate(sampleQueue);
  };
  const sampleMemory = setInterval(() => {
    maxHeld = Math.max(maxHeld, memoryHeld(gc));
  }, MEMORY_SAMPLE_MS);
  sampleQueue();
  return () => {
    running = false;
    clearInterval(sampleMemory);
    maxHeld = Math.max(maxHeld, memoryHeld(gc));
    return { maxQueue, heapGrowth: maxHeld - heldBefore };
  };
}

/**
 * A room that takes 300 ms to answer a join: while a connection waits for it, that
 * connection's inputs pile up in its mailbox, as many as flow control lets in.
 */
export const SlowRoom = {
  name: 'SlowRoom',
  init: () => ['ok', null] as const,
  async handleCall(_request: unknown, _from: unknown, state: null) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return ['reply', ['ok', 'slow', ['flooder']], state] as const;
  },
  handleCast: (_request: unknown, state: null) => ['noreply', state] as const,
};
