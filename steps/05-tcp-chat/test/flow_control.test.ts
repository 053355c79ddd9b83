/**
 * Flow control and the flood rule under a real flood: a client writes 12 MB of short lines in
 * one burst, with 3,000 rooms open and a /rooms first. Its connection's mailbox never holds
 * more than N inputs (the port pauses the socket), the server's heap stays put, the flood rule
 * cuts the client off on arrival, and two other users go on chatting without noticeable delay.
 */
import { ChatServer, REGISTRY, userPid } from '@otp-chat/05-tcp-chat';
import { GenServer, type Pid, Process, Registry } from '@otp-chat/otp';
import { describe, expect, it } from 'vitest';
import { chatFixture } from './helpers.ts';

const chat = chatFixture();
const N = 32;
const MB = 1024 * 1024;

/** Samples `pid`'s mailbox and the heap on every turn of the event loop until stopped. */
function sampler(pid: Pid) {
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
  return {
    stop: () => {
      running = false;
      return { maxQueue, heapGrowth: maxHeap - heapBefore };
    },
  };
}

/**
 * A room that takes its time to answer a join: while the flooder's connection waits for it,
 * the lines pile up in its mailbox, as many as flow control lets in.
 */
const SlowRoom = {
  name: 'SlowRoom',
  init: () => ['ok', null] as const,
  async handleCall(_request: unknown, _from: unknown, state: null) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return ['reply', ['ok', 'slow', ['flooder']], state] as const;
  },
  handleCast: (_request: unknown, state: null) => ['noreply', state] as const,
};

describe('a flood of 12 MB of short lines', () => {
  it('is held at the socket and cut off, while others chat on', { timeout: 60_000 }, async () => {
    await chat.start({ maxUnreadInputs: N });
    for (let i = 0; i < 3000; i++) await ChatServer.createRoom(`room${i}`);
    const alice = await chat.login('alice');
    const bob = await chat.login('bob');
    alice.send('/join quiet');
    await alice.expect(/^You joined quiet/);
    bob.send('/join quiet');
    await bob.expect(/^You joined quiet/);
    const listing = { id: 'slow', userCount: 1 };
    await GenServer.start(SlowRoom, undefined, { name: Registry.via(REGISTRY, 'slow', listing) });
    const flooder = await chat.login('flooder');
    const samples = sampler(userPid('flooder')!);

    const line = 'spam spam spam spam\n';
    flooder.write(
      Buffer.from(`/rooms\n/join slow\n${line.repeat(Math.ceil((12 * MB) / line.length))}`),
    );
    // The listing comes first: 3,000 rooms in one line, read from the registry at once.
    const rooms = await flooder.expect(/^Rooms: /, 10_000);
    expect(rooms.split(', ')).toHaveLength(3000 + 3);
    const cutOff = flooder.expect('error: still too many lines; disconnecting.', 10_000);

    const delays: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = performance.now();
      alice.send(`ping ${i}`);
      await bob.expect(`[quiet] alice: ping ${i}`);
      delays.push(performance.now() - sent);
    }
    await cutOff;
    await flooder.closed;
    const { maxQueue, heapGrowth } = samples.stop();
    const maxDelay = Math.max(...delays);
    console.info(
      `telnet flood: mailbox at most ${maxQueue} (N = ${N}), heap +${(heapGrowth / MB).toFixed(1)} MB, ` +
        `others' delay at most ${maxDelay.toFixed(0)} ms`,
    );

    // While it waited for the slow room the lines piled up to N at most (plus the port's
    // notice that it paused): the rest waited in the kernel's buffers, or was judged and dropped.
    expect(maxQueue).toBeGreaterThan(N / 2);
    expect(maxQueue).toBeLessThanOrEqual(N + 1);
    expect(heapGrowth).toBeLessThan(50 * MB);
    expect(maxDelay).toBeLessThan(1000);
  });
});
