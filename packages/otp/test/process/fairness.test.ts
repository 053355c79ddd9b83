import { readFile } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  exit,
  GenServer,
  type Pid,
  receive,
  receiveEach,
  receiveMany,
  self,
  send,
  spawn,
} from '../../src/index.ts';
import { deferred } from '../helpers.ts';

/** When each callback ran, counted in messages the flood had handled by then. */
type Seen = { timer?: number; immediate?: number; io?: number };

/** Registers a timer, an immediate and a file read; each notes the flood's count when it runs. */
function watchEventLoop(seen: Seen, count: () => number): void {
  setTimeout(() => (seen.timer = count()), 5);
  setImmediate(() => (seen.immediate = count()));
  readFile(fileURLToPath(import.meta.url), () => (seen.io = count()));
}

const allSeen = (seen: Seen) =>
  seen.timer !== undefined && seen.immediate !== undefined && seen.io !== undefined;

describe('fairness', () => {
  it('a ping-pong flood never starves timers, immediates or I/O', async () => {
    const limit = 1_000_000;
    const start = 10_000;
    const seen: Seen = {};
    let exchanged = 0;
    const done = deferred<number>();
    // Two processes bounce a counter. Once it reaches `start`, the event-loop callbacks are
    // registered; the flood goes on until they have all run, or until `limit` if they never do.
    const bounce = async () => {
      for (;;) {
        const [peer, n] = (await receive()) as [Pid, number];
        exchanged = n;
        if (n === start) watchEventLoop(seen, () => exchanged);
        if (n >= limit || (n > start && allSeen(seen))) return done.resolve(n);
        send(peer, [self(), n + 1]);
      }
    };
    const a = spawn(bounce);
    const b = spawn(bounce);
    send(a, [b, 0]);
    const stoppedAt = await done.promise;
    exit(a, 'kill');
    exit(b, 'kill');
    // Every callback ran while the flood was still going, well before its bound.
    expect(seen).toEqual({
      timer: expect.any(Number),
      immediate: expect.any(Number),
      io: expect.any(Number),
    });
    expect(stoppedAt).toBeLessThan(limit);
    for (const at of Object.values(seen)) expect(at).toBeGreaterThanOrEqual(start);
  });

  it('a process draining a long mailbox lets the event loop run in between', async () => {
    const backlog = 200_000;
    const seen: Seen = {};
    let handled = 0;
    const done = deferred<number>();
    const drainer = spawn(async () => {
      for (;;) {
        await receive();
        if (++handled === backlog) return done.resolve(handled);
      }
    });
    for (let i = 0; i < backlog; i++) send(drainer, i);
    watchEventLoop(seen, () => handled);
    await done.promise;
    // Run before the mailbox was drained: the drainer yielded to the event loop on the way.
    expect(seen.immediate).toBeLessThan(backlog);
    expect(seen.immediate).toBeGreaterThan(0);
  });

  it('a process draining a long mailbox with receiveMany lets the event loop run in between', async () => {
    // A batch counts as that many receives: taking a thousand at a time must not skip the slice.
    const backlog = 200_000;
    const seen: Seen = {};
    let handled = 0;
    const done = deferred<number>();
    const drainer = spawn(async () => {
      for (;;) {
        for (const _message of await receiveMany()) {
          if (++handled === backlog) return done.resolve(handled);
        }
        // Watch from the first batch on: the slice the sends spent may defer that very batch.
        if (handled === 1000) watchEventLoop(seen, () => handled);
      }
    });
    for (let i = 0; i < backlog; i++) send(drainer, i);
    await done.promise;
    // Run before the mailbox was drained: the drainer yielded to the event loop on the way.
    expect(seen.immediate).toBeLessThan(backlog);
    expect(seen.immediate).toBeGreaterThanOrEqual(1000);
  });

  it('a GenServer working through a backlog of casts lets the event loop run in between', async () => {
    // The server takes queued messages without an await while its time slice lasts: the slice
    // must still end, and a kill between two messages must still stop it there.
    const backlog = 200_000;
    const seen: Seen = {};
    let handled = 0;
    let killedAt: number | undefined;
    const done = deferred<number>();
    const Counter = {
      init: () => ['ok', null] as const,
      handleCast: (_bump: 'bump', state: null) => {
        if (++handled === backlog) done.resolve(handled);
        return ['noreply', state] as const;
      },
    };
    const started = await GenServer.start(Counter, null);
    if (started === 'ignore' || started[0] !== 'ok') throw new Error('the server did not start');
    const server = started[1];
    for (let i = 0; i < backlog; i++) GenServer.cast(server, 'bump');
    watchEventLoop(seen, () => handled);
    await done.promise;
    expect(seen.immediate).toBeLessThan(backlog);
    expect(seen.immediate).toBeGreaterThan(0);

    for (let i = 0; i < backlog; i++) GenServer.cast(server, 'bump');
    setImmediate(() => {
      killedAt = handled;
      exit(server, 'kill');
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(killedAt).toBeGreaterThan(backlog);
    expect(killedAt).toBeLessThan(2 * backlog);
    expect(handled).toBe(killedAt);
  });

  it('receiveEach: a ping-pong flood and a long mailbox never starve the event loop', async () => {
    // Wake-ups from the run queue count against the budget as promise wake-ups do, and so does
    // each message a process takes while it runs through its mailbox.
    const limit = 1_000_000;
    const start = 10_000;
    const seen: Seen = {};
    let exchanged = 0;
    const done = deferred<number>();
    const bounce = (message: unknown) => {
      const [peer, n] = message as [Pid, number];
      exchanged = n;
      if (n === start) watchEventLoop(seen, () => exchanged);
      if (n >= limit || (n > start && allSeen(seen))) done.resolve(n);
      else send(peer, [self(), n + 1]);
    };
    const a = spawn(() => receiveEach(bounce));
    const b = spawn(() => receiveEach(bounce));
    send(a, [b, 0]);
    expect(await done.promise).toBeLessThan(limit);
    expect(seen).toEqual({
      timer: expect.any(Number),
      immediate: expect.any(Number),
      io: expect.any(Number),
    });

    const backlog = 200_000;
    const drained: Seen = {};
    let handled = 0;
    const allHandled = deferred<number>();
    const drainer = spawn(() =>
      receiveEach(() => {
        if (++handled === backlog) allHandled.resolve(handled);
      }),
    );
    for (let i = 0; i < backlog; i++) send(drainer, i);
    watchEventLoop(drained, () => handled);
    await allHandled.promise;
    expect(drained.immediate).toBeLessThan(backlog);
    expect(drained.immediate).toBeGreaterThan(0);
    for (const pid of [a, b, drainer]) exit(pid, 'kill');
  });
});
