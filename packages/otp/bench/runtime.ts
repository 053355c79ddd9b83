/**
 * The runtime's workloads: the same shapes as bare.ts, written with processes and GenServer.
 * Each workload starts from the shell and waits (in the shell's receive) until it is done.
 */
import {
  exit,
  GenServer,
  type GenServerModule,
  type Pid,
  receive,
  receiveEach,
  receiveMany,
  self,
  send,
  spawn,
  spawnLink,
  trapExit,
  whenIdle,
} from '@otp-chat/otp';
import type { Workload } from './harness.ts';

const DONE = 'done';

function waitDone(): Promise<unknown> {
  return receive((m) => m === DONE);
}

/** One sender process, one receiver process, an ack every `batch` messages. */
export function oneWay(batch: number): Workload {
  return async (size) => {
    const shell = self();
    const receiver = spawn(async () => {
      const sender = (await receive()) as Pid;
      for (let i = 1; i <= size; i++) {
        await receive();
        if (i % batch === 0) send(sender, 'ack');
      }
      send(shell, DONE);
    });
    spawn(() => sendInBatches(receiver, size, batch));
    await waitDone();
  };
}

/**
 * The same shape as `oneWay`, but the receiver takes its queue with `receiveMany`: one await
 * per batch of queued messages instead of one per message.
 */
export function oneWayMany(batch: number): Workload {
  return async (size) => {
    const shell = self();
    const receiver = spawn(async () => {
      const sender = (await receive()) as Pid;
      for (let i = 1; i <= size; ) {
        for (const _message of await receiveMany()) {
          if (i % batch === 0) send(sender, 'ack');
          i++;
        }
      }
      send(shell, DONE);
    });
    spawn(() => sendInBatches(receiver, size, batch));
    await waitDone();
  };
}

/**
 * The same shape as `oneWay`, with the receiver's loop written as `receiveEach`: Erlang's
 * `loop() -> receive M -> ..., loop() end`, run from the scheduler with no await per message.
 */
export function oneWayEach(batch: number): Workload {
  return async (size) => {
    const shell = self();
    const receiver = spawn(async () => {
      const sender = (await receive()) as Pid;
      let i = 0;
      return receiveEach(() => {
        i++;
        if (i % batch === 0) send(sender, 'ack');
        if (i < size) return;
        send(shell, DONE);
        exit('normal');
      });
    });
    spawn(() => sendInBatches(receiver, size, batch));
    await waitDone();
  };
}

/** The sender of the one-way shapes: `batch` messages, then it waits for the receiver's ack. */
async function sendInBatches(receiver: Pid, size: number, batch: number): Promise<void> {
  send(receiver, self());
  for (let sent = 0; sent < size; ) {
    const end = Math.min(size, sent + batch);
    for (; sent < end; sent++) send(receiver, sent);
    if (sent % batch === 0 && sent < size) await receive();
  }
}

/** Two processes passing one message back and forth. */
export const pingPong: Workload = async (size) => {
  const shell = self();
  const ponger = spawn(async () => {
    for (let i = 0; i < size; i++) send((await receive()) as Pid, 'pong');
  });
  spawn(async () => {
    const me = self();
    for (let i = 0; i < size; i++) {
      send(ponger, me);
      await receive();
    }
    send(shell, DONE);
  });
  await waitDone();
};

const Counter = {
  init: (start: number) => ['ok', start],
  handleCall: (_request: 'get', _from, count) => ['reply', count, count],
  handleCast: (_request: 'bump', count) => ['noreply', count + 1],
} satisfies GenServerModule<number, number>;

async function withCounter(client: (server: Pid) => Promise<void>): Promise<void> {
  const started = await GenServer.start(Counter, 0);
  if (started === 'ignore' || started[0] !== 'ok') throw new Error('the counter did not start');
  const server = started[1];
  const shell = self();
  spawn(async () => {
    await client(server);
    send(shell, DONE);
  });
  await waitDone();
  await GenServer.stop(server);
}

/** A client process making `size` calls, one after the other. */
export const calls: Workload = (size) =>
  withCounter(async (server) => {
    for (let i = 0; i < size; i++) await GenServer.call(server, 'get');
  });

/** A client process casting `size` times, then one call so that every cast has been handled. */
export const casts: Workload = (size) =>
  withCounter(async (server) => {
    for (let i = 0; i < size; i++) GenServer.cast(server, 'bump');
    const count = await GenServer.call(server, 'get');
    if (count !== size) throw new Error(`the counter saw ${count} casts of ${size}`);
  });

/**
 * A parent that traps exits starts linked children that end at once, and takes each one's EXIT
 * message: what a supervisor does for short-lived workers. Batches keep the table small.
 */
export const spawnLinkExit: Workload = async (size) => {
  const shell = self();
  const batch = 1000;
  spawn(async () => {
    trapExit(true);
    for (let started = 0; started < size; ) {
      const end = Math.min(size, started + batch);
      const count = end - started;
      for (; started < end; started++) spawnLink(ended);
      for (let i = 0; i < count; i++) await receive();
    }
    send(shell, DONE);
  });
  await waitDone();
};

function ended(): void {}

/** Idle processes: each blocked in a receive on an empty mailbox. */
export function idle(): { create: (count: number) => Promise<void>; release: () => Promise<void> } {
  let pids: Pid[] = [];
  return {
    create: async (count) => {
      pids = Array.from({ length: count }, () => spawn(waitForever));
      await whenIdle(60_000);
    },
    release: async () => {
      for (const pid of pids) exit(pid, 'kill');
      pids = [];
      await whenIdle(60_000);
    },
  };
}

async function waitForever(): Promise<void> {
  await receive();
}

/** The part of Registry the dispatch figure needs (duplicate keys, Elixir's `dispatch/3`). */
export interface DispatchRegistry {
  start(): Promise<unknown>;
  register(registry: unknown, key: string, value: unknown): unknown;
  dispatch(
    registry: unknown,
    key: string,
    deliver: (entries: ReadonlyArray<readonly [Pid, unknown]>) => void,
  ): unknown;
  stop(registry: unknown): Promise<unknown>;
}

const SYNC = 'sync';

/**
 * `subscribers` processes register under one key; the timed part dispatches rounds of messages
 * to them and waits until every subscriber has taken every round. A delivery is one message
 * taken by one subscriber. Starting the registry and the subscribers is not timed.
 */
export async function dispatchFixture(
  registry: DispatchRegistry,
  subscribers: number,
): Promise<{ run: Workload; close: () => Promise<void> }> {
  const reg = await registry.start();
  const shell = self();
  const pids: Pid[] = [];
  for (let s = 0; s < subscribers; s++) {
    pids.push(
      spawn(async () => {
        registry.register(reg, 'topic', null);
        send(shell, SYNC);
        for (;;) if ((await receive()) === SYNC) send(shell, SYNC);
      }),
    );
  }
  await syncWith(subscribers);
  const run: Workload = async (size) => {
    const rounds = Math.max(1, Math.round(size / subscribers));
    for (let round = 0; round < rounds; round++) {
      registry.dispatch(reg, 'topic', (entries) => {
        for (const [pid] of entries) send(pid, round);
      });
    }
    registry.dispatch(reg, 'topic', (entries) => {
      for (const [pid] of entries) send(pid, SYNC);
    });
    await syncWith(subscribers);
    return (rounds + 1) * subscribers;
  };
  const close = async () => {
    for (const pid of pids) exit(pid, 'kill');
    await registry.stop(reg);
  };
  return { run, close };
}

async function syncWith(count: number): Promise<void> {
  for (let i = 0; i < count; i++) await receive((m) => m === SYNC);
}
