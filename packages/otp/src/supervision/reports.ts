/**
 * What supervisors report, as OTP's supervisor reports: a child that exited, a child that failed
 * to start, a child that did not stop cleanly, and a supervisor that gave up.
 */
import { reportCrash } from '../crash.js';
import { type ExitReason, isCleanExit } from '../errors.js';
import type { Pid } from '../pid.js';
import type { Proc } from '../process.js';
import { type Child, needsRestart } from './child_spec.js';

/**
 * @internal Reports a child's exit when it is news: a permanent child should never end, and any
 * other child only matters when it crashed (as OTP's child_terminated report).
 */
export function reportChildExit(sup: Proc, child: Child, pid: Pid, reason: ExitReason): void {
  if (child.spec.restart !== 'permanent' && isCleanExit(reason)) return;
  const next = needsRestart(child.spec.restart, reason) ? 'restarting it' : 'not restarting it';
  reportCrash({
    kind: 'supervisor',
    pid,
    name: undefined,
    reason,
    context: `${childLabel(child, pid)} of ${supLabel(sup)} exited; ${next}`,
  });
}

/** @internal Reports a child whose start failed (OTP's start_error). */
export function reportStartError(sup: Proc, child: Child, reason: ExitReason): void {
  reportCrash({
    kind: 'supervisor',
    pid: sup.pid,
    name: sup.name,
    reason,
    context: `${childLabel(child, undefined)} of ${supLabel(sup)} failed to start`,
  });
}

/** @internal Reports a child that did not stop as asked, or was killed after its time ran out. */
export function reportShutdownError(
  sup: Proc,
  child: Child,
  pid: Pid,
  reason: ExitReason,
  killed: boolean,
): void {
  const why = killed
    ? `did not stop within ${child.spec.shutdown} ms of shutdown and was killed`
    : 'did not stop cleanly when shut down';
  reportCrash({
    kind: 'supervisor',
    pid,
    name: undefined,
    reason,
    context: `${childLabel(child, pid)} of ${supLabel(sup)} ${why}`,
  });
}

/** @internal Reports a supervisor that reached its maximum restart intensity. */
export function reportGaveUp(
  sup: Proc,
  intensity: { readonly maxRestarts: number; readonly maxSeconds: number },
): void {
  reportCrash({
    kind: 'supervisor',
    pid: sup.pid,
    name: sup.name,
    reason: 'shutdown',
    context:
      `reached its maximum restart intensity (more than ${intensity.maxRestarts} restarts in ` +
      `${intensity.maxSeconds} s): it stops all its children and shuts down`,
  });
}

function childLabel(child: Child, pid: Pid | undefined): string {
  return child.spec.id === undefined ? `child ${pid ?? '?'}` : `child '${child.spec.id}'`;
}

function supLabel(sup: Proc): string {
  return sup.name === undefined ? `supervisor ${sup.pid}` : `supervisor ${sup.pid} (${sup.name})`;
}
