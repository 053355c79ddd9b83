/**
 * What supervisors report, as OTP's supervisor reports and Elixir's Logger do: which supervisor,
 * which child (id and pid), why, and what the supervisor does about it. Four events: a child
 * terminated, a child failed to start, a child did not stop cleanly, and a supervisor that gave
 * up after too many restarts.
 */
import { type CrashReport, reportCrash } from '../crash.js';
import { type ExitReason, isCleanExit } from '../errors.js';
import type { Pid } from '../pid.js';
import type { Proc } from '../process.js';
import type { Child } from './child_spec.js';

/**
 * @internal Reports a child's exit when it is news: a permanent child should never end, and any
 * other child only matters when it crashed (as OTP's child_terminated report). `action` says
 * what the supervisor does next.
 */
export function reportChildExit(
  sup: Proc,
  child: Child,
  pid: Pid,
  reason: ExitReason,
  action: string,
): void {
  if (child.spec.restart !== 'permanent' && isCleanExit(reason)) return;
  report(sup, child, pid, reason, 'child terminated', action);
}

/** @internal Reports a child whose start failed (OTP's start_error). */
export function reportStartError(
  sup: Proc,
  child: Child,
  reason: ExitReason,
  action: string,
): void {
  report(sup, child, undefined, reason, 'child failed to start', action);
}

/** @internal Reports a child that did not stop as asked, or was killed after its time ran out. */
export function reportShutdownError(
  sup: Proc,
  child: Child,
  pid: Pid,
  reason: ExitReason,
  killed: boolean,
): void {
  const what = killed
    ? `child did not stop within ${child.spec.shutdown} ms of shutdown`
    : 'child did not stop cleanly when shut down';
  report(sup, child, pid, reason, what, killed ? 'killed it' : undefined);
}

/** @internal Reports a supervisor that reached its maximum restart intensity with `child`. */
export function reportGaveUp(
  sup: Proc,
  child: Child,
  intensity: { readonly maxRestarts: number; readonly maxSeconds: number },
): void {
  const { maxRestarts, maxSeconds } = intensity;
  report(
    sup,
    child,
    undefined,
    'reached_max_restart_intensity',
    `more than ${maxRestarts} restarts in ${maxSeconds} s`,
    GIVING_UP,
  );
}

/** @internal What a supervisor does once it has restarted too often. */
export const GIVING_UP = 'stopping all its children and shutting down';

function report(
  sup: Proc,
  child: Child,
  pid: Pid | undefined,
  reason: ExitReason,
  context: string,
  action: string | undefined,
): void {
  const { id, restart, type } = child.spec;
  const entry: CrashReport = {
    kind: 'supervisor',
    pid: sup.pid,
    name: sup.name ?? sup.meta?.module,
    reason,
    context,
    child: { id, pid, restart, type },
  };
  reportCrash(action === undefined ? entry : { ...entry, action });
}
