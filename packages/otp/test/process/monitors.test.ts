import { describe, expect, it } from 'vitest';
import {
  type DownMessage,
  demonitor,
  exit,
  monitor,
  Process,
  Ref,
  receive,
  register,
  self,
  send,
  spawn,
  spawnMonitor,
  TIMEOUT,
} from '../../src/index.ts';
import { collectCrashReports, exitReason, inProcess, mailboxContents } from '../helpers.ts';

function idle() {
  return spawn(() => receive('never'));
}

describe('monitors', () => {
  collectCrashReports();

  it('deliver exactly one DOWN with the exit reason', async () => {
    const got = await inProcess(async () => {
      const target = spawn(async () => {
        await receive('go');
        exit('bye');
      });
      const ref = monitor(target);
      send(target, 'go');
      const down = await receive({ type: 'DOWN' });
      // Anything more (a second DOWN) would be there by the time a later process has run.
      await exitReason(spawn(() => {}));
      return { down, ref, target, rest: await mailboxContents() };
    });
    expect(got.down).toEqual({ type: 'DOWN', ref: got.ref, pid: got.target, reason: 'bye' });
    expect(got.rest).toEqual([]);
  });

  it('one DOWN per monitor: two monitors on one process give two DOWNs with their refs', async () => {
    const got = await inProcess(async () => {
      const target = idle();
      const refs = [monitor(target), monitor(target)];
      exit(target, 'kill');
      const downs = (await mailboxContents()) as DownMessage[];
      return { refs, downRefs: downs.map((d) => d.ref), reasons: downs.map((d) => d.reason) };
    });
    expect(got.downRefs).toEqual(got.refs);
    expect(got.reasons).toEqual(['killed', 'killed']);
  });

  it('keep every other monitor when one in the middle is dropped, on both sides', async () => {
    const got = await inProcess(async () => {
      const me = self();
      const target = idle();
      const other = idle();
      // Monitors on `target` from this process and from a helper, interleaved.
      const refs = [monitor(target), monitor(other), monitor(target)];
      const helper = spawn(async () => {
        send(me, monitor(target));
        await receive('never');
      });
      await receive((m) => m instanceof Ref);
      refs.push(monitor(target));
      const dropped = [demonitor(refs[2]!), demonitor(refs[2]!)];
      const before = { mine: Process.info(me)?.monitors, on: Process.info(target)?.monitoredBy };
      exit(target, 'kill');
      const downs = (await mailboxContents()) as DownMessage[];
      return {
        refs,
        me,
        target,
        other,
        helper,
        dropped,
        before,
        downRefs: downs.map((d) => d.ref),
        after: Process.info(me)?.monitors,
        targetsWatchers: Process.info(other)?.monitoredBy,
      };
    });
    expect(got.dropped).toEqual([true, false]);
    expect(got.before.mine).toEqual([got.target, got.other, got.target]);
    expect(got.before.on).toEqual([got.me, got.helper, got.me]);
    // Exactly one DOWN for each monitor still active, oldest first; none for the dropped one.
    expect(got.downRefs).toEqual([got.refs[0], got.refs[3]]);
    expect(got.after).toHaveLength(1); // the monitor on `other` only
    expect(got.targetsWatchers).toHaveLength(1);
  });

  it('monitoring a dead pid delivers DOWN with noproc at once', async () => {
    const dead = spawn(() => {});
    await exitReason(dead);
    const got = await inProcess(async () => {
      const ref = monitor(dead);
      return { ref, message: await receive(undefined, 0) };
    });
    expect(got.message).toEqual({ type: 'DOWN', ref: got.ref, pid: dead, reason: 'noproc' });
  });

  it('monitoring a name nobody has delivers DOWN with noproc naming it', async () => {
    const message = await inProcess(async () => {
      monitor('nobody_has_this_name');
      return receive(undefined, 0);
    });
    expect(message).toMatchObject({ type: 'DOWN', pid: 'nobody_has_this_name', reason: 'noproc' });
  });

  it('monitoring a registered name watches the process behind it', async () => {
    const target = idle();
    register('monitored_by_name', target);
    const got = await inProcess(async () => {
      const ref = monitor('monitored_by_name');
      exit(target, 'shutdown');
      return { ref, message: (await receive(undefined, 0)) as DownMessage };
    });
    expect(got.message).toMatchObject({ type: 'DOWN', ref: got.ref, reason: 'shutdown' });
  });

  it('are one-way: the monitor does not die with the target', async () => {
    const got = await inProcess(async () => {
      const target = spawn(() => exit('crash'));
      monitor(target);
      await receive({ type: 'DOWN' });
      return Process.info(self()) !== undefined;
    });
    expect(got).toBe(true);
  });

  it('demonitor stops the DOWN; it returns whether the monitor was active', async () => {
    const got = await inProcess(async () => {
      const target = idle();
      const ref = monitor(target);
      const first = demonitor(ref);
      const second = demonitor(ref);
      exit(target, 'kill');
      return { first, second, rest: await mailboxContents(), info: Process.info(self())?.monitors };
    });
    expect(got).toEqual({ first: true, second: false, rest: [], info: [] });
  });

  it('demonitor with flush removes a DOWN already delivered, and only that one', async () => {
    const got = await inProcess(async () => {
      const a = idle();
      const b = idle();
      const refA = monitor(a);
      const refB = monitor(b);
      send(self(), 'keep me');
      exit(a, 'kill');
      exit(b, 'kill');
      const active = demonitor(refA, { flush: true });
      return { active, refB, rest: await mailboxContents() };
    });
    expect(got.active).toBe(false);
    expect(got.rest).toEqual(['keep me', expect.objectContaining({ type: 'DOWN', ref: got.refB })]);
  });

  it('demonitor without flush leaves a delivered DOWN in the mailbox', async () => {
    const got = await inProcess(async () => {
      const a = idle();
      const ref = monitor(a);
      exit(a, 'kill');
      demonitor(ref);
      return (await mailboxContents()).length;
    });
    expect(got).toBe(1);
  });

  it('spawnMonitor is atomic: a child that crashes at once still gives its DOWN', async () => {
    const got = await inProcess(async () => {
      const [pid, ref] = spawnMonitor(() => {
        throw new Error('instant');
      });
      const down = (await receive(undefined, 1000)) as DownMessage;
      return { pid, ref, down };
    });
    expect(got.ref).toBeInstanceOf(Ref);
    expect(got.down).toMatchObject({ type: 'DOWN', ref: got.ref, pid: got.pid });
    expect((got.down.reason as Error).message).toBe('instant');
  });

  it('spawnMonitor does not link: the monitor survives the child', async () => {
    const got = await inProcess(async () => {
      const [, ref] = spawnMonitor(() => exit('gone'));
      const down = await receive({ type: 'DOWN', ref });
      return { down, stillHere: await receive(undefined, 0) };
    });
    expect(got.down).toMatchObject({ reason: 'gone' });
    expect(got.stillHere).toBe(TIMEOUT);
  });
});
