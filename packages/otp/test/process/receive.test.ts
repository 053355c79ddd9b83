import { describe, expect, it } from 'vitest';
import {
  _,
  BadArgError,
  Process,
  receive,
  self,
  send,
  sendAfter,
  spawn,
  TIMEOUT,
} from '../../src/index.ts';
import { inProcess, mailboxContents } from '../helpers.ts';

describe('receive', () => {
  it('with no pattern takes the oldest message', async () => {
    const got = await inProcess(async () => {
      send(self(), 1);
      send(self(), 2);
      return [await receive(), await receive()];
    });
    expect(got).toEqual([1, 2]);
  });

  it('with a predicate takes the oldest match and leaves the rest in order', async () => {
    const got = await inProcess(async () => {
      for (const n of [1, 2, 3, 4, 5, 6]) send(self(), n);
      const even = await receive((m) => (m as number) % 2 === 0);
      return { even, rest: await mailboxContents() };
    });
    expect(got).toEqual({ even: 2, rest: [1, 3, 4, 5, 6] });
  });

  it('with a structural pattern and _ takes the oldest match and leaves the rest in order', async () => {
    const got = await inProcess(async () => {
      send(self(), { type: 'noise', n: 1 });
      send(self(), ['reply', 'x', 1]);
      send(self(), ['reply', 'y']);
      send(self(), ['reply', 'z', 2]);
      const reply = await receive(['reply', _, _]);
      return { reply, rest: await mailboxContents() };
    });
    expect(got).toEqual({
      reply: ['reply', 'x', 1],
      rest: [{ type: 'noise', n: 1 }, ['reply', 'y'], ['reply', 'z', 2]],
    });
  });

  it('waits for a matching message that arrives later, skipping the ones that do not match', async () => {
    const got = await inProcess(async () => {
      const me = self();
      spawn(() => {
        send(me, 'early');
        sendAfter(me, { type: 'wanted', value: 42 }, 10);
      });
      const wanted = await receive({ type: 'wanted' });
      return { wanted, rest: await mailboxContents() };
    });
    expect(got).toEqual({ wanted: { type: 'wanted', value: 42 }, rest: ['early'] });
  });

  it('with timeout 0 polls: takes what is there, else returns TIMEOUT at once', async () => {
    const got = await inProcess(async () => {
      const empty = await receive(undefined, 0);
      send(self(), 'here');
      const present = await receive(undefined, 0);
      send(self(), 'other');
      const unmatched = await receive('wanted', 0);
      return { empty, present, unmatched, rest: await mailboxContents() };
    });
    expect(got).toEqual({ empty: TIMEOUT, present: 'here', unmatched: TIMEOUT, rest: ['other'] });
  });

  it('returns TIMEOUT when nothing matches in time, and leaves the mailbox as it was', async () => {
    const got = await inProcess(async () => {
      send(self(), 'not this');
      const result = await receive('this', 20);
      return { result, rest: await mailboxContents() };
    });
    expect(got).toEqual({ result: TIMEOUT, rest: ['not this'] });
  });

  it('with an Infinity timeout waits as long as it takes', async () => {
    const got = await inProcess(async () => {
      sendAfter(self(), 'late', 30);
      return receive(undefined, Number.POSITIVE_INFINITY);
    });
    expect(got).toBe('late');
  });

  it('rejects a negative or NaN timeout', async () => {
    await inProcess(() => {
      expect(() => receive(undefined, -1)).toThrow(BadArgError);
      expect(() => receive(undefined, Number.NaN)).toThrow(BadArgError);
    });
  });

  it('a process cannot wait in two receives at once', async () => {
    const error = await inProcess(async () => {
      const first = receive('a');
      try {
        receive('b');
      } catch (e) {
        send(self(), 'a');
        await first;
        return e;
      }
    });
    expect(error).toBeInstanceOf(BadArgError);
  });

  it('with messages queued still refuses a bad timeout or a second wait', async () => {
    // A receive of anything with mail queued takes a short path: it keeps the same checks.
    const error = await inProcess(async () => {
      send(self(), 'queued');
      expect(() => receive(undefined, -1)).toThrow(BadArgError);
      expect(() => receive(undefined, Number.NaN)).toThrow(BadArgError);
      const first = receive('a');
      try {
        receive();
      } catch (e) {
        send(self(), 'a');
        await first;
        return e;
      }
    });
    expect(error).toBeInstanceOf(BadArgError);
  });

  it('a pattern that throws fails the receiver, not the sender, and keeps the message', async () => {
    const got = await inProcess(async () => {
      const receiver = self();
      let senderSurvived = false;
      spawn(() => {
        send(receiver, 'boom');
        senderSurvived = true;
      });
      const error = await receive(() => {
        throw new Error('bad pattern');
      }).catch((e: Error) => e.message);
      return { error, senderSurvived, rest: await mailboxContents() };
    });
    expect(got).toEqual({ error: 'bad pattern', senderSurvived: true, rest: ['boom'] });
  });

  it('a blocked receive tests each new message once and never rescans the ones it rejected', async () => {
    const backlog = 100_000;
    const calls = await inProcess(async () => {
      const me = self();
      for (let i = 0; i < backlog; i++) send(me, { n: i });
      let tested = 0;
      const pending = receive((m) => {
        tested++;
        return m === 'wanted';
      });
      const afterFirstScan = tested;
      const perArrival: number[] = [];
      for (let i = 0; i < 10; i++) {
        const before = tested;
        send(me, { late: i });
        perArrival.push(tested - before);
      }
      expect(Process.info(me)?.messageQueueLength).toBe(backlog + 10);
      const before = tested;
      send(me, 'wanted');
      const wanted = await pending;
      return { afterFirstScan, perArrival, forTheMatch: tested - before, wanted };
    });
    expect(calls).toEqual({
      afterFirstScan: backlog,
      perArrival: Array(10).fill(1),
      forTheMatch: 1,
      wanted: 'wanted',
    });
  });
});
