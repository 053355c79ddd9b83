import { afterEach, describe, expect, it } from 'vitest';
import {
  type ChildSpec,
  type CrashReport,
  exit,
  formatCrashReport,
  GenServer,
  isAlive,
  Pid,
  Process,
  type StartResult,
  type Strategy,
  Supervisor,
  type SupervisorModule,
  type SupervisorOptions,
  spawn,
  trapExit,
  whereis,
} from '../src/index.ts';
import { procOf } from '../src/process.ts';
import {
  collectCrashReports,
  deferred,
  exitReason,
  inProcess,
  mailboxContents,
} from './helpers.ts';
import { crash, okPid, stubborn, Worker, waitFor, worker } from './supervision_helpers.ts';

const crashes = collectCrashReports();

/** Supervisors a test started, killed after it so that no test sees another's processes. */
let started: Pid[] = [];

afterEach(() => {
  for (const pid of started) if (isAlive(pid)) exit(pid, 'kill');
  started = [];
});

async function startSup(children: ChildSpec[], options: SupervisorOptions = {}): Promise<Pid> {
  const sup = okPid(await Supervisor.start(children, options));
  started.push(sup);
  return sup;
}

async function childPid(sup: Pid | string, id: string): Promise<Pid | 'restarting' | undefined> {
  return (await Supervisor.whichChildren(sup)).find((child) => child.id === id)?.pid;
}

async function pids(sup: Pid): Promise<Pid[]> {
  return (await Supervisor.whichChildren(sup)).map((child) => child.pid as Pid);
}

/** Waits until child `id` runs with a pid other than `old`, and returns it. */
function restarted(sup: Pid, id: string, old: unknown): Promise<Pid> {
  return waitFor(async () => {
    const pid = await childPid(sup, id);
    return pid instanceof Pid && pid !== old ? pid : undefined;
  }, `child ${id} to restart`);
}

function supervisorReports(): CrashReport[] {
  return crashes.reports.filter((r) => r.kind === 'supervisor');
}

