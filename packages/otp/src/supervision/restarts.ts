/**
 * The restart machinery both supervisors share: the restart intensity (how many restarts in how
 * long before a supervisor gives up) and the retry of a restart that failed.
 */
import type { ExitReason } from '../errors.js';
import { deliver, type Proc } from '../process.js';
import { type Child, needsRestart } from './child_spec.js';
import { GIVING_UP, reportGaveUp } from './reports.js';

/**
 * @internal Counts restarts: more than `maxRestarts` within `maxSeconds` is too many, and the
 * supervisor gives up (a crash loop cannot be fixed by restarting faster).
 */
export class RestartIntensity {
  private restarts: number[] = [];

  constructor(
    readonly maxRestarts: number,
    readonly maxSeconds: number,
  ) {}

  /** Records a restart now; false when it is one too many. */
  add(now = performance.now()): boolean {
    const since = now - this.maxSeconds * 1000;
    this.restarts = this.restarts.filter((at) => at > since);
    this.restarts.push(now);
    return this.restarts.length <= this.maxRestarts;
  }
}

/** @internal What is wrong with restart-intensity settings, or undefined. */
export function intensityProblem(
  maxRestarts: unknown,
  maxSeconds: unknown,
): ExitReason | undefined {
  if (!Number.isInteger(maxRestarts) || (maxRestarts as number) < 0)
    return ['invalid_intensity', maxRestarts];
  if (typeof maxSeconds !== 'number' || !(maxSeconds > 0) || !Number.isFinite(maxSeconds))
    return ['invalid_period', maxSeconds];
  return undefined;
}

/**
 * @internal Counts a restart of `child` (a retry after a failed restart); reports and returns
 * false when the supervisor must give up.
 */
export function admitRestart(sup: Proc, intensity: RestartIntensity, child: Child): boolean {
  if (intensity.add()) return true;
  reportGaveUp(sup, child, intensity);
  return false;
}

/**
 * @internal What a supervisor does after `child` exited with `reason`, for its report: `restart`
 * when the restart type asks for one and the intensity allows it, `give_up` when the intensity
 * does not, `leave` when the child is not restarted. Counts the restart.
 */
export function decideRestart(
  intensity: RestartIntensity,
  child: Child,
  reason: ExitReason,
): 'restart' | 'give_up' | 'leave' {
  if (!needsRestart(child.spec.restart, reason)) return 'leave';
  return intensity.add() ? 'restart' : 'give_up';
}

/** @internal The action a child_terminated report gives for a decision. */
export function actionOf(
  decision: 'restart' | 'give_up' | 'leave',
  intensity: RestartIntensity,
  restarting = 'restarting it',
): string {
  if (decision === 'restart') return restarting;
  if (decision === 'leave') return 'not restarting it (temporary child)';
  return `${GIVING_UP}: more than ${intensity.maxRestarts} restarts in ${intensity.maxSeconds} s`;
}

/**
 * @internal A note a supervisor sends itself to try a failed restart again. Going through the
 * mailbox lets requests and other exits in between; each attempt counts toward the intensity,
 * so a child that can never start ends the supervisor instead of looping.
 */
export class RestartRetry {
  constructor(readonly child: Child) {}
}

/** @internal Marks `child` as restarting and queues another attempt. */
export function retryLater(sup: Proc, child: Child): void {
  child.pid = 'restarting';
  deliver(sup, new RestartRetry(child));
}
