/**
 * Requests and answers over the IPC channel between the coordinator and the processes it
 * starts (the server under test, the load workers). A child serves named handlers; the
 * coordinator calls them and awaits the answer. Only JSON-safe values cross.
 */

import type { ChildProcess } from 'node:child_process';

interface Request {
  readonly id: number;
  readonly method: string;
  readonly params: unknown;
}

interface Answer {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}

/** What every child of the benchmark tells the coordinator when it is ready, at least. */
export interface ChildReady {
  readonly pid: number;
  /** The Node version it runs: the coordinator's own, since it starts every child with its binary. */
  readonly node: string;
}

/** What a child says once it is ready to be called. */
interface Ready {
  readonly ready: unknown;
}

// biome-ignore lint/suspicious/noExplicitAny: each handler declares its own parameter type
export type Handlers = Record<string, (params: any) => unknown>;

/**
 * In a child: answers the coordinator's requests with `handlers`, after telling it `ready`.
 * A child whose coordinator has gone (its IPC channel closed, even by a kill -9) exits, so no
 * process of the benchmark outlives it.
 */
export function serveParent(handlers: Handlers, ready: unknown): void {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('this process must be started by the benchmark');
  process.on('disconnect', () => process.exit(0));
  process.on('message', async (message: Request) => {
    const handler = handlers[message.method];
    let answer: Answer;
    try {
      if (handler === undefined) throw new Error(`no method ${message.method}`);
      answer = { id: message.id, result: (await handler(message.params)) ?? null };
    } catch (error) {
      answer = { id: message.id, error: (error as Error).stack ?? String(error) };
    }
    if (process.connected) send(answer);
  });
  send({ ready } satisfies Ready);
}

/** The coordinator's side of one child's channel. */
export class Caller {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void; method: string }
  >();
  /** The child's `ready` value, once it has said it. */
  readonly ready: Promise<unknown>;

  constructor(
    private readonly channel: ChildProcess,
    private readonly label: string,
  ) {
    let onReady: (value: unknown) => void = () => {};
    this.ready = new Promise((resolve) => (onReady = resolve));
    channel.on('message', (message: Answer | Ready) => {
      if ('ready' in message) return onReady(message.ready);
      const call = this.pending.get(message.id);
      if (call === undefined) return;
      this.pending.delete(message.id);
      if (message.error === undefined) call.resolve(message.result);
      else call.reject(new Error(`${this.label}.${call.method}: ${message.error}`));
    });
  }

  call<T>(method: string, params: unknown = null): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, method });
      this.channel.send({ id, method, params } satisfies Request);
    });
  }

  /** Fails every call still waiting: the child has gone. */
  failAll(reason: string): void {
    for (const [id, call] of this.pending) {
      this.pending.delete(id);
      call.reject(new Error(`${this.label}.${call.method}: ${reason}`));
    }
  }
}