describe('Supervisor: starting', () => {
  it('starts the children in order, linked to the supervisor, and lists them', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 'b', { type: 'supervisor' })]);
    expect(log).toEqual(['start a', 'start b']);
    const children = await Supervisor.whichChildren(sup);
    expect(children.map(({ id, type, restart }) => [id, type, restart])).toEqual([
      ['a', 'worker', 'permanent'],
      ['b', 'supervisor', 'permanent'],
    ]);
    for (const { pid } of children) {
      expect(isAlive(pid as Pid)).toBe(true);
      expect(Process.info(pid as Pid)?.links).toContain(sup);
    }
    expect(await Supervisor.countChildren(sup)).toEqual({
      specs: 2,
      active: 2,
      supervisors: 1,
      workers: 1,
    });
    expect(Process.info(sup)?.behaviour).toBe('supervisor');
    expect(Process.info(sup)?.trapExit).toBe(true);
  });

  it('describes its children for the tree printer', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 'b', { type: 'supervisor' })]);
    const listed = procOf(sup)?.meta?.children?.();
    expect(listed).toEqual([
      { id: 'a', pid: await childPid(sup, 'a'), type: 'worker' },
      { id: 'b', pid: await childPid(sup, 'b'), type: 'supervisor' },
    ]);
  });

  it('stops the children it started, last first, when a child fails to start', async () => {
    const log: string[] = [];
    const failing: ChildSpec = { id: 'c', start: () => ['error', 'no_database'] };
    const result = await Supervisor.start([worker(log, 'a'), worker(log, 'b'), failing]);
    expect(result).toEqual(['error', { shutdown: ['failed_to_start_child', 'c', 'no_database'] }]);
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
    expect(supervisorReports()).toEqual([
      expect.objectContaining({
        context: 'child failed to start',
        child: { id: 'c', pid: undefined, restart: 'permanent', type: 'worker' },
        reason: 'no_database',
        action: 'stopping the children started so far',
      }),
    ]);
  });

  it('does not start the children after one that fails', async () => {
    const log: string[] = [];
    const CrashingInit = {
      name: 'CrashingInit',
      init: () => Promise.reject(new Error('bad config')),
    };
    const result = await Supervisor.start([
      worker(log, 'a'),
      Supervisor.childSpec(CrashingInit, null),
      worker(log, 'c'),
    ]);
    expect(result).toEqual([
      'error',
      { shutdown: ['failed_to_start_child', 'CrashingInit', expect.any(Error)] },
    ]);
    expect(log).toEqual(['start a', 'stop a']);
  });

  // Checked against OTP 25 (Elixir 1.14): Supervisor.start_link whose child fails to start
  // answers {error, {shutdown, {failed_to_start_child, id, reason}}}, and the supervisor exits
  // with that reason, still linked: a caller that does not trap exits dies of it.
  it('startLink: a child that fails to start kills a linked caller that does not trap exits', async () => {
    const failing: ChildSpec = { id: 'db', start: () => ['error', 'no_database'] };
    const returned = deferred<unknown>();
    const caller = spawn(async () => returned.resolve(await Supervisor.startLink([failing])));
    const reason = { shutdown: ['failed_to_start_child', 'db', 'no_database'] };
    expect(await exitReason(caller)).toEqual(reason);
    expect(await returned.promise).toEqual(['error', reason]);
  });

  it('startLink: a caller that traps exits gets the error, then the EXIT', async () => {
    const failing: ChildSpec = { id: 'db', start: () => ['error', 'no_database'] };
    const got = await inProcess(async () => {
      trapExit(true);
      const result = await Supervisor.startLink([failing]);
      return { result, mailbox: await mailboxContents() };
    });
    const reason = { shutdown: ['failed_to_start_child', 'db', 'no_database'] };
    expect(got).toEqual({
      result: ['error', reason],
      mailbox: [{ type: 'EXIT', from: expect.any(Pid), reason }],
    });
  });

  it('a child whose init stops takes down no one: the supervisor takes its EXIT, reports, goes on', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a')]);
    const Stopping = { name: 'Stopping', init: () => ['stop', 'no_database'] as const };
    const started = await Supervisor.startChild(sup, Supervisor.childSpec(Stopping, null));
    expect(started).toEqual(['error', 'no_database']);
    // The failed child's EXIT reached the supervisor, which knows no such child and goes on.
    expect(await Supervisor.countChildren(sup)).toMatchObject({ specs: 1, active: 1 });
    expect(isAlive(sup)).toBe(true);
    expect(log).toEqual(['start a']);
  });

  it('refuses child specs with the same id, or that are not specs', async () => {
    const log: string[] = [];
    expect(await Supervisor.start([worker(log, 'a'), worker(log, 'a')])).toEqual([
      'error',
      ['start_spec', ['duplicate_child_name', 'a']],
    ]);
    const badRestart = { ...worker(log, 'b'), restart: 'sometimes' } as unknown as ChildSpec;
    expect(await Supervisor.start([badRestart])).toEqual([
      'error',
      ['start_spec', ['invalid_restart_type', 'sometimes']],
    ]);
    expect(await Supervisor.start([], { maxRestarts: -1 })).toEqual([
      'error',
      ['supervisor_data', ['invalid_intensity', -1]],
    ]);
    expect(log).toEqual([]);
  });

  it('registers a name, and refuses a second supervisor with that name', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a')], { name: 'named_sup' });
    expect(whereis('named_sup')).toBe(sup);
    expect(await childPid('named_sup', 'a')).toBeInstanceOf(Pid);
    expect(await Supervisor.start([worker(log, 'b')], { name: 'named_sup' })).toEqual([
      'error',
      ['already_started', sup],
    ]);
    expect(log).toEqual(['start a']);
    await Supervisor.stop('named_sup');
    expect(whereis('named_sup')).toBeUndefined();
  });

  it('runs a supervisor module: init gives the children and flags, or ignore', async () => {
    const log: string[] = [];
    const AppSupervisor: SupervisorModule<string[]> = {
      name: 'AppSupervisor',
      init: (ids) =>
        Supervisor.init(
          ids.map((id) => worker(log, id)),
          { strategy: 'one_for_all' },
        ),
    };
    const sup = okPid(await Supervisor.start(AppSupervisor, ['x', 'y']));
    started.push(sup);
    expect(log).toEqual(['start x', 'start y']);
    expect(procOf(sup)?.meta).toMatchObject({ module: 'AppSupervisor', strategy: 'one_for_all' });
    const x = await childPid(sup, 'x');
    crash(await childPid(sup, 'y'));
    await restarted(sup, 'x', x);
    expect(log.slice(2)).toEqual(['stop y', 'stop x', 'start x', 'start y']);

    const Idle: SupervisorModule<null> = { init: () => 'ignore' };
    expect(await Supervisor.start(Idle, null)).toBe('ignore');
  });
});

