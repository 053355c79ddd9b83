/**
 * Exit signals, links and monitors, and what happens when a process ends (`terminate`): it is
 * dead to every observer at once, then its links and monitors are signalled, with Erlang's rules
 * for trapping, `normal` and `kill`.
 */
import { inspect } from 'node:util';
import { reportCrash } from '../crash.js';
import { BadArgError, ExitError, type ExitReason, ProcessExitedError } from '../errors.js';
import { Pid, Ref } from '../pid.js';
import { addTo, deleteFrom } from './few.js';
import { type Dest, deliver, stopWaiting } from './messages.js';
import { dropMonitor, holds, MonitorRef, monitorsHeldBy, monitorsOn } from './monitor_ref.js';
import {
  actingProc,
  described,
  destProc,
  type ExitHook,
  live,
  type Proc,
  replaceShell,
  shell,
} from './proc.js';
import { registered } from './registered.js';
import { markIdle } from './scheduler.js';
import { cancelTimersOf } from './timers.js';

/** The message a process that traps exits gets for an exit signal. */
export interface ExitMessage {
  readonly type: 'EXIT';
  readonly from: Pid;
  readonly reason: ExitReason;
}

/** The message a monitor delivers, exactly once, when the monitored process ends. */
export interface DownMessage {
  readonly type: 'DOWN';
  readonly ref: Ref;
  /** The monitored pid, or the name that was monitored when nobody had it. */
  readonly pid: Pid | string;
  readonly reason: ExitReason;
}

/** @internal True for a monitor's DOWN message. */
export function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

/** @internal True for a trapped exit signal's EXIT message. */
export function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}

// ---------------------------------------------------------------------------------------------
// Exit signals

/**
 * Sends an exit signal to `pid`. A process that traps exits gets `{ type: 'EXIT', from, reason }`
 * as a message, except for `'kill'`, which nobody can trap: the target dies with `'killed'`.
 * Otherwise the target dies with `reason`, unless `reason` is `'normal'`, which only ends the
 * caller itself. With one argument, `exit(reason)` ends the calling process by throwing.
 */
export function exit(reason: ExitReason): never;
export function exit(pid: Pid, reason: ExitReason): true;
export function exit(...args: [ExitReason] | [Pid, ExitReason]): true {
  if (args.length === 1) throw new ExitError(args[0]);
  const [pid, reason] = args;
  const caller = actingProc('exit signal to', pid);
  if (caller === null) return true;
  if (!(pid instanceof Pid)) throw new BadArgError(`exit: ${inspect(pid)} is not a pid`);
  const target = pid.proc as Proc | null;
  if (target !== null) signalExit(target, caller.pid, reason, false);
  assertAlive(caller);
  return true;
}

/** Throws if the caller died from a signal it just set off (it must not run on). */
function assertAlive(proc: Proc): void {
  if (proc.status === 'exited') throw new ProcessExitedError(proc.pid, proc.exitReason);
}

/** @internal Delivers an exit signal with Erlang's rules. */
export function signalExit(target: Proc, from: Pid, reason: ExitReason, viaLink: boolean): void {
  if (target.status === 'exited') return;
  if (reason === 'kill' && !viaLink) {
    terminate(target, 'killed');
    return;
  }
  if (target.trapExit) {
    deliver(target, { type: 'EXIT', from, reason } satisfies ExitMessage);
    return;
  }
  if (reason === 'normal') {
    if (!viaLink && from === target.pid) terminate(target, 'normal');
    return;
  }
  terminate(target, reason);
}

/** Sets whether the caller traps exits; returns the previous setting. */
export function trapExit(flag: boolean): boolean {
  const proc = actingProc('trapExit');
  if (proc === null) return flag;
  const previous = proc.trapExit;
  proc.trapExit = flag;
  return previous;
}

// ---------------------------------------------------------------------------------------------
// Links

/**
 * Links the caller and `pid` both ways. Linking to a dead process gives `noproc`, as in Erlang:
 * a caller that traps exits gets it as an EXIT message, any other caller as an ExitError it may
 * catch (uncaught, the process exits with `noproc`).
 */
export function link(pid: Pid): true {
  const caller = actingProc('link to', pid);
  if (caller === null) return true;
  const target = destProc(pid);
  if (target !== null) linkProcs(caller, target);
  else if (caller.trapExit) signalExit(caller, pid, 'noproc', true);
  else throw new ExitError('noproc', `link: ${pid} is not alive`);
  return true;
}

/** @internal */
export function linkProcs(a: Proc, b: Proc): void {
  if (a === b) return;
  a.links = addTo(a.links, b);
  b.links = addTo(b.links, a);
}

/** @internal */
export function unlinkProcs(a: Proc, b: Proc): void {
  a.links = deleteFrom(a.links, b);
  b.links = deleteFrom(b.links, a);
}

