/**
 * What a process is, and the table of processes: the `Proc` record the whole kernel works on,
 * which process is running (AsyncLocalStorage), the shell, the count of live processes and the
 * index of processes that describe themselves (for the tree printer).
 *
 * Which process is running is tracked with AsyncLocalStorage, so `self()`, `send` and `receive`
 * know their caller across any `await`. Code that runs outside every process (a script, a test,
 * the REPL) runs as the shell process, as in iex.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { inspect } from 'node:util';
import { reportCrash } from '../crash.js';
import { BadArgError, type ExitReason, formatReason, ProcessExitedError } from '../errors.js';
import { Mailbox } from '../mailbox.js';
import { Pid, type Ref } from '../pid.js';
import type { Deadline } from '../timeouts.js';
import type { Few } from './few.js';
import type { MonitorRef } from './monitor_ref.js';

/** Code run synchronously when a process exits (see onExit in signals.ts). */
export type ExitHook = (reason: ExitReason) => void;

export type Status = 'running' | 'waiting' | 'exited';
export type Match = (message: unknown) => boolean;

let nextId = 100;

/** @internal A process's state. Only the kernel and the OTP behaviours touch it. */
export class Proc {
  readonly pid: Pid;
  readonly mailbox = new Mailbox();
  status: Status = 'running';
  trapExit = false;
  name: string | undefined = undefined;
  exitReason: ExitReason = undefined;
  /** The processes linked to this one (usually one: its supervisor, see few.ts). */
  links: Few<Proc> = null;
  /** The first of the monitors this process holds (a list through the refs: monitor_ref.ts). */
  monitors: MonitorRef | null = null;
  /** The first of the monitors held on this process. */
  monitoredBy: MonitorRef | null = null;
  /** Set while blocked in `receive`. */
  waitMatch: Match | null = null;
  waitResolve: ((message: unknown) => void) | null = null;
  waitReject: ((error: unknown) => void) | null = null;
  waitTimer: Deadline<Proc> | null = null;
  /** Run synchronously at exit, before any signal goes out (Registry uses it to forget names). */
  exitHooks: ExitHook | ExitHook[] | null = null;
  /** Timers from `sendAfter` aimed at this pid: cancelled when it exits, as in Erlang. */
  timers: Few<Ref> = null;
  #meta: ProcessMeta | undefined = undefined;

  constructor() {
    this.pid = new Pid(nextId++);
    this.pid.proc = this;
  }

  /** What a behaviour says about itself, for `Process.info` and the tree printer. */
  get meta(): ProcessMeta | undefined {
    return this.#meta;
  }

  set meta(meta: ProcessMeta | undefined) {
    this.#meta = meta;
    if (meta !== undefined && this.status !== 'exited') described.add(this);
    else described.delete(this);
  }
}

/** How a behaviour (GenServer, Supervisor, ...) describes its process to inspection tools. */
export interface ProcessMeta {
  readonly behaviour: string;
  readonly module?: string;
  /** Supervisors list their children so the whole tree can be printed. */
  readonly children?: () => Array<{
    id: string;
    pid: Pid | undefined;
    type: 'worker' | 'supervisor';
  }>;
}

/** @internal The running process, carried across every await and callback started inside it. */
export const context = new AsyncLocalStorage<Proc>();

/**
 * Live processes that have `meta`: the tree printer looks for root supervisors among them. The
 * kernel keeps no table of every process (a pid holds its process), so this is the one index.
 */
export const described = new Set<Proc>();

/** @internal How many processes are alive, the shell not counted. */
export const live = { count: 0 };

/** @internal The shell: the process of code that runs outside every process. */
export let shell = newShell();

function newShell(): Proc {
  const proc = new Proc();
  proc.meta = { behaviour: 'shell' };
  return proc;
}

/** @internal Replaces a shell that an exit signal killed; returns the new one. */
export function replaceShell(): Proc {
  shell = newShell();
  return shell;
}

/** @internal The calling process; throws if it has already exited. */
export function currentProc(): Proc {
  const proc = context.getStore() ?? shell;
  if (proc.status === 'exited') throw new ProcessExitedError(proc.pid, proc.exitReason);
  return proc;
}

/**
 * @internal The calling process, for an API that acts for it; null when that process has
 * exited and this is code it left behind (a timer, an event handler, the rest of an async
 * function that was suspended when it was killed). The API then does nothing: a dead process
 * acts on nothing (see "Leftover callbacks" in the README). The first time, a warning names the
 * dead process and what was dropped (`what`, and `target` if it says more).
 */
export function actingProc(what: string, target?: unknown): Proc | null {
  const proc = context.getStore() ?? shell;
  if (proc.status !== 'exited') return proc;
  warnLeftover(proc, what, target);
  return null;
}

/** Dead processes already warned about: one warning each, however much their code does. */
const warned = new WeakSet<Proc>();

function warnLeftover(proc: Proc, what: string, target: unknown): void {
  if (warned.has(proc)) return;
  warned.add(proc);
  reportCrash({
    kind: 'process',
    level: 'warning',
    pid: proc.pid,
    name: proc.name,
    reason: target === undefined ? what : `${what} ${formatReason(target)}`,
    context:
      `exited (${formatReason(proc.exitReason)}), and code it left behind (a timer, an event ` +
      'handler) still runs; all it does is dropped, first',
  });
}

/** A promise that never settles: what a wait gives code that runs for a dead process. */
export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}

/** @internal The live process behind a pid, or null. */
export function procOf(pid: Pid): Proc | null {
  return pid.proc as Proc | null;
}

/** @internal The live process behind a pid argument, or null; throws if it is not a pid. */
export function destProc(dest: unknown): Proc | null {
  if (!(dest instanceof Pid))
    throw new BadArgError(`send: ${inspect(dest)} is not a pid or a name`);
  return dest.proc as Proc | null;
}

/** @internal Live processes that describe themselves with `meta` (behaviours, the shell). */
export function describedProcs(): Proc[] {
  return [...described];
}

/**
 * The pid of the calling process (the shell's outside any process). Code a process left behind
 * (see `actingProc`) still gets that process's pid.
 */
export function self(): Pid {
  return (context.getStore() ?? shell).pid;
}

/** True while the process has not exited. */
export function isAlive(pid: Pid): boolean {
  return pid instanceof Pid && pid.proc !== null;
}