describe('Supervisor: strategies', () => {
  async function crashSecond(strategy: Strategy, ids: string[]) {
    const log: string[] = [];
    const sup = await startSup(
      ids.map((id) => worker(log, id)),
      { strategy },
    );
    const before = await pids(sup);
    crash(before[1]);
    await restarted(sup, ids[1] as string, before[1]);
    const after = await pids(sup);
    return { log: log.slice(ids.length), same: ids.filter((_, i) => after[i] === before[i]) };
  }

  it('one_for_one restarts only the child that exited', async () => {
    const { log, same } = await crashSecond('one_for_one', ['a', 'b', 'c']);
    expect(log).toEqual(['stop b', 'start b']);
    expect(same).toEqual(['a', 'c']);
  });

  it('one_for_all stops the others, last started first, then starts all in order', async () => {
    const { log, same } = await crashSecond('one_for_all', ['a', 'b', 'c']);
    expect(log).toEqual(['stop b', 'stop c', 'stop a', 'start a', 'start b', 'start c']);
    expect(same).toEqual([]);
  });

  it('rest_for_one restarts the child and those started after it', async () => {
    const { log, same } = await crashSecond('rest_for_one', ['a', 'b', 'c', 'd']);
    expect(log).toEqual(['stop b', 'stop d', 'stop c', 'start b', 'start c', 'start d']);
    expect(same).toEqual(['a']);
  });

  it('one_for_all drops a temporary sibling instead of restarting it', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 't', { restart: 'temporary' })], {
      strategy: 'one_for_all',
    });
    const a = await childPid(sup, 'a');
    crash(a);
    await restarted(sup, 'a', a);
    expect(log.slice(2)).toEqual(['stop a', 'stop t', 'start a']);
    expect((await Supervisor.whichChildren(sup)).map((c) => c.id)).toEqual(['a']);
  });
});

describe('Supervisor: restart types', () => {
  it('restarts a permanent child whatever its exit reason, even normal', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'p')]);
    const first = await childPid(sup, 'p');
    crash(first, 'normal');
    const second = await restarted(sup, 'p', first);
    crash(second, 'shutdown');
    await restarted(sup, 'p', second);
    expect(log).toEqual(['start p', 'stop p', 'start p', 'stop p', 'start p']);
  });

  it('restarts a transient child only after an abnormal exit', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 't', { restart: 'transient' })]);
    const first = await childPid(sup, 't');
    crash(first, 'boom');
    const second = await restarted(sup, 't', first);
    crash(second, { shutdown: 'closing' });
    await waitFor(async () => (await childPid(sup, 't')) === undefined, 'the child to stop');
    expect(await Supervisor.whichChildren(sup)).toEqual([
      { id: 't', pid: undefined, type: 'worker', restart: 'transient' },
    ]);
    expect(log).toEqual(['start t', 'stop t', 'start t', 'stop t']);
  });

  it('never restarts a temporary child and forgets it when it exits', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 't', { restart: 'temporary' })]);
    crash(await childPid(sup, 't'), 'boom');
    await waitFor(async () => (await Supervisor.whichChildren(sup)).length === 1, 't to go');
    expect(await Supervisor.countChildren(sup)).toMatchObject({ specs: 1, active: 1 });
    expect(log).toEqual(['start a', 'start t', 'stop t']);
    expect(supervisorReports()).toEqual([
      expect.objectContaining({
        pid: sup,
        context: 'child terminated',
        child: expect.objectContaining({ id: 't', restart: 'temporary' }),
        action: 'not restarting it (temporary child)',
      }),
    ]);
  });

  it('reports a crashed child, but not a transient one that ended normally', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'c'), worker(log, 'n', { restart: 'transient' })]);
    crash(await childPid(sup, 'n'), 'normal');
    const c = await childPid(sup, 'c');
    crash(c, 'boom');
    await restarted(sup, 'c', c);
    expect(supervisorReports()).toEqual([
      expect.objectContaining({
        pid: sup,
        reason: 'boom',
        context: 'child terminated',
        child: { id: 'c', pid: c, restart: 'permanent', type: 'worker' },
        action: 'restarting it',
      }),
    ]);
  });
});

describe('Supervisor: reports', () => {
  it('say which supervisor, which child (id and pid), why, and what the supervisor does', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'counter')], { name: 'counters' });
    const before = await childPid(sup, 'counter');
    crash(before, 'boom');
    await restarted(sup, 'counter', before);
    const [report] = supervisorReports();
    expect(formatCrashReport(report as CrashReport).split('\n')).toEqual([
      '=SUPERVISOR REPORT= child terminated',
      `  supervisor: ${sup} (counters)`,
      `  child:      'counter' ${before} (permanent worker)`,
      '  reason:     boom',
      '  action:     restarting it',
    ]);
  });
});

