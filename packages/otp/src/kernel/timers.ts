/**
 * Timers: `sendAfter` and `cancelTimer`, Erlang's `send_after/3` and `cancel_timer/1`. A timer
 * aimed at a pid belongs to that process and is cancelled when it exits.
 *
 * Timers of the same delay share one Node timer, as Node's own timer lists do: they are due in
 * the order they were set, so each delay keeps a queue, first due first, and one Node timer for
 * its first. A server with a connection process per client sets the same timers on every one (a
 * WebSocket heartbeat every 30 s): a Node Timeout of its own, with its arguments and async ids,
 * cost each of them about 250 bytes more, for as long as it waits.
 */
import { BadArgError } from '../errors.js';
import { Ref } from '../pid.js';
import { addTo, deleteFrom, itemsOf } from './few.js';
import { type Dest, deliver } from './messages.js';
import { actingProc, context, destProc, type Proc } from './proc.js';
import { registered } from './registered.js';

interface Timer {
  readonly ref: Ref;
  readonly dest: Dest;
  readonly message: unknown;
  /** When it is due (performance.now()). */
  readonly due: number;
  /** The process a pid-addressed timer is for; a name is looked up when the timer fires. */
  readonly target: Proc | null;
  readonly queue: Queue;
  /** Its neighbours in its queue, due before and after it. */
  before: Timer | null;
  after: Timer | null;
}

/** The timers of one delay, first due first, and the Node timer set for the first. */
class Queue {
  first: Timer | null = null;
  last: Timer | null = null;
  handle: NodeJS.Timeout | null = null;
  constructor(readonly ms: number) {}
}

const timers = new Map<Ref, Timer>();
const queues = new Map<number, Queue>();

/** The longest wait a Node timer holds (about 24.8 days); longer ones wait in steps of it. */
const LONGEST_WAIT = 2 ** 31 - 1;

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
  // Whole milliseconds, as Erlang's: a delay computed from a clock (an idle timer's rest) would
  // otherwise be a queue of its own. Rounded up, so that no timer fires early.
  const delay = Math.ceil(ms);
  let queue = queues.get(delay);
  if (queue === undefined) queues.set(delay, (queue = new Queue(delay)));
  const due = performance.now() + delay;
  const timer: Timer = { ref, dest, message, due, target, queue, before: queue.last, after: null };
  if (queue.last === null) queue.first = timer;
  else queue.last.after = timer;
  queue.last = timer;
  timers.set(ref, timer);
  if (target !== null) target.timers = addTo(target.timers, ref);
  if (queue.handle === null) arm(queue);
  return ref;
}

/**
 * Sets the queue's Node timer for its first timer. Outside every process: the Node timer is
 * shared, and the process that happened to set it may be long gone when it fires.
 */
function arm(queue: Queue): void {
  // Node makes a longer wait 1 ms; fireQueue finds the timer not due yet, and arms again.
  const wait = Math.min(LONGEST_WAIT, Math.max(0, (queue.first as Timer).due - performance.now()));
  queue.handle = context.exit(() => setTimeout(fireQueue, wait, queue));
}

/** Fires every timer of `queue` that is due, in order, then waits for the next. */
function fireQueue(queue: Queue): void {
  queue.handle = null;
  const now = performance.now();
  let timer = queue.first;
  while (timer !== null && timer.due <= now) {
    remove(timer);
    fire(timer);
    timer = queue.first;
  }
  // Firing may have set a timer of this delay, and armed the queue for it.
  if (queue.handle !== null) return;
  if (queue.first === null) queues.delete(queue.ms);
  else arm(queue);
}

function fire(timer: Timer): void {
  timers.delete(timer.ref);
  forgetTimer(timer.target, timer.ref);
  const { dest } = timer;
  const target = typeof dest === 'string' ? registered.get(dest) : (dest.proc as Proc | null);
  if (target) deliver(target, timer.message);
}

/** Takes `timer` out of its queue; a queue left empty lets go of its Node timer. */
function remove(timer: Timer): void {
  const { queue, before, after } = timer;
  if (before === null) queue.first = after;
  else before.after = after;
  if (after === null) queue.last = before;
  else after.before = before;
  timer.before = timer.after = null;
}

/** `timer` will not fire: out of the table and its queue, the queue's Node timer too if empty. */
function drop(timer: Timer): void {
  timers.delete(timer.ref);
  remove(timer);
  const { queue } = timer;
  if (queue.first === null && queue.handle !== null) {
    clearTimeout(queue.handle);
    queue.handle = null;
    queues.delete(queue.ms);
  }
}

/** @internal Cancels every timer aimed at `proc` (it is exiting). */
export function cancelTimersOf(proc: Proc): void {
  for (const ref of itemsOf(proc.timers)) {
    const timer = timers.get(ref);
    if (timer) drop(timer);
  }
  proc.timers = null;
}

/** Cancels a timer; returns the ms it had left, or false if it already fired or was cancelled. */
export function cancelTimer(ref: Ref): number | false {
  if (actingProc('cancelTimer') === null) return false;
  const timer = timers.get(ref);
  if (timer === undefined) return false;
  drop(timer);
  forgetTimer(timer.target, ref);
  return Math.max(0, Math.round(timer.due - performance.now()));
}

/** `ref` no longer runs for `target`: it fired or was cancelled. */
function forgetTimer(target: Proc | null | undefined, ref: Ref): void {
  if (target) target.timers = deleteFrom(target.timers, ref);
}
