import { describe, expect, it, vi } from 'vitest';
import {
  BadArgError,
  cancelTimer,
  captureCrashReports,
  exit,
  isAlive,
  type Pid,
  Process,
  printCrashReport,
  receive,
  register,
  self,
  send,
  sendAfter,
  setCrashReporter,
  spawn,
  spawnLink,
  TIMEOUT,
  trapExit,
  unregister,
  whereis,
} from '../../src/index.ts';
import { collectCrashReports, deferred, exitReason, inProcess, tick } from '../helpers.ts';

/** A process that waits for messages until something kills it. */
function idle() {
  return spawn(() => receive('never'));
}

describe('exit signals', () => {
  collectCrashReports();

  it('exit(pid, kill) cannot be trapped, and the victim’s links see killed', async () => {
    const got = await inProcess(async () => {
      trapExit(true);
      const victim = spawnLink(async () => {
        trapExit(true);
        await receive('never');
      });
      exit(victim, 'kill');
      const message = await receive({ from: victim });
      return { message, victim, alive: isAlive(victim) };
    });
    expect(got.message).toEqual({ type: 'EXIT', from: got.victim, reason: 'killed' });
    expect(got.alive).toBe(false);
  });

  it('exit(pid, normal) on another process is ignored unless it traps exits', async () => {
    const plain = idle();
    const trapping = spawn(async () => {
      trapExit(true);
      const message = await receive();
      exit({ got: message });
    });
    const trappedReason = exitReason(trapping);
    const sender = await inProcess(() => {
      exit(plain, 'normal');
      exit(trapping, 'normal');
      return self();
    });
    expect(await trappedReason).toEqual({ got: { type: 'EXIT', from: sender, reason: 'normal' } });
    expect(isAlive(plain)).toBe(true);
    exit(plain, 'kill');
  });

  it('exit(pid, reason) kills a process that does not trap, with that reason', async () => {
    const victim = idle();
    const reason = exitReason(victim);
    exit(victim, 'shutdown');
    expect(await reason).toBe('shutdown');
  });

  it('exit(pid, reason) reaches a trapping process as a message', async () => {
    const got = await inProcess(async () => {
      trapExit(true);
      const me = self();
      const from = await inProcess(() => {
        exit(me, 'please stop');
        return self();
      });
      return { message: await receive(undefined, 100), from };
    });
    expect(got.message).toEqual({ type: 'EXIT', from: got.from, reason: 'please stop' });
  });

  it('exit(self(), normal) ends the caller with normal, unless it traps exits', async () => {
    const plain = spawn(async () => {
      exit(self(), 'normal');
      await receive('never');
    });
    expect(await exitReason(plain)).toBe('normal');
    const trapping = await inProcess(async () => {
      trapExit(true);
      exit(self(), 'normal');
      return receive(undefined, 0);
    });
    expect(trapping).toMatchObject({ type: 'EXIT', reason: 'normal' });
  });

  it('exit(reason) ends the calling process with that reason', async () => {
    const pid = spawn(() => exit({ shutdown: 'done' }));
    expect(await exitReason(pid)).toEqual({ shutdown: 'done' });
  });

  it('a process that returns exits normal; one that throws exits with the error', async () => {
    const fine = spawn(async () => {});
    const bad = spawn(async () => {
      await Promise.resolve();
      throw new RangeError('nope');
    });
    const [fineReason, badReason] = await Promise.all([exitReason(fine), exitReason(bad)]);
    expect(fineReason).toBe('normal');
    expect(badReason).toBeInstanceOf(RangeError);
  });

  it('trapExit returns the previous flag', async () => {
    const flags = await inProcess(() => [trapExit(true), trapExit(false), trapExit(false)]);
    expect(flags).toEqual([false, true, false]);
  });

  it('a killed process is gone at once: no info, and what is sent to it is dropped', async () => {
    const victim = idle();
    exit(victim, 'kill');
    expect(Process.info(victim)).toBeUndefined();
    expect(send(victim, 'hello')).toBe('hello');
    expect(isAlive(victim)).toBe(false);
  });
});