describe('Supervisor: restart intensity', () => {
  it('shuts down with its children, and its linked parent, after too many restarts', async () => {
    const log: string[] = [];
    const supervisor = deferred<Pid>();
    const parent = spawn(async () => {
      const children = [worker(log, 'a'), worker(log, 'b'), worker(log, 'c')];
      supervisor.resolve(
        okPid(await Supervisor.startLink(children, { maxRestarts: 2, maxSeconds: 60 })),
      );
      await new Promise(() => {}); // lives until an exit signal ends it
    });
    const sup = await supervisor.promise;
    const parentExit = exitReason(parent);
    const supExit = exitReason(sup);
    let b = await childPid(sup, 'b');
    for (let i = 0; i < 2; i++) {
      crash(b);
      b = await restarted(sup, 'b', b);
    }
    crash(b);
    expect(await supExit).toBe('shutdown');
    expect(await parentExit).toBe('shutdown');
    expect(log.slice(-3)).toEqual(['stop b', 'stop c', 'stop a']);
    // The last exit is reported with what the supervisor does about it: it gives up.
    expect(supervisorReports().at(-1)).toMatchObject({
      pid: sup,
      reason: 'boom',
      child: { id: 'b', restart: 'permanent' },
      action: 'stopping all its children and shutting down: more than 2 restarts in 60 s',
    });
  });

  it('forgets restarts older than maxSeconds', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a')], { maxRestarts: 1, maxSeconds: 0.05 });
    let a = await childPid(sup, 'a');
    for (let i = 0; i < 3; i++) {
      crash(a);
      a = await restarted(sup, 'a', a);
      // Sleeping is the point here: the restart above must fall out of the 50 ms window.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(isAlive(sup)).toBe(true);
  });

  it('retries a restart that fails, counting each attempt', async () => {
    const log: string[] = [];
    let attempts = 0;
    const flaky: ChildSpec = {
      id: 'flaky',
      start: () => {
        attempts++;
        // The first start works; after a crash, two restarts fail before one works.
        if (attempts === 2 || attempts === 3) return ['error', 'not_yet'];
        return GenServer.startLink(Worker, { id: 'flaky', log });
      },
    };
    const sup = await startSup([flaky], { maxRestarts: 5, maxSeconds: 60 });
    const first = await childPid(sup, 'flaky');
    crash(first);
    await restarted(sup, 'flaky', first);
    expect(attempts).toBe(4);
    const failed = supervisorReports().filter((r) => r.context === 'child failed to start');
    expect(failed).toHaveLength(2);
  });

  it('gives up on a child that can never restart', async () => {
    let attempts = 0;
    const log: string[] = [];
    const once: ChildSpec = {
      id: 'once',
      start: (): Promise<StartResult> | StartResult =>
        ++attempts === 1 ? GenServer.startLink(Worker, { id: 'once', log }) : ['error', 'gone'],
    };
    const sup = await startSup([once], { maxRestarts: 3, maxSeconds: 60 });
    const supExit = exitReason(sup);
    crash(await childPid(sup, 'once'));
    expect(await supExit).toBe('shutdown');
    expect(attempts).toBe(1 + 3);
  });
});

describe('Supervisor: shutdown', () => {
  it('stops its children, last started first, when stopped', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 'b'), worker(log, 'c')]);
    const exits = (await pids(sup)).map(exitReason);
    await Supervisor.stop(sup);
    expect(log).toEqual(['start a', 'start b', 'start c', 'stop c', 'stop b', 'stop a']);
    expect(await Promise.all(exits)).toEqual(['shutdown', 'shutdown', 'shutdown']);
  });

  it('stops its children, then itself, when its parent exits', async () => {
    const log: string[] = [];
    const supervisor = deferred<Pid>();
    spawn(async () => {
      supervisor.resolve(okPid(await Supervisor.startLink([worker(log, 'a'), worker(log, 'b')])));
      exit('shutdown');
    });
    const sup = await supervisor.promise;
    expect(await exitReason(sup)).toBe('shutdown');
    expect(log).toEqual(['start a', 'start b', 'stop b', 'stop a']);
  });

  it('kills a child that ignores shutdown once its shutdown time is up', async () => {
    const sup = await startSup([stubborn('deaf', 50)]);
    const deaf = exitReason((await childPid(sup, 'deaf')) as Pid);
    await Supervisor.stop(sup);
    expect(await deaf).toBe('killed');
    expect(supervisorReports()).toEqual([
      expect.objectContaining({
        context: 'child did not stop within 50 ms of shutdown',
        child: expect.objectContaining({ id: 'deaf' }),
        reason: 'killed',
        action: 'killed it',
      }),
    ]);
  });

  it('kills a brutal_kill child at once, without running its terminate', async () => {
    const log: string[] = [];
    const sup = await startSup([
      stubborn('deaf', 'brutal_kill'),
      worker(log, 'w', { shutdown: 'brutal_kill' }),
    ]);
    const exits = (await pids(sup)).map(exitReason);
    await Supervisor.stop(sup);
    expect(await Promise.all(exits)).toEqual(['killed', 'killed']);
    expect(log).toEqual(['start w']);
    expect(supervisorReports()).toEqual([]);
  });

  it('lets a supervisor child stop its own children before going on', async () => {
    const log: string[] = [];
    const inner: ChildSpec = {
      id: 'inner',
      type: 'supervisor',
      start: () => Supervisor.startLink([worker(log, 'x'), worker(log, 'y')]),
    };
    const sup = await startSup([worker(log, 'a'), inner, worker(log, 'b')]);
    const innerPid = (await childPid(sup, 'inner')) as Pid;
    expect(
      procOf(innerPid)
        ?.meta?.children?.()
        .map((c) => c.id),
    ).toEqual(['x', 'y']);
    await Supervisor.stop(sup);
    expect(log.slice(4)).toEqual(['stop b', 'stop y', 'stop x', 'stop a']);
  });
});

