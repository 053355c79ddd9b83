import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import {
  DynamicSupervisor,
  type DynamicSupervisorOptions,
  exit,
  isAlive,
  Pid,
  Process,
  receive,
  type StartResult,
  Supervisor,
  send,
  spawnLink,
  trapExit,
} from '../src/index.ts';
import { procOf } from '../src/process.ts';
import { collectCrashReports, exitReason } from './helpers.ts';
import { crash, okPid, stubborn, waitFor, worker } from './supervision_helpers.ts';

const crashes = collectCrashReports();

let started: Pid[] = [];

afterEach(() => {
  for (const pid of started) if (isAlive(pid)) exit(pid, 'kill');
  started = [];
});

async function startSup(options: DynamicSupervisorOptions = {}): Promise<Pid> {
  const sup = okPid(await DynamicSupervisor.start(options));
  started.push(sup);
  return sup;
}

async function childPids(sup: Pid | string): Promise<unknown[]> {
  return (await DynamicSupervisor.whichChildren(sup)).map((child) => child.pid);
}

describe('DynamicSupervisor', () => {
  it('starts with no children and supervises each child it is given', async () => {
    const log: string[] = [];
    const sup = await startSup();
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([]);
    const a = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'a')));
    const b = okPid(
      await DynamicSupervisor.startChild(sup, worker(log, 'b', { type: 'supervisor' })),
    );
    expect(Process.info(a)?.links).toContain(sup);
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([
      { id: 'a', pid: a, type: 'worker', restart: 'permanent' },
      { id: 'b', pid: b, type: 'supervisor', restart: 'permanent' },
    ]);
    expect(await DynamicSupervisor.countChildren(sup)).toEqual({
      specs: 2,
      active: 2,
      supervisors: 1,
      workers: 1,
    });
    expect(procOf(sup)?.meta?.children?.()).toEqual([
      { id: 'a', pid: a, type: 'worker' },
      { id: 'b', pid: b, type: 'supervisor' },
    ]);
  });

  it('refuses children beyond maxChildren', async () => {
    const log: string[] = [];
    const sup = await startSup({ maxChildren: 2 });
    const a = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'a')));
    okPid(await DynamicSupervisor.startChild(sup, worker(log, 'b')));
    expect(await DynamicSupervisor.startChild(sup, worker(log, 'c'))).toEqual([
      'error',
      'max_children',
    ]);
    expect(log).toEqual(['start a', 'start b']);
    expect(await DynamicSupervisor.terminateChild(sup, a)).toBe('ok');
    okPid(await DynamicSupervisor.startChild(sup, worker(log, 'c')));
  });

  it('passes on ignore and start errors, and keeps no such child', async () => {
    const sup = await startSup();
    const ignoring = { start: (): StartResult => 'ignore' };
    const failing = { start: (): StartResult => ['error', 'no_room'] };
    expect(await DynamicSupervisor.startChild(sup, ignoring)).toBe('ignore');
    expect(await DynamicSupervisor.startChild(sup, failing)).toEqual(['error', 'no_room']);
    expect(await DynamicSupervisor.startChild(sup, { start: 42 } as never)).toEqual([
      'error',
      ['invalid_start', 42],
    ]);
    expect(await DynamicSupervisor.countChildren(sup)).toMatchObject({ specs: 0 });
  });

  it('restarts a crashed permanent child', async () => {
    const log: string[] = [];
    const sup = await startSup();
    const a = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'a')));
    const b = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'b')));
    crash(a);
    const [restarted] = await waitFor(async () => {
      const pids = await childPids(sup);
      return pids.length === 2 && !pids.includes(a) ? pids.filter((p) => p !== b) : undefined;
    }, 'a to restart');
    expect(restarted).toBeInstanceOf(Pid);
    expect(isAlive(b)).toBe(true);
    expect(log).toEqual(['start a', 'start b', 'stop a', 'start a']);
  });

  it('does not restart a temporary child, nor a transient one that ended normally', async () => {
    const log: string[] = [];
    const sup = await startSup();
    const t = okPid(
      await DynamicSupervisor.startChild(sup, worker(log, 't', { restart: 'temporary' })),
    );
    const n = okPid(
      await DynamicSupervisor.startChild(sup, worker(log, 'n', { restart: 'transient' })),
    );
    crash(t, 'boom');
    crash(n, 'normal');
    await waitFor(async () => (await childPids(sup)).length === 0, 'both children to go');
    expect(log.sort()).toEqual(['start n', 'start t', 'stop n', 'stop t']);
    const reports = crashes.reports.filter((r) => r.kind === 'supervisor');
    expect(reports).toEqual([
      expect.objectContaining({
        pid: sup,
        reason: 'boom',
        child: { id: 't', pid: t, restart: 'temporary', type: 'worker' },
      }),
    ]);
  });

  it("lets go of a temporary child's start once it has run, and keeps a permanent one's", async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const log: string[] = [];
    const sup = await startSup();
    /** Starts a child whose `start` alone holds an object; a weak ref to that object. */
    async function startHolding(restart: 'temporary' | 'permanent'): Promise<WeakRef<object>> {
      const held = { restart };
      const spec = worker(log, restart, { restart });
      const start = spec.start;
      okPid(await DynamicSupervisor.startChild(sup, { ...spec, start: () => (held && start)() }));
      return new WeakRef(held);
    }
    const temporary = await startHolding('temporary');
    const permanent = await startHolding('permanent');
    await new Promise((resolve) => setImmediate(resolve));
    gc();
    expect(temporary.deref()).toBeUndefined();
    expect(permanent.deref()).toEqual({ restart: 'permanent' });
    // Both are still listed, with their ids.
    const ids = (await DynamicSupervisor.whichChildren(sup)).map((child) => child.id);
    expect(ids.sort()).toEqual(['permanent', 'temporary']);
  });

  it('terminates a child by pid', async () => {
    const log: string[] = [];
    const sup = await startSup();
    const a = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'a')));
    const aExit = exitReason(a);
    expect(await DynamicSupervisor.terminateChild(sup, a)).toBe('ok');
    expect(await aExit).toBe('shutdown');
    expect(await DynamicSupervisor.whichChildren(sup)).toEqual([]);
    expect(await DynamicSupervisor.terminateChild(sup, a)).toEqual(['error', 'not_found']);
  });

  it('shuts all its children down when it stops', async () => {
    const log: string[] = [];
    const sup = await startSup();
    for (const id of ['a', 'b', 'c']) await DynamicSupervisor.startChild(sup, worker(log, id));
    const exits = (await childPids(sup)).map((pid) => exitReason(pid as Pid));
    await DynamicSupervisor.stop(sup);
    expect(await Promise.all(exits)).toEqual(['shutdown', 'shutdown', 'shutdown']);
    expect(log.filter((line) => line.startsWith('stop')).sort()).toEqual([
      'stop a',
      'stop b',
      'stop c',
    ]);
  });

  it('shuts its children down at the same time, not one after another', async () => {
    // Each child, told to shut down, waits to hear from the other before it exits. Stopped
    // one at a time, the first would wait for ever for a sibling that was never told.
    const sup = await startSup();
    const peers: Pid[] = [];
    const pair = () => ({
      shutdown: 'infinity' as const,
      start: (): StartResult => {
        const index = peers.length;
        const pid = spawnLink(async () => {
          trapExit(true);
          await receive({ type: 'EXIT', reason: 'shutdown' });
          send(peers[1 - index] as Pid, 'bye');
          await receive('bye');
          exit('shutdown');
        });
        peers.push(pid);
        return ['ok', pid];
      },
    });
    await DynamicSupervisor.startChild(sup, pair());
    await DynamicSupervisor.startChild(sup, pair());
    const exits = peers.map(exitReason);
    await DynamicSupervisor.stop(sup);
    expect(await Promise.all(exits)).toEqual(['shutdown', 'shutdown']);
  });

  it('kills a child that ignores shutdown once its time is up', async () => {
    const sup = await startSup();
    const deaf = okPid(await DynamicSupervisor.startChild(sup, stubborn('deaf', 50)));
    const deafExit = exitReason(deaf);
    await DynamicSupervisor.stop(sup);
    expect(await deafExit).toBe('killed');
  });

  it('shuts down after too many restarts', async () => {
    const log: string[] = [];
    const sup = await startSup({ maxRestarts: 1, maxSeconds: 60 });
    const supExit = exitReason(sup);
    const other = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'other')));
    const otherExit = exitReason(other);
    const first = okPid(await DynamicSupervisor.startChild(sup, worker(log, 'a')));
    crash(first);
    const [second] = await waitFor(async () => {
      const fresh = (await childPids(sup)).filter((p) => p !== first && p !== other);
      return fresh.length === 1 ? fresh : undefined;
    }, 'a to restart');
    crash(second);
    expect(await supExit).toBe('shutdown');
    expect(await otherExit).toBe('shutdown');
  });

  it('runs under a Supervisor through its child spec', async () => {
    const log: string[] = [];
    const top = okPid(await Supervisor.start([DynamicSupervisor.childSpec({ name: 'rooms' })]));
    started.push(top);
    const rooms = await Supervisor.whichChildren(top);
    expect(rooms).toEqual([
      { id: 'rooms', pid: expect.any(Pid), type: 'supervisor', restart: 'permanent' },
    ]);
    const room = okPid(await DynamicSupervisor.startChild('rooms', worker(log, 'lobby')));
    expect(Process.info(room)?.links).toContain(rooms[0]?.pid);
    await Supervisor.stop(top);
    expect(log).toEqual(['start lobby', 'stop lobby']);
  });
});