/** Removes the link between the caller and `pid`, if any. */
export function unlink(pid: Pid): true {
  const caller = actingProc('unlink from', pid);
  if (caller === null) return true;
  const target = destProc(pid);
  if (target !== null) unlinkProcs(caller, target);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Monitors

/**
 * Monitors `pid` (or a registered name): when it ends, the caller gets exactly one
 * `{ type: 'DOWN', ref, pid, reason }`. A target that is already gone gives `noproc` at once.
 */
export function monitor(target: Dest): Ref {
  const caller = actingProc('monitor of', target);
  if (caller === null) return new Ref(); // a monitor that never fires: nobody would get its DOWN
  const proc = typeof target === 'string' ? (registered.get(target) ?? null) : destProc(target);
  if (proc === null) {
    const ref = new Ref();
    deliver(caller, { type: 'DOWN', ref, pid: target, reason: 'noproc' } satisfies DownMessage);
    return ref;
  }
  return monitorProc(caller, proc);
}

/** @internal */
export function monitorProc(holder: Proc, target: Proc): Ref {
  return new MonitorRef(holder, target);
}

/**
 * Turns off a monitor. With `{ flush: true }` a DOWN message it already delivered is removed
 * from the mailbox too. Returns true if the monitor was still active.
 */
export function demonitor(ref: Ref, options: { flush?: boolean } = {}): boolean {
  const caller = actingProc('demonitor');
  return caller !== null && demonitorIn(caller, ref, options.flush ?? false);
}

/** @internal */
export function demonitorIn(holder: Proc, ref: Ref, flushDown: boolean): boolean {
  const active = holds(holder, ref);
  if (active) dropMonitor(ref);
  if (flushDown) holder.mailbox.removeAll((m) => isDown(m) && m.ref === ref);
  return active;
}

// ---------------------------------------------------------------------------------------------
// Termination

/**
 * Exits whose links and monitors are still to be signalled, a queue read from `nextExit` on:
 * Array#shift copies what is left of a large array every time, which made a process linked to
 * 200,000 others take seconds to die instead of milliseconds.
 */
const pendingExits: Proc[] = [];
let nextExit = 0;
let propagating = false;

/**
 * @internal Ends a process now: from this moment it is dead to every observer (isAlive, names,
 * pids). Its links and monitors are then signalled, iteratively, so that a long chain of linked
 * processes cannot overflow the stack.
 */
export function terminate(proc: Proc, reason: ExitReason): void {
  if (proc.status === 'exited') return;
  if (proc.status !== 'waiting') markIdle(proc);
  proc.status = 'exited';
  proc.exitReason = reason;
  // A dead process's pending receive never settles, except the shell's: the script or REPL line
  // awaiting it gets an error, as iex abandons the evaluation, instead of hanging forever.
  const abandoned = proc === shell ? proc.waitReject : null;
  stopWaiting(proc);
  abandoned?.(new ProcessExitedError(proc.pid, reason));
  proc.mailbox.clear();
  proc.pid.proc = null;
  if (proc !== shell) live.count--;
  if (proc.name !== undefined) registered.delete(proc.name);
  described.delete(proc);
  if (proc.timers) cancelTimersOf(proc);
  const hooks = proc.exitHooks;
  if (hooks) {
    // Taken out first: a hook may remove itself (a port closing with its owner calls offExit),
    // and removing from the array being iterated would skip the hook after it.
    proc.exitHooks = null;
    if (typeof hooks === 'function') hooks(reason);
    else for (const hook of hooks) hook(reason);
  }
  pendingExits.push(proc);
  if (propagating) return;
  propagating = true;
  try {
    while (nextExit < pendingExits.length) propagate(pendingExits[nextExit++] as Proc);
    pendingExits.length = 0;
    nextExit = 0;
  } finally {
    propagating = false;
  }
}

function propagate(proc: Proc): void {
  const { pid, exitReason: reason } = proc;
  if (proc.monitors !== null) for (const ref of monitorsHeldBy(proc)) dropMonitor(ref);
  if (proc.monitoredBy !== null) {
    for (const ref of monitorsOn(proc)) {
      const holder = ref.holder as Proc;
      dropMonitor(ref);
      deliver(holder, { type: 'DOWN', ref, pid, reason } satisfies DownMessage);
    }
  }
  const links = proc.links;
  if (links instanceof Set || Array.isArray(links)) {
    for (const linked of links as Iterable<Proc>) exitLinked(linked, proc);
  } else if (links !== null) {
    exitLinked(links as Proc, proc);
  }
  proc.links = proc.monitors = proc.monitoredBy = null;
  if (proc === shell) restartShell(proc);
}

/** Like iex, a shell that an exit signal killed is replaced by a fresh one. */
function restartShell(dead: Proc): void {
  const next = replaceShell();
  reportCrash({
    kind: 'shell',
    pid: dead.pid,
    name: undefined,
    reason: dead.exitReason,
    context: `a new shell is ${next.pid}`,
  });
}

/** `linked` gets the exit signal of `dead`, whose links are being taken down. */
function exitLinked(linked: Proc, dead: Proc): void {
  linked.links = deleteFrom(linked.links, dead);
  signalExit(linked, dead.pid, dead.exitReason, true);
}

/**
 * @internal Registers a hook that runs synchronously when `proc` exits. One hook is kept as
 * itself and two or more in an array, in the order registered: most processes have one or
 * none, and an empty array that grows keeps room for 17.
 */
export function onExit(proc: Proc, hook: ExitHook): void {
  const hooks = proc.exitHooks;
  if (hooks === null) proc.exitHooks = hook;
  else if (typeof hooks === 'function') proc.exitHooks = [hooks, hook];
  else hooks.push(hook);
}

/** @internal Removes a hook `onExit` registered (a port given to another owner, or closed). */
export function offExit(proc: Proc, hook: ExitHook): void {
  const hooks = proc.exitHooks;
  if (hooks === hook) proc.exitHooks = null;
  else if (Array.isArray(hooks)) {
    const index = hooks.indexOf(hook);
    if (index >= 0) hooks.splice(index, 1);
  }
}
