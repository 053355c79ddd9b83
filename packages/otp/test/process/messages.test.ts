import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BadArgError, makeRef, Pid, Ref, receive, self, send, spawn } from '../../src/index.ts';
import { exitReason, inProcess } from '../helpers.ts';

describe('send', () => {
  it('delivers the messages of one sender in the order they were sent', async () => {
    const received = await inProcess(async () => {
      const parent = self();
      const child = spawn(async () => {
        const got: unknown[] = [];
        for (let i = 0; i < 5; i++) got.push(await receive());
        send(parent, got);
      });
      for (const word of ['a', 'b', 'c', 'd', 'e']) send(child, word);
      return receive();
    });
    expect(received).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('to a dead pid does nothing and returns the message', async () => {
    const dead = spawn(() => {});
    await exitReason(dead);
    const message = { hello: 'nobody' };
    expect(send(dead, message)).toBe(message);
  });

  it('returns the message it sent', async () => {
    const reply = await inProcess(async () => {
      const message = ['ping', self()];
      expect(send(self(), message)).toBe(message);
      return receive();
    });
    expect(reply).toEqual(['ping', expect.any(Pid)]);
  });

  it('to a name nobody registered throws BadArgError', () => {
    expect(() => send('no_such_name', 'hi')).toThrow(BadArgError);
  });

  it('to something that is not a pid or a name throws BadArgError', () => {
    expect(() => send(42 as unknown as Pid, 'hi')).toThrow(BadArgError);
  });
});

describe('pids and references', () => {
  it('print like Erlang with util.inspect', async () => {
    const pid = spawn(() => {});
    const ref = makeRef();
    expect(inspect(pid)).toMatch(/^#PID<0\.\d+\.0>$/);
    expect(inspect(ref)).toMatch(/^#Reference<0\.0\.0\.\d+>$/);
    expect(String(pid)).toBe(`#PID<0.${pid.id}.0>`);
    expect(inspect({ from: pid, ref })).toBe(`{ from: ${pid}, ref: ${ref} }`);
    await exitReason(pid);
  });

  it('are unique', () => {
    const pids = new Set([spawn(() => {}), spawn(() => {}), spawn(() => {})].map(String));
    const refs = new Set([makeRef(), makeRef(), makeRef()].map(String));
    expect(pids.size).toBe(3);
    expect(refs.size).toBe(3);
    expect(makeRef()).toBeInstanceOf(Ref);
  });
});
