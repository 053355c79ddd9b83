/**
 * The ceiling: the same workloads as the runtime figures, written with nothing but a minimal
 * promise mailbox (an array and one waiting resolver). No pids, links, monitors, selective
 * receive, budget or AsyncLocalStorage: whatever the runtime costs on top is the ratio.
 */
import type { Workload } from './harness.ts';

export class BareMailbox<T = unknown> {
  private queue: T[] = [];
  private head = 0;
  private waiter: ((message: T) => void) | null = null;

  push(message: T): void {
    const waiter = this.waiter;
    if (waiter === null) {
      this.queue.push(message);
      return;
    }
    this.waiter = null;
    waiter(message);
  }

  receive(): Promise<T> {
    if (this.head < this.queue.length) {
      const message = this.queue[this.head++] as T;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      return Promise.resolve(message);
    }
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }
}

/** One sender, one receiver, acknowledged every `batch` messages so the queue stays bounded. */
export function bareOneWay(batch: number): Workload {
  return async (size) => {
    const toReceiver = new BareMailbox<number>();
    const acks = new BareMailbox<'ack'>();
    const receiver = (async () => {
      for (let i = 1; i <= size; i++) {
        await toReceiver.receive();
        if (i % batch === 0) acks.push('ack');
      }
    })();
    for (let sent = 0; sent < size; ) {
      const end = Math.min(size, sent + batch);
      for (; sent < end; sent++) toReceiver.push(sent);
      if (sent % batch === 0 && sent < size) await acks.receive();
    }
    await receiver;
  };
}

/** Two loops passing one message back and forth. */
export const barePingPong: Workload = async (size) => {
  const pings = new BareMailbox<BareMailbox<string>>();
  const pongs = new BareMailbox<string>();
  const ponger = (async () => {
    for (let i = 0; i < size; i++) (await pings.receive()).push('pong');
  })();
  for (let i = 0; i < size; i++) {
    pings.push(pongs);
    await pongs.receive();
  }
  await ponger;
};

/** Start an async function on a microtask and wait for its completion notice. */
export const bareSpawn: Workload = async (size) => {
  const exits = new BareMailbox<number>();
  const batch = 1000;
  for (let started = 0; started < size; ) {
    const end = Math.min(size, started + batch);
    const count = end - started;
    for (; started < end; started++) {
      const id = started;
      queueMicrotask(() => {
        (async () => id)().then((value) => exits.push(value));
      });
    }
    for (let i = 0; i < count; i++) await exits.receive();
  }
};

/** `subscribers` mailboxes; each round pushes one message to every one, a loop per mailbox takes them. */
export function bareFanOut(subscribers: number): Workload {
  const boxes = Array.from({ length: subscribers }, () => new BareMailbox<number>());
  return async (size) => {
    const rounds = Math.max(1, Math.round(size / subscribers));
    const loops = boxes.map(async (box) => {
      for (let i = 0; i < rounds; i++) await box.receive();
    });
    for (let round = 0; round < rounds; round++) for (const box of boxes) box.push(round);
    await Promise.all(loops);
    return rounds * subscribers;
  };
}

/** Idle "processes": each an async function suspended on its own empty mailbox. */
export function bareIdle(): {
  create: (count: number) => Promise<void>;
  release: () => Promise<void>;
} {
  let boxes: BareMailbox<'stop'>[] = [];
  let loops: Promise<void>[] = [];
  return {
    create: async (count) => {
      boxes = Array.from({ length: count }, () => new BareMailbox<'stop'>());
      loops = boxes.map(async (box) => {
        await box.receive();
      });
    },
    release: async () => {
      for (const box of boxes) box.push('stop');
      await Promise.all(loops);
      boxes = [];
      loops = [];
    },
  };
}
