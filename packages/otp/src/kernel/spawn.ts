/**
 * Spawning: a new process runs its body in its own context, and exits when the body returns
 * (`normal`), throws (the error, with a crash report) or calls `exit(reason)`.
 */
import { reportCrash } from '../crash.js';
import { BadArgError, ExitError } from '../errors.js';
import { type Pid, Ref } from '../pid.js';
import { actingProc, context, currentProc, live, Proc } from './proc.js';
import { markBusy } from './scheduler.js';
import { linkProcs, monitorProc, terminate } from './signals.js';

export type ProcessBody = () => unknown;

export interface SpawnOptions {
  /** Link the new process to the caller before it runs (`spawn_link`). */
  link?: boolean;
  /** Monitor the new process before it runs (`spawn_monitor`); the ref comes back. */
  monitor?: boolean;
}

/** @internal Creates a process and starts `body` in it on the next microtask. */
export function spawnProc(
  body: ProcessBody,
  options: SpawnOptions = {},
): { proc: Proc; ref?: Ref } {
  return spawnFrom(currentProc(), body, options);
}

function spawnFrom(
  parent: Proc,
  body: ProcessBody,
  options: SpawnOptions,
): { proc: Proc; ref?: Ref } {
  if (typeof body !== 'function') throw new BadArgError('spawn needs a function to run');
  const proc = new Proc();
  live.count++;
  markBusy(proc);
  if (options.link) linkProcs(parent, proc);
  const ref = options.monitor ? monitorProc(parent, proc) : undefined;
  // Like Erlang's spawn, the new process runs after spawn returns, never inside the caller.
  queueMicrotask(() => {
    if (proc.status !== 'exited') context.run(proc, run, proc, body);
  });
  return ref === undefined ? { proc } : { proc, ref };
}

function run(proc: Proc, body: ProcessBody): void {
  let result: unknown;
  try {
    result = body();
  } catch (error) {
    finish(proc, error, true);
    return;
  }
  if (result instanceof Promise) {
    // Shared handlers, not closures over proc: they run in the process's context, which tells
    // them the process. An idle process holds ~150 bytes less.
    result.then(bodyReturned, bodyThrew);
  } else if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
    (result as PromiseLike<unknown>).then(
      () => finish(proc, 'normal', false),
      (error) => finish(proc, error, true),
    );
  } else {
    finish(proc, 'normal', false);
  }
}

function bodyReturned(): void {
  finish(context.getStore() as Proc, 'normal', false);
}

function bodyThrew(error: unknown): void {
  finish(context.getStore() as Proc, error, true);
}

/**
 * @internal A process's code threw `error` outside its body's own promise (receiveEach's
 * handler): the process exits as if its body had thrown it.
 */
export function failProcess(proc: Proc, error: unknown): void {
  finish(proc, error, true);
}

/** The body returned or threw: the process exits (unless something killed it first). */
function finish(proc: Proc, outcome: unknown, threw: boolean): void {
  if (proc.status === 'exited') return;
  if (!threw) {
    terminate(proc, 'normal');
  } else if (outcome instanceof ExitError) {
    terminate(proc, outcome.reason);
  } else {
    try {
      reportCrash({ kind: 'process', pid: proc.pid, name: proc.name, reason: outcome });
    } finally {
      // A crash reporter that throws must not leave the process half dead.
      terminate(proc, outcome);
    }
  }
}

/** Starts a process running `body`; returns its pid at once. */
export function spawn(body: ProcessBody): Pid {
  const parent = actingProc('spawn');
  return parent === null ? stillborn() : spawnFrom(parent, body, NO_OPTIONS).proc.pid;
}

/** Starts a process linked to the caller: atomically, so no exit can fall between. */
export function spawnLink(body: ProcessBody): Pid {
  const parent = actingProc('spawnLink');
  return parent === null ? stillborn() : spawnFrom(parent, body, LINK).proc.pid;
}

/** Starts a process monitored by the caller, atomically; returns `[pid, ref]`. */
export function spawnMonitor(body: ProcessBody): [Pid, Ref] {
  const parent = actingProc('spawnMonitor');
  if (parent === null) return [stillborn(), new Ref()];
  const { proc, ref } = spawnFrom(parent, body, MONITOR);
  return [proc.pid, ref as Ref];
}

const NO_OPTIONS: SpawnOptions = {};
const LINK: SpawnOptions = { link: true };
const MONITOR: SpawnOptions = { monitor: true };

/**
 * What a spawn by a dead process gives: the pid of a process that never runs, as if it had
 * exited at once (`noproc`). Nothing is started for a process that is gone.
 */
function stillborn(): Pid {
  const proc = new Proc();
  proc.status = 'exited';
  proc.exitReason = 'noproc';
  proc.pid.proc = null;
  return proc.pid;
}
