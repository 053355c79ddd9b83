/**
 * `receiveEach`: a process whose life is one receive loop, run as callbacks. A loop of
 * `await receive()` costs a promise, an await and a suspended async function for every wake-up,
 * and keeps them while it waits; `receiveEach` keeps one function and runs the handler straight
 * from the scheduler's run queue.
 */
import { BadArgError } from '../errors.js';
import { HOLE } from '../mailbox.js';
import { block, forgotten, takeNow } from './messages.js';
import { actingProc, context, type Proc, shell } from './proc.js';
import { resume } from './scheduler.js';
import { failProcess } from './spawn.js';

/** Handles one message; a promise if it has to wait, and the next message waits for it. */
export type EachHandler = (message: unknown) => unknown;

/**
 * Handles every message with `handler`, oldest first, one at a time, for the rest of the
 * process's life: `loop() -> receive M -> handle(M), loop() end`. The handler runs in the process, so
 * `self()`, `send` and a selective `receive` inside it work as anywhere in the process. When it
 * returns a promise, the next message waits until that settles.
 *
 * What the handler throws (`exit(reason)` included), or a promise it returns rejects with, ends
 * the process with that reason, as the same throw in its body would, but the body never sees
 * it: no `catch` or `finally` around the call runs. It returns a thenable that never settles,
 * for the process's body to return: `spawn(() => receiveEach(handle))`. The body's code after
 * it never runs.
 *
 * It costs no promise per message, and none for the loop. While the process waits, its mailbox
 * holds one function (where a loop of `await receive()` holds a promise, its reactions and a
 * suspended async function), and a message wakes it from the run queue below rather than
 * through a promise.
 */
export function receiveEach(handler: EachHandler): PromiseLike<never> {
  const proc = actingProc('receiveEach');
  if (proc === null) return forever;
  // The shell's code goes on after this call (a script, the REPL): it must keep its mailbox.
  if (proc === shell) throw new BadArgError('receiveEach: the shell cannot hand its mailbox over');
  if (proc.waitResolve !== null) throw alreadyWaiting(proc);
  handleFrom(new Each(proc, handler), takeNow(proc));
  return forever;
}

/**
 * What receiveEach returns: one thenable for every process, whose `then` keeps nothing. A
 * promise that never settles would do as well, but each process would add a reaction to it
 * that it kept for ever; the process ends through failProcess, not through this.
 */
const forever: PromiseLike<never> = {
  // biome-ignore lint/suspicious/noThenProperty: a thenable is what the body returns and awaits.
  then: () => forever as PromiseLike<never>,
} as PromiseLike<never>;

/** A process in `receiveEach`. Its `wake`, what a delivery calls, is made once for its life. */
class Each {
  readonly wake: (message: unknown) => void;

  constructor(
    readonly proc: Proc,
    readonly handler: EachHandler,
  ) {
    this.wake = wakeUpFor(this);
  }
}

/** A function of its own, so that it holds `each` and nothing else that was in scope. */
function wakeUpFor(each: Each): (message: unknown) => void {
  return (message) => runSoon(each, message);
}

/**
 * Handles `message`, then what is queued, while the time slice lasts; then waits for the next.
 * HOLE for `message` means there is none yet.
 */
function handleFrom(each: Each, message: unknown): void {
  const { proc } = each;
  try {
    while (message !== HOLE) {
      const result = each.handler(message);
      if (isThenable(result)) {
        // As a native promise, whose callbacks run later and in this process's context: a
        // hand-made thenable could call them at once, on another process's stack. And even if
        // the process is dead by now, the rejection must not go unhandled.
        Promise.resolve(result).then(
          () => afterWait(each),
          (error) => failProcess(proc, error),
        );
        return;
      }
      if (proc.status === 'exited') return; // it killed itself, or a link did: nothing may run
      message = takeNow(proc);
    }
  } catch (error) {
    failSoon(proc, error);
    return;
  }
  waitNext(each);
}

/**
 * Ends the process for `error` in a microtask of its own, as a rejected body would: not inside
 * the run queue's loop, where a crash reporter that throws would stop every process after it.
 */
function failSoon(proc: Proc, error: unknown): void {
  queueMicrotask(() => failProcess(proc, error));
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  if (value instanceof Promise) return true;
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

function alreadyWaiting(proc: Proc): BadArgError {
  return new BadArgError(`receiveEach: ${proc.pid} is already waiting in another receive`);
}

/** A handler's promise settled: on with the mailbox (it runs in the process's context). */
function afterWait(each: Each): void {
  if (each.proc.status !== 'exited') handleFrom(each, takeNow(each.proc));
}

/**
 * Waits for a message. One may be queued already if the time slice is spent: it is handed over
 * after the event loop's turn, as `receive` hands one over.
 */
function waitNext(each: Each): void {
  const { proc } = each;
  // A receive the handler started and did not wait for would lose its message to this one.
  if (proc.waitResolve !== null) failSoon(proc, alreadyWaiting(proc));
  else if (proc.mailbox.size > 0) resume(proc, each.wake, proc.mailbox.shift());
  // A receive with no pattern and no timeout is never rejected: its reject is a no-op.
  else block(proc, null, Number.POSITIVE_INFINITY, each.wake, forgotten);
}

/**
 * The run queue: processes woken since the last run, each with its message. A wake-up runs after
 * the code that sent the message, as a promise's would, and every wake-up in a burst (a room's
 * broadcast) runs in one microtask, in the order they came.
 */
const woken: Array<Each | unknown> = [];
let runScheduled = false;

function runSoon(each: Each, message: unknown): void {
  woken.push(each, message);
  if (runScheduled) return;
  runScheduled = true;
  queueMicrotask(runWoken);
}

function runWoken(): void {
  // Wake-ups that handlers cause are appended, and run in this same pass.
  for (let i = 0; i < woken.length; i += 2) {
    const each = woken[i] as Each;
    // A process killed after it was woken must not run again.
    if (each.proc.status !== 'exited') context.run(each.proc, handleFrom, each, woken[i + 1]);
  }
  woken.length = 0;
  runScheduled = false;
}
