import { type Pid, Process } from '@otp-chat/otp';

// What the flow-control tests share (the `web-flow-control` feature, step 5's telnet flood):
// they flood one connection and watch its mailbox and the heap from inside the server's
// process, which is the test's own when chatFixture starts the server.

/**
 * Samples `pid`'s mailbox length and the heap on every turn of the event loop; the function it
 * returns stops sampling and gives the largest queue seen and how much the heap grew.
 */
export function floodSampler(pid: Pid): () => { maxQueue: number; heapGrowth: number } {
  const heapBefore = process.memoryUsage().heapUsed;
  let maxQueue = 0;
  let maxHeap = heapBefore;
  let running = true;
  const sample = () => {
    maxQueue = Math.max(maxQueue, Process.info(pid)?.messageQueueLength ?? 0);
    maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
    if (running) setImmediate(sample);
  };
  sample();
  return () => {
    running = false;
    return { maxQueue, heapGrowth: maxHeap - heapBefore };
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