describe('Supervisor: managing children', () => {
  it('terminates, restarts and deletes a child by id', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 'b')]);
    const b = await childPid(sup, 'b');
    expect(await Supervisor.restartChild(sup, 'b')).toEqual(['error', 'running']);
    expect(await Supervisor.deleteChild(sup, 'b')).toEqual(['error', 'running']);

    expect(await Supervisor.terminateChild(sup, 'b')).toBe('ok');
    expect(isAlive(b as Pid)).toBe(false);
    expect(await childPid(sup, 'b')).toBeUndefined();
    expect(await Supervisor.countChildren(sup)).toMatchObject({ specs: 2, active: 1 });

    const [ok, again] = await Supervisor.restartChild(sup, 'b');
    expect(ok).toBe('ok');
    expect(again).not.toBe(b);
    expect(await childPid(sup, 'b')).toBe(again);

    await Supervisor.terminateChild(sup, 'b');
    expect(await Supervisor.deleteChild(sup, 'b')).toBe('ok');
    expect((await Supervisor.whichChildren(sup)).map((c) => c.id)).toEqual(['a']);
    expect(log).toEqual(['start a', 'start b', 'stop b', 'start b', 'stop b']);

    expect(await Supervisor.terminateChild(sup, 'zz')).toEqual(['error', 'not_found']);
    expect(await Supervisor.restartChild(sup, 'zz')).toEqual(['error', 'not_found']);
    expect(await Supervisor.deleteChild(sup, 'zz')).toEqual(['error', 'not_found']);
  });

  it('forgets a temporary child it terminates', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 't', { restart: 'temporary' })]);
    expect(await Supervisor.terminateChild(sup, 't')).toBe('ok');
    expect(await Supervisor.whichChildren(sup)).toEqual([]);
  });

  it('adds a child with startChild and supervises it like the others', async () => {
    const log: string[] = [];
    const sup = await startSup([worker(log, 'a'), worker(log, 'b')], { strategy: 'rest_for_one' });
    const [, c] = await Supervisor.startChild(sup, worker(log, 'c'));
    expect(c).toBeInstanceOf(Pid);
    expect((await Supervisor.whichChildren(sup)).map((child) => child.id)).toEqual(['a', 'b', 'c']);
    expect(await Supervisor.startChild(sup, worker(log, 'c'))).toEqual([
      'error',
      ['already_started', c],
    ]);

    const b = await childPid(sup, 'b');
    crash(b);
    await restarted(sup, 'c', c);
    expect(log.slice(3)).toEqual(['stop b', 'stop c', 'start b', 'start c']);

    await Supervisor.terminateChild(sup, 'c');
    expect(await Supervisor.startChild(sup, worker(log, 'c'))).toEqual([
      'error',
      'already_present',
    ]);
  });

  it('returns the error of a child that fails to start, and does not keep it', async () => {
    const sup = await startSup([]);
    const failing: ChildSpec = { id: 'f', start: () => ['error', 'port_in_use'] };
    expect(await Supervisor.startChild(sup, failing)).toEqual(['error', 'port_in_use']);
    expect(await Supervisor.startChild(sup, { id: 'i', start: () => 'ignore' })).toEqual([
      'ok',
      undefined,
    ]);
    expect(await Supervisor.whichChildren(sup)).toEqual([
      { id: 'i', pid: undefined, type: 'worker', restart: 'permanent' },
    ]);
  });
});
