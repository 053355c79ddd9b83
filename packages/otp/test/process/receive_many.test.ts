/**
 * receiveMany: a loop of receive() without a pattern, batched. Whatever it returns, a loop of
 * receive() would have returned one by one, in the same order.
 */
import { describe, expect, it } from 'vitest';
import {
  BadArgError,
  exit,
  GenServer,
  type GenServerModule,
  type Pid,
  Process,
  receive,
  receiveMany,
  self,
  send,
  sendAfter,
  spawn,
  TIMEOUT,
} from '../../src/index.ts';
import { exitReason, inProcess, mailboxContents, tick } from '../helpers.ts';

const Echo = {
  init: () => ['ok', null] as const,
  handleCall: (request: unknown, _from, state: null) => ['reply', request, state] as const,
} satisfies GenServerModule<null, null>;

describe('receiveMany', () => {
  it('takes every queued message, oldest first, in one await', async () => {
    const got = await inProcess(async () => {
      for (const n of [1, 2, 3, 4]) send(self(), n);
      return { batch: await receiveMany(), rest: await mailboxContents() };
    });
    expect(got).toEqual({ batch: [1, 2, 3, 4], rest: [] });
  });

  it('takes at most max and leaves the rest queued in order', async () => {
    const got = await inProcess(async () => {
      for (const n of [1, 2, 3, 4, 5]) send(self(), n);
      const first = await receiveMany(2);
      const second = await receiveMany(2);
      return { first, second, rest: await mailboxContents() };
    });
    expect(got).toEqual({ first: [1, 2], second: [3, 4], rest: [5] });
  });

  it('with an empty mailbox waits, then takes what arrived by the time it runs', async () => {
    const got = await inProcess(async () => {
      const me = self();
      spawn(() => {
        for (const n of [1, 2, 3]) send(me, n);
      });
      return receiveMany();
    });
    // The first message woke it; the other two arrived before it ran.
    expect(got).toEqual([1, 2, 3]);
  });

  it('waits as long as it takes, and never returns an empty batch', async () => {
    const got = await inProcess(async () => {
      sendAfter(self(), 'late', 20);
      return receiveMany();
    });
    expect(got).toEqual(['late']);
  });

  it('skips the holes a selective receive left, and keeps the order of the rest', async () => {
    const got = await inProcess(async () => {
      for (const n of [1, 2, 3, 4, 5, 6]) send(self(), n);
      const four = await receive(4);
      return { four, batch: await receiveMany() };
    });
    expect(got).toEqual({ four: 4, batch: [1, 2, 3, 5, 6] });
  });

  it('leaves a call its reply: the call scans from its mark, the batch takes the older mail', async () => {
    const started = await GenServer.start(Echo, null);
    const server = (started as ['ok', Pid])[1];
    const got = await inProcess(async () => {
      for (const n of [1, 2, 3]) send(self(), n);
      const reply = await GenServer.call(server, 'ping');
      send(self(), 4);
      return { reply, batch: await receiveMany() };
    });
    expect(got).toEqual({ reply: 'ping', batch: [1, 2, 3, 4] });
    await GenServer.stop(server);
  });

  it('a batch is out of the mailbox while it is handled, where a loop of receive leaves the rest', async () => {
    // Erlang (and a loop of receive()) would take the first message and leave the ack queued for
    // the selective receive; a batch has already taken it: the README's difference.
    const got = await inProcess(async () => {
      for (const m of [{ req: 1 }, { ack: 1 }, { req: 2 }]) send(self(), m);
      const batch = await receiveMany();
      const ack = await receive({ ack: 1 }, 0);
      return { batch, ack, queued: Process.messageQueueLength(self()) };
    });
    expect(got).toEqual({ batch: [{ req: 1 }, { ack: 1 }, { req: 2 }], ack: TIMEOUT, queued: 0 });
  });

  it('a process killed while it waits never resumes', async () => {
    let resumed = false;
    const waiter = spawn(async () => {
      await receiveMany();
      resumed = true;
    });
    await tick();
    const reason = exitReason(waiter);
    exit(waiter, 'kill');
    expect(await reason).toBe('killed');
    send(waiter, 'too late');
    await tick();
    expect(resumed).toBe(false);
  });

  it('rejects a max that is not a positive integer', async () => {
    await inProcess(() => {
      for (const max of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])
        expect(() => receiveMany(max)).toThrow(BadArgError);
    });
  });

  it('a process cannot wait in it and in another receive at once', async () => {
    const error = await inProcess(async () => {
      send(self(), 'queued');
      const first = receive('a');
      try {
        receiveMany();
      } catch (e) {
        send(self(), 'a');
        await first;
        return e;
      }
    });
    expect(error).toBeInstanceOf(BadArgError);
  });
});
