/**
 * The scheduler: when a process runs. It keeps count of the processes that have work (for
 * `whenIdle` and `flush`) and applies the fairness rule that keeps a flood of messages from
 * starving timers and I/O.
 *
 * A process is an async function with a mailbox. It runs until it awaits; `receive` suspends it
 * until a matching message arrives. Node has one thread and no preemption, so a process gives
 * the event loop back at every `await`, and the scheduler defers wake-ups once a few ms have gone
 * by without an event-loop turn.
 */
import { type Proc, shell } from './proc.js';

/** Processes running or about to run (not blocked in receive); the shell is not counted. */
let busy = 0;
let idleWaiters: Array<() => void> = [];

/** @internal A process has work: it was spawned or woken up. */
export function markBusy(proc: Proc): void {
  if (proc !== shell) busy++;
}

/** @internal A process has no work: it blocked in receive or exited. */
export function markIdle(proc: Proc): void {
  if (proc === shell) return;
  if (--busy === 0 && idleWaiters.length > 0) {
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** Resolves once every process is blocked in receive, or after `timeoutMs`. */
export function whenIdle(timeoutMs = 5000): Promise<void> {
  if (busy === 0) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, timeoutMs);
    idleWaiters.push(() => {
      clearTimeout(timer);
      // Let the last continuation's synchronous tail finish before reporting idle.
      setImmediate(() => (busy === 0 ? resolve() : whenIdle(timeoutMs).then(resolve)));
    });
  });
}

/**
 * The fairness rule. Wake-ups run as microtasks, which Node runs before any timer or I/O, so a
 * flood of messages could hold the event loop for ever. Every BUDGET wake-ups the scheduler
 * looks at the clock; once a slice of SLICE_MS has passed since the event loop last had a turn,
 * it defers every further wake-up to a setImmediate. Counting alone (yield every BUDGET) would
 * also be fair, but it splits every burst larger than BUDGET, such as one broadcast to a
 * thousand subscribers, across event-loop turns for no gain in latency.
 */
const BUDGET = 1000;
const SLICE_MS = 2;
let budget = BUDGET;
let sliceStart = performance.now();
let deferred: Array<Proc | ((value: unknown) => void) | unknown> = [];
let deferredScheduled = false;

/**
 * @internal True if a wake-up may run now; false once the slice is spent, until the event loop
 * has run. Each true counts as one wake-up against the budget. A false stays false until the
 * deferred wake-ups run, whether or not the caller defers one itself.
 */
export function mayRunNow(): boolean {
  if (deferredScheduled) return false;
  if (--budget > 0) return true;
  budget = BUDGET;
  if (performance.now() - sliceStart < SLICE_MS) return true;
  scheduleDeferred();
  return false;
}

/**
 * @internal Counts `wakeUps` more against the budget without checking the clock: a batch of
 * messages taken in one wake-up (receiveMany) costs what as many receives would, and the next
 * `mayRunNow` looks at the clock if the budget is spent.
 */
export function spend(wakeUps: number): void {
  budget -= wakeUps;
}

/** @internal Resumes a process with `value`: as a microtask within the slice, else after I/O. */
export function resume(proc: Proc, resolve: (value: unknown) => void, value: unknown): void {
  if (mayRunNow()) resolve(value);
  else defer(proc, resolve, value);
}

function defer(proc: Proc, resolve: (value: unknown) => void, value: unknown): void {
  deferred.push(proc, resolve, value);
  scheduleDeferred();
}

function scheduleDeferred(): void {
  if (deferredScheduled) return;
  deferredScheduled = true;
  setImmediate(runDeferred);
}

function runDeferred(): void {
  const batch = deferred;
  deferred = [];
  deferredScheduled = false;
  budget = BUDGET;
  sliceStart = performance.now();
  for (let i = 0; i < batch.length; i += 3) {
    const proc = batch[i] as Proc;
    // A process killed while its wake-up waited must not run again.
    if (proc.status !== 'exited') (batch[i + 1] as (value: unknown) => void)(batch[i + 2]);
  }
}

/** @internal A promise for `value` that respects the budget: the fast path of `receive`. */
export function ready(proc: Proc, value: unknown): Promise<unknown> {
  if (mayRunNow()) return Promise.resolve(value);
  return new Promise((resolve) => defer(proc, resolve, value));
}
