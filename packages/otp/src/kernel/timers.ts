/**
 * Timers: `sendAfter` and `cancelTimer`, Erlang's `send_after/3` and `cancel_timer/1`. A timer
 * aimed at a pid belongs to that process and is cancelled when it exits.
 */
import { BadArgError } from '../errors.js';
import { Ref } from '../pid.js';
import { addTo, deleteFrom, itemsOf } from './few.js';
import { type Dest, deliver } from './messages.js';
import { actingProc, destProc, type Proc } from './proc.js';
import { registered } from './registered.js';

interface Timer {
  readonly handle: NodeJS.Timeout;
  readonly due: number;
  /** The process a pid-addressed timer is for; a name is looked up when the timer fires. */
  readonly target: Proc | null;
}

const timers = new Map<Ref, Timer>();

/**
 * Sends `message` to `dest` after `ms` milliseconds; returns a ref for `cancelTimer`. A timer
 * aimed at a pid is cancelled when that process exits (one aimed at a dead pid never fires);
 * a timer aimed at a name finds whoever has the name when it fires.
 */
export function sendAfter(dest: Dest, message: unknown, ms: number): Ref {
  if (actingProc('sendAfter to', dest) === null) return new Ref(); // a timer that never fires
  if (!(ms >= 0) || ms === Number.POSITIVE_INFINITY)
    throw new BadArgError(`sendAfter: bad delay ${ms}`);
  const ref = new Ref();
  const target = typeof dest === 'string' ? null : destProc(dest);
  if (typeof dest !== 'string' && target === null) return ref;
  const handle = setTimeout(fireTimer, ms, ref, dest, message);
  timers.set(ref, { handle, due: performance.now() + ms, target });
  if (target !== null) target.timers = addTo(target.timers, ref);
  return ref;
}

function fireTimer(ref: Ref, dest: Dest, message: unknown): void {
  const timer = timers.get(ref);
  timers.delete(ref);
  forgetTimer(timer?.target, ref);
  const target = typeof dest === 'string' ? registered.get(dest) : (dest.proc as Proc | null);
  if (target) deliver(target, message);
}

/** @internal Cancels every timer aimed at `proc` (it is exiting). */
export function cancelTimersOf(proc: Proc): void {
  for (const ref of itemsOf(proc.timers)) {
    const timer = timers.get(ref);
    if (timer) clearTimeout(timer.handle);
    timers.delete(ref);
  }
  proc.timers = null;
}

/** Cancels a timer; returns the ms it had left, or false if it already fired or was cancelled. */
export function cancelTimer(ref: Ref): number | false {
  if (actingProc('cancelTimer') === null) return false;
  const timer = timers.get(ref);
  if (timer === undefined) return false;
  clearTimeout(timer.handle);
  timers.delete(ref);
  forgetTimer(timer.target, ref);
  return Math.max(0, Math.round(timer.due - performance.now()));
}

/** `ref` no longer runs for `target`: it fired or was cancelled. */
function forgetTimer(target: Proc | null | undefined, ref: Ref): void {
  if (target) target.timers = deleteFrom(target.timers, ref);
}
