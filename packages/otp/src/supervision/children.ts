/**
 * Starting and stopping a supervisor's children, as both supervisors do it: a child's start
 * function runs in the supervisor, and children are stopped with `shutdown`, then `kill` once
 * their shutdown time has run out.
 */
import { type ExitReason, isCleanExit } from '../errors.js';
import { HOLE } from '../mailbox.js';
import { Pid, type Ref } from '../pid.js';
import {
  type DownMessage,
  type ExitMessage,
  isDown,
  isExit,
  monitorProc,
  type Proc,
  procOf,
  receiveIn,
  signalExit,
  TIMEOUT,
  unlinkProcs,
} from '../process.js';
import type { Child, FullSpec } from './child_spec.js';
import { reportShutdownError } from './reports.js';

/** @internal What starting a child gives: its pid, `undefined` if it said `ignore`, or why not. */
export type ChildStart = readonly ['ok', Pid | undefined] | readonly ['error', ExitReason];

/**
 * @internal Runs a child's start function in the calling supervisor. A throw or a result that
 * is not a start result is a failure, as in OTP, never a crash of the supervisor.
 */
export async function startChildProcess(spec: FullSpec): Promise<ChildStart> {
  let result: unknown;
  try {
    result = await spec.start();
  } catch (error) {
    return ['error', error];
  }
  if (result === 'ignore') return ['ok', undefined];
  if (Array.isArray(result) && result[0] === 'ok' && result[1] instanceof Pid)
    return ['ok', result[1]];
  if (Array.isArray(result) && result[0] === 'error') return ['error', result[1]];
  return ['error', ['bad_start_result', result]];
}

// ---------------------------------------------------------------------------------------------
// Shutting children down

/** How a child is being stopped: asked to (`shutdown`), killed, or killed after it took too long. */
type StopMode = 'shutdown' | 'kill' | 'escalated';

interface Stopping {
  readonly child: Child;
  readonly pid: Pid;
  readonly proc: Proc;
  mode: StopMode;
  /** When to kill it if it has not stopped (performance.now() ms). */
  deadline: number;
}

/**
 * @internal Stops `children` at the same time and waits until all are gone: each gets exit
 * `shutdown` and `spec.shutdown` ms to stop, then exit `kill` (`brutal_kill` kills at once,
 * `infinity` waits for ever). A supervisor stops its children one by one by passing one each.
 *
 * Each child is unlinked, then monitored (OTP does the same): its end then comes as exactly one
 * DOWN that no other receive takes, and its EXIT can never be mistaken for a crash to restart.
 */
export async function shutdownChildren(sup: Proc, children: readonly Child[]): Promise<void> {
  const mark = sup.mailbox.mark();
  const stopping = new Map<Ref, Stopping>();
  for (const child of children) {
    const { pid } = child;
    if (!(pid instanceof Pid)) continue;
    const mode: StopMode = child.spec.shutdown === 'brutal_kill' ? 'kill' : 'shutdown';
    const proc = procOf(pid);
    if (proc === null) {
      checkShutdown(sup, child, pid, takeExitReason(sup, pid), mode);
      continue;
    }
    unlinkProcs(sup, proc);
    const ref = monitorProc(sup, proc);
    const { shutdown } = child.spec;
    const deadline =
      typeof shutdown === 'number' ? performance.now() + shutdown : Number.POSITIVE_INFINITY;
    stopping.set(ref, { child, pid, proc, mode, deadline });
    signalExit(proc, sup.pid, mode, false);
  }
  while (stopping.size > 0) {
    const down = await receiveIn(
      sup,
      (m) => isDown(m) && stopping.has(m.ref),
      msUntilFirstDeadline(stopping),
      mark,
    );
    if (down === TIMEOUT) {
      killOverdue(sup, stopping);
      continue;
    }
    const { ref, reason } = down as DownMessage;
    const entry = stopping.get(ref) as Stopping;
    stopping.delete(ref);
    checkShutdown(sup, entry.child, entry.pid, reason, entry.mode);
  }
}

/** The reason of a child that died before it could be stopped: its EXIT is in the mailbox. */
function takeExitReason(sup: Proc, pid: Pid): ExitReason {
  const exit = sup.mailbox.take((m) => isExit(m) && m.from === pid);
  return exit === HOLE ? 'noproc' : (exit as ExitMessage).reason;
}

function msUntilFirstDeadline(stopping: Map<Ref, Stopping>): number {
  let first = Number.POSITIVE_INFINITY;
  for (const entry of stopping.values()) first = Math.min(first, entry.deadline);
  return first === Number.POSITIVE_INFINITY ? first : Math.max(0, first - performance.now());
}

function killOverdue(sup: Proc, stopping: Map<Ref, Stopping>): void {
  const now = performance.now();
  for (const entry of stopping.values()) {
    if (entry.deadline > now) continue;
    entry.mode = 'escalated';
    entry.deadline = Number.POSITIVE_INFINITY;
    signalExit(entry.proc, sup.pid, 'kill', false);
  }
}

/**
 * A child stopped as asked when it exits with the reason it was sent (`shutdown`, or `killed`
 * for brutal_kill); a child that need not be restarted may also end with any clean reason.
 * Anything else, and a kill after the shutdown time ran out, gets a report (OTP's shutdown_error).
 */
function checkShutdown(
  sup: Proc,
  child: Child,
  pid: Pid,
  reason: ExitReason,
  mode: StopMode,
): void {
  if (mode !== 'escalated') {
    if (reason === (mode === 'kill' ? 'killed' : 'shutdown')) return;
    if (child.spec.restart !== 'permanent' && isCleanExit(reason)) return;
  }
  reportShutdownError(sup, child, pid, reason, mode === 'escalated');
}
