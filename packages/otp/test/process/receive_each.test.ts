/**
 * receiveEach: a process's life as one receive loop, run as callbacks. It must behave as a loop
 * of `await receive()` would (order, context, exits, a handler that waits), without a promise
 * per message.
 */
import { createHook } from 'node:async_hooks';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  captureCrashReports,
  exit,
  type Pid,
  Process,
  receive,
  receiveEach,
  self,
  send,
  spawn,
  whenIdle,
} from '../../src/index.ts';
import { deferred, exitReason, inProcess } from '../helpers.ts';

describe('receiveEach', () => {
  it('handles what was queued before it, then each message as it comes, in order', async () => {
    const got: unknown[] = [];
    const done = deferred();
    const pid = spawn(() => {
      for (const n of [1, 2]) send(self(), n);
      return receiveEach((message) => {
        got.push(message);
        if (message === 4) done.resolve();
      });
    });
    await whenIdle();
    send(pid, 3);
    send(pid, 4);
    await done.promise;
    expect(got).toEqual([1, 2, 3, 4]);
    exit(pid, 'kill');
  });

  it('runs the handler in the process: self, send, and a selective receive inside it', async () => {
    const replies = await inProcess(async () => {
      const me = self();
      const echo = spawn(() =>
        receiveEach(async (message) => {
          // Waits for 'go' while 'later' stays queued for the next turn of the loop.
          const go = await receive((m) => m === 'go');
          send(me, [message, go, self()]);
        }),
      );
      send(echo, 'first');
      send(echo, 'later');
      send(echo, 'go');
      const first = await receive();
      send(echo, 'go');
      const second = await receive();
      exit(echo, 'kill');
      return { echo, first, second };
    });
    expect(replies.first).toEqual(['first', 'go', replies.echo]);
    expect(replies.second).toEqual(['later', 'go', replies.echo]);
  });

  it('a handler that returns a promise holds the next message until it settles', async () => {
    const order: string[] = [];
    const release = deferred();
    const done = deferred();
    const pid = spawn(() =>
      receiveEach((message) => {
        order.push(`start ${message}`);
        if (message === 'slow') return release.promise.then(() => order.push('slow done'));
        if (message === 'fast') done.resolve();
      }),
    );
    send(pid, 'slow');
    send(pid, 'fast');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['start slow']);
    expect(Process.messageQueueLength(pid)).toBe(1);
    release.resolve();
    await done.promise;
    expect(order).toEqual(['start slow', 'slow done', 'start fast']);
    exit(pid, 'kill');
  });

  it('a throw ends the process with a crash report; exit(reason) ends it with the bare reason', async () => {
    const capture = captureCrashReports();
    try {
      const thrower = spawn(() =>
        receiveEach(() => {
          throw new Error('boom');
        }),
      );
      const thrown = exitReason(thrower);
      send(thrower, 'anything');
      expect(await thrown).toEqual(new Error('boom'));
      expect(capture.reports.map((report) => report.pid)).toEqual([thrower]);

      const quitter = spawn(() => receiveEach(() => exit('done')));
      const quit = exitReason(quitter);
      send(quitter, 'anything');
      expect(await quit).toBe('done');

      const waiter = spawn(() => receiveEach(() => Promise.reject(new Error('late'))));
      const late = exitReason(waiter);
      send(waiter, 'anything');
      expect(await late).toEqual(new Error('late'));
    } finally {
      capture.restore();
    }
  });

  it('a handler that dies in an async handler leaves no unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const note = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', note);
    try {
      const pid = spawn(() =>
        receiveEach(async () => {
          exit(self(), 'kill');
          // A dead process's exit(pid) does nothing, but this one throws: the process is gone.
          throw new Error('after death');
        }),
      );
      const killed = exitReason(pid);
      send(pid, 'go');
      expect(await killed).toBe('killed');
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', note);
    }
  });

  it('a handler that leaves a receive waiting ends the process, as a second receive would', async () => {
    const capture = captureCrashReports();
    try {
      const pid = spawn(() =>
        receiveEach(() => {
          void receive((m) => m === 'reply');
        }),
      );
      const reason = exitReason(pid);
      send(pid, 'go');
      expect(String(await reason)).toMatch(/already waiting in another receive/);
    } finally {
      capture.restore();
    }
  });

  it('refuses the shell, whose code goes on after the call', () => {
    expect(() => receiveEach(() => {})).toThrow(/the shell cannot hand its mailbox over/);
  });

  it('waits for a thenable as for a promise', async () => {
    const order: string[] = [];
    const done = deferred();
    const { thenable, settle } = handMadeThenable();
    const pid = spawn(() =>
      receiveEach((message) => {
        order.push(String(message));
        if (message === 'second') done.resolve();
        if (message === 'first') return thenable;
      }),
    );
    send(pid, 'first');
    send(pid, 'second');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(order).toEqual(['first']);
    settle();
    await done.promise;
    expect(order).toEqual(['first', 'second']);
    exit(pid, 'kill');
  });

  it('a thenable settled from another process resumes the loop in its own process', async () => {
    const seen = await inProcess(async () => {
      const me = self();
      const { thenable, settle } = handMadeThenable();
      const waiter = spawn(() =>
        receiveEach((message) => {
          if (message === 'wait') return thenable;
          send(me, ['handled', message, self()]);
        }),
      );
      const settler = spawn(() =>
        receiveEach(() => {
          // The waiter's next message must not be handled here, on this process's stack.
          settle();
          send(me, ['settled', self()]);
        }),
      );
      send(waiter, 'wait');
      send(waiter, 'next');
      await new Promise((resolve) => setTimeout(resolve, 10));
      send(settler, 'go');
      const first = await receive();
      const second = await receive();
      exit(waiter, 'kill');
      exit(settler, 'kill');
      return { waiter, settler, first, second };
    });
    expect(seen.first).toEqual(['settled', seen.settler]);
    expect(seen.second).toEqual(['handled', 'next', seen.waiter]);
  });

  it('an async body may await before it returns receiveEach; a failure still ends it', async () => {
    const capture = captureCrashReports();
    try {
      const pid = spawn(async () => {
        await new Promise((resolve) => setTimeout(resolve, 1));
        return receiveEach(() => {
          throw new Error('late boom');
        });
      });
      const reason = exitReason(pid);
      send(pid, 'go');
      expect(await reason).toEqual(new Error('late boom'));
      expect(capture.reports.map((report) => report.pid)).toEqual([pid]);
    } finally {
      capture.restore();
    }
  });

  it('a crash reporter that throws neither keeps the process alive nor stops the others', async () => {
    const fixture = fileURLToPath(new URL('../fixtures/throwing-reporter.ts', import.meta.url));
    const packageRoot = fileURLToPath(new URL('../..', import.meta.url));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', fixture], {
      cwd: packageRoot,
      timeout: 30_000,
    });
    expect(stdout.trim().split('\n')).toEqual([
      'healthy answered: still here',
      'crasher is gone',
      'uncaught: Error: the reporter failed',
    ]);
  });

  it('a process killed while its handler waits handles nothing more', async () => {
    const handled: unknown[] = [];
    const release = deferred();
    const waiting = deferred();
    const pid: Pid = spawn(() =>
      receiveEach((message) => {
        handled.push(message);
        waiting.resolve();
        return release.promise;
      }),
    );
    send(pid, 1);
    send(pid, 2);
    await waiting.promise;
    const killed = exitReason(pid);
    exit(pid, 'kill');
    expect(await killed).toBe('killed');
    release.resolve();
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual([1]);
  });

  it('a killed process that was woken in the same burst does not run', async () => {
    const handled: unknown[] = [];
    const victim = spawn(() => receiveEach((message) => handled.push(message)));
    await whenIdle();
    // The wake-up is queued; the kill comes before the run queue runs.
    send(victim, 'too late');
    exit(victim, 'kill');
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(handled).toEqual([]);
  });

  it('waits and wakes without making a promise', async () => {
    // Two processes bounce a counter a thousand times. A loop of `await receive()` makes at
    // least two promises per wake-up; receiveEach makes none.
    const rounds = 1000;
    const done = deferred<number>();
    const bounce = (message: unknown) => {
      const [peer, n] = message as [Pid, number];
      if (n === rounds) done.resolve(n);
      else send(peer, [self(), n + 1]);
    };
    const a = spawn(() => receiveEach(bounce));
    const b = spawn(() => receiveEach(bounce));
    await whenIdle();
    let promises = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'PROMISE') promises++;
      },
    }).enable();
    try {
      send(a, [b, 0]);
      expect(await done.promise).toBe(rounds);
    } finally {
      hook.disable();
    }
    expect(promises).toBeLessThan(rounds / 10);
    exit(a, 'kill');
    exit(b, 'kill');
  });

  it('costs an idle process no promise of its own', async () => {
    // A promise that only settles when the process fails, and spawn's reaction to it, would be
    // two for every idle connection of a server: receiveEach returns a thenable that keeps none.
    const count = 200;
    let promises = 0;
    const hook = createHook({
      init: (_id, type) => {
        if (type === 'PROMISE') promises++;
      },
    }).enable();
    const pids: Pid[] = [];
    try {
      for (let i = 0; i < count; i++) pids.push(spawn(() => receiveEach(() => {})));
      await whenIdle();
    } finally {
      hook.disable();
    }
    expect(promises).toBeLessThan(count / 10);
    expect(pids.every((pid) => Process.info(pid)?.status === 'waiting')).toBe(true);
    for (const pid of pids) exit(pid, 'kill');
  });
});

/** A thenable that is not a Promise, and `settle`, which calls what was passed to its `then`. */
function handMadeThenable(): { thenable: PromiseLike<void>; settle: () => void } {
  let fulfil: () => void = () => {};
  const thenable: PromiseLike<void> = {
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the point
    then: (onFulfilled) => {
      fulfil = () => onFulfilled?.();
      return thenable as never;
    },
  };
  return { thenable, settle: () => fulfil() };
}