describe('a killed process', () => {
  collectCrashReports();

  it('is dead to every observer at once, even while its code awaits something else', async () => {
    const gate = deferred();
    const afterlife: Record<string, unknown> = {};
    const bystander = idle();
    const victimBody = async () => {
      await gate.promise; // suspended in an await that has nothing to do with the runtime
      // Resumed after death: nothing it does may have an effect (see leftover.test.ts).
      afterlife.send = send(bystander, 'from beyond');
      afterlife.self = self();
      afterlife.spawn = isAlive(spawn(() => send(bystander, 'from a ghost child')));
      afterlife.receive = await Promise.race([receive(undefined, 0), tick().then(() => 'waits')]);
    };
    // Observers in place before the kill: a linked process that traps exits, and a monitor.
    const started = deferred<Pid>();
    const linkedSaw = inProcess(async () => {
      trapExit(true);
      const victim = spawnLink(victimBody);
      register('doomed', victim);
      started.resolve(victim);
      return receive({ type: 'EXIT', from: victim });
    });
    const victim = await started.promise;
    const monitorSaw = exitReason(victim);
    await tick();
    expect(Process.info(victim)?.status).toBe('running');

    exit(victim, 'kill');

    // Synchronously, right after the kill, before any other code has run:
    expect(isAlive(victim)).toBe(false);
    expect(Process.info(victim)).toBeUndefined();
    expect(whereis('doomed')).toBeUndefined();
    expect(() => send('doomed', 'hi')).toThrow(BadArgError);
    expect(send(victim, 'ignored')).toBe('ignored');
    expect(await monitorSaw).toBe('killed');
    expect(await linkedSaw).toEqual({ type: 'EXIT', from: victim, reason: 'killed' });

    await tick(); // lets the observers finish and exit, so that the count below is stable
    const processes = Process.count();
    gate.resolve();
    await vi.waitFor(() => expect(Object.keys(afterlife)).toHaveLength(4));
    expect(afterlife).toEqual({
      send: 'from beyond',
      self: victim,
      spawn: false,
      receive: 'waits',
    });
    expect(Process.count()).toBe(processes);
    expect(Process.info(bystander)?.messageQueueLength).toBe(0);
    exit(bystander, 'kill');
  });

  it('cannot unregister a name or cancel a timer when its code resumes after death', async () => {
    const gate = deferred();
    const holder = spawn(() => receive('never'));
    register('kept_name', holder);
    const timer = sendAfter(holder, 'later', 60_000);
    const tried = deferred<unknown[]>();
    const victim = spawn(async () => {
      await gate.promise;
      tried.resolve([unregister('kept_name'), cancelTimer(timer)]);
    });
    await tick();
    exit(victim, 'kill');
    gate.resolve();
    // Each call answers as if it could act, and does nothing.
    expect(await tried.promise).toEqual([true, false]);
    expect(whereis('kept_name')).toBe(holder);
    expect(cancelTimer(timer)).toEqual(expect.any(Number));
    exit(holder, 'kill');
  });

  it('that awaited inside a receive never gets the message it was waiting for', async () => {
    const got = await inProcess(async () => {
      const me = self();
      const victim = spawn(async () => {
        const message = await receive('wake');
        send(me, ['victim got', message]);
      });
      await tick();
      exit(victim, 'kill');
      send(victim, 'wake');
      return receive(undefined, 50);
    });
    expect(got).toBe(TIMEOUT);
  });
});

describe('crash reports', () => {
  it('a crash gives a report with pid, registered name and reason, collected by captureCrashReports', async () => {
    const capture = captureCrashReports();
    try {
      const pid = spawn(() => {
        register('crashy', self());
        throw new Error('kaboom');
      });
      await exitReason(pid);
      expect(capture.reports).toEqual([
        expect.objectContaining({
          kind: 'process',
          pid,
          name: 'crashy',
          reason: expect.any(Error),
        }),
      ]);
      expect(capture.reports[0]?.reason).toHaveProperty('message', 'kaboom');
    } finally {
      capture.restore();
    }
  });

  it('exits by exit(reason), normal or shutdown are not crashes', async () => {
    const capture = captureCrashReports();
    try {
      const pids = [spawn(() => exit('because')), spawn(() => {}), spawn(() => exit('shutdown'))];
      await Promise.all(pids.map(exitReason));
      expect(capture.reports).toEqual([]);
    } finally {
      capture.restore();
    }
  });

  it('the default reporter prints who, why and the stack to stderr', async () => {
    const written: string[] = [];
    const write = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const previous = setCrashReporter(printCrashReport);
    try {
      const pid = spawn(function crashingBody() {
        register('printed_crash', self());
        throw new TypeError('readable');
      });
      await exitReason(pid);
    } finally {
      setCrashReporter(previous);
      write.mockRestore();
    }
    const text = written.join('');
    expect(text).toMatch(
      /=CRASH REPORT= process #PID<0\.\d+\.0> \(printed_crash\) exited: TypeError: readable/,
    );
    expect(text).toContain('crashingBody');
    expect(text).toMatch(/\n\s+at /);
  });

  it('setCrashReporter(null) silences reports', async () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const previous = setCrashReporter(null);
    try {
      await exitReason(
        spawn(() => {
          throw new Error('unheard');
        }),
      );
      expect(write).not.toHaveBeenCalled();
    } finally {
      setCrashReporter(previous);
      write.mockRestore();
    }
  });
});
