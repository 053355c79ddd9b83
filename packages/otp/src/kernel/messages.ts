/**
 * Messages and receive: `send` puts a message in a mailbox or hands it straight to a receive
 * that waits for it; `receive` takes the oldest message (or the oldest that matches), or
 * suspends the process until one arrives or its timeout passes. `flush` is iex's.
 */
import { inspect } from 'node:util';
import { BadArgError, ProcessExitedError } from '../errors.js';
import { HOLE } from '../mailbox.js';
import { type Pattern, toPredicate } from '../pattern.js';
import { Pid } from '../pid.js';
import { Timeouts } from '../timeouts.js';
import { actingProc, destProc, type Match, never, type Proc, shell } from './proc.js';
import { registered } from './registered.js';
import { markBusy, markIdle, mayRunNow, ready, resume, spend, whenIdle } from './scheduler.js';

/** What `receive` returns when its timeout passes with no matching message. */
export const TIMEOUT: unique symbol = Symbol('timeout');
export type Timeout = typeof TIMEOUT;

/** A destination: a pid or a registered name. */
export type Dest = Pid | string;

/**
 * Sends `message` to `dest` and returns it. Sending to a dead pid does nothing, as in Erlang;
 * sending to a name nobody has registered throws (Erlang's badarg).
 */
export function send<M>(dest: Dest, message: M): M {
  if (actingProc('send to', dest) === null) return message;
  // The common case first: a pid (one property read) rather than a name (a Map lookup).
  const target =
    dest instanceof Pid
      ? (dest.proc as Proc | null)
      : typeof dest === 'string'
        ? registered.get(dest)
        : destProc(dest);
  if (target === undefined) throw new BadArgError(`send: no process is registered as '${dest}'`);
  if (target !== null) deliver(target, message);
  return message;
}

/** @internal Puts a message in a live process's mailbox, or hands it to its waiting receive. */
export function deliver(proc: Proc, message: unknown): void {
  const resolve = proc.waitResolve;
  if (resolve === null) {
    proc.mailbox.push(message);
    return;
  }
  // A receive without a pattern takes anything: hand the message over, no test to run.
  if (proc.waitMatch === null) {
    wakeUp(proc);
    resume(proc, resolve, message);
    return;
  }
  deliverToPattern(proc, resolve, message);
}

/** `proc` waits in a selective receive: the message wakes it only if its pattern matches. */
function deliverToPattern(proc: Proc, resolve: (message: unknown) => void, message: unknown) {
  let matched: boolean;
  try {
    matched = (proc.waitMatch as Match)(message);
  } catch (error) {
    // A pattern that throws fails the receiving process, never the sender.
    const reject = proc.waitReject as (error: unknown) => void;
    wakeUp(proc);
    proc.mailbox.push(message);
    resume(proc, reject, error);
    return;
  }
  if (!matched) {
    proc.mailbox.push(message);
    return;
  }
  wakeUp(proc);
  resume(proc, resolve, message);
}

/** A blocked process becomes busy again; the caller resumes it. */
function wakeUp(proc: Proc): void {
  stopWaiting(proc);
  proc.status = 'running';
  markBusy(proc);
}

/** @internal Forgets a pending receive (and cancels its timeout) without settling it. */
export function stopWaiting(proc: Proc): void {
  if (proc.waitTimer !== null) receiveTimeouts.cancel(proc.waitTimer);
  proc.waitTimer = null;
  proc.waitMatch = null;
  proc.waitResolve = null;
  proc.waitReject = null;
}

/**
 * Waits for a message. With no pattern, takes the oldest message. With a pattern (a predicate,
 * or a value matched structurally: see `matches`), takes the oldest message that matches and
 * leaves the others in order. With a timeout in ms, resolves to `TIMEOUT` if nothing matches in
 * time (`0` only looks at what is already there; `Infinity` is the default).
 *
 * While blocked, only new messages are tested against the pattern: messages it already passed
 * over are never looked at again, so a long queue of unmatched messages costs nothing per arrival.
 */
export function receive(): Promise<unknown>;
export function receive<T>(
  match: (message: unknown) => message is T,
  timeoutMs?: number,
): Promise<T | Timeout>;
export function receive<T = unknown>(match?: Pattern, timeoutMs?: number): Promise<T | Timeout>;
export function receive(match?: Pattern, timeoutMs = Number.POSITIVE_INFINITY): Promise<unknown> {
  const proc = actingProc('receive');
  if (proc === null) return never();
  // The common case, a receive of anything with messages queued: take the oldest at once.
  // (A process already waiting, or a bad timeout, goes the long way to its error.)
  if (match === undefined && proc.mailbox.size > 0 && proc.waitResolve === null && timeoutMs >= 0)
    return ready(proc, proc.mailbox.shift());
  return receiveIn(proc, match === undefined ? null : toPredicate(match), timeoutMs, 0);
}

/**
 * Waits for messages and takes every one queued, up to `max`, oldest first, in one await: a
 * loop of `receive()` without a pattern, batched. With messages queued it returns at once;
 * with none it waits for the next one, then takes whatever else has arrived by the time the
 * process runs. It never returns an empty array.
 *
 * The whole batch leaves the mailbox at once: a selective receive made while the batch is
 * handled does not see the messages still in it, where a loop of receive() would have.
 *
 * A batch counts against the fairness budget as that many receives would, so a process that
 * takes its messages a thousand at a time still gives the event loop its turn.
 */
export function receiveMany<T = unknown>(max = 1000): Promise<T[]> {
  const proc = actingProc('receiveMany');
  if (proc === null) return never();
  if (!(Number.isInteger(max) && max >= 1))
    throw new BadArgError(`receiveMany: max must be a positive integer, got ${max}`);
  if (proc.mailbox.size === 0 || proc.waitResolve !== null) {
    // Nothing queued: wait as receive() does (it also refuses a second wait), then batch.
    const first = receiveIn(proc, null, Number.POSITIVE_INFINITY, 0);
    return first.then((message) => takeBatch(proc, [message], max) as T[]);
  }
  return ready(proc, takeBatch(proc, [], max)) as Promise<T[]>;
}

/**
 * Moves the oldest queued messages into `batch` until it holds `max`. The wake-up that
 * delivers the batch counts once against the budget; each message past the first counts too.
 */
function takeBatch(proc: Proc, batch: unknown[], max: number): unknown[] {
  proc.mailbox.shiftInto(batch, max);
  spend(batch.length - 1);
  return batch;
}

function checkCanWait(proc: Proc, timeoutMs: number): void {
  if (!(timeoutMs >= 0))
    throw new BadArgError(`receive: timeout must be >= 0 ms, got ${timeoutMs}`);
  // Behaviours pass their proc in; a dead one must not wait again (it would count as idle twice).
  if (proc.status === 'exited') throw new ProcessExitedError(proc.pid, proc.exitReason);
  if (proc.waitResolve !== null) {
    throw new BadArgError(`receive: ${proc.pid} is already waiting in another receive`);
  }
}

/** @internal Receive for `proc`, scanning its mailbox from the mark `from`. */
export function receiveIn(
  proc: Proc,
  match: Match | null,
  timeoutMs: number,
  from: number,
): Promise<unknown> {
  checkCanWait(proc, timeoutMs);
  const found =
    match === null && from === 0 ? proc.mailbox.shift() : proc.mailbox.take(match ?? any, from);
  if (found !== HOLE) return ready(proc, found);
  if (timeoutMs === 0) return ready(proc, TIMEOUT);
  const waiting = new Promise(capture);
  block(proc, match, timeoutMs, resolveWait, rejectWait);
  // Not kept here past this call: they hold the waiting process's continuation.
  resolveWait = rejectWait = forgotten;
  return waiting;
}

/**
 * A new promise's resolving functions, taken out by one shared executor: a closure made for
 * every wait would be one more object per message for a process that waits between messages.
 */
let resolveWait: (value: unknown) => void = forgotten;
let rejectWait: (error: unknown) => void = forgotten;

function capture(resolve: (message: unknown) => void, reject: (error: unknown) => void): void {
  resolveWait = resolve;
  rejectWait = reject;
}

/** @internal What a taken-out resolving function is reset to once it has been handed on. */
export function forgotten(): void {}

/** What `receiveNow` returns when it has no message to give now. */
export const NOT_NOW: unique symbol = Symbol('not_now');
export type NotNow = typeof NOT_NOW;

/**
 * Takes the oldest message at once, without an await (a receive without a pattern). `NOT_NOW`
 * when there is none, or when the time slice is spent: the process then awaits `receive()`,
 * which waits for a message, or lets the event loop run before it hands over the one queued.
 *
 * A loop of `receive()` pays a promise and a microtask per message; a process that handles
 * what is queued with `receiveNow` after one `await receive()` pays them once per wake-up,
 * and, unlike `receiveMany`, leaves every message in the mailbox until its turn comes.
 */
export function receiveNow(): unknown {
  const proc = actingProc('receiveNow');
  if (proc === null) return NOT_NOW;
  const message = takeNow(proc);
  return message === HOLE ? NOT_NOW : message;
}

/**
 * @internal The oldest message, taken at once without a promise, for a behaviour's loop that
 * would otherwise await `receiveIn(proc, null, ...)`; HOLE when the mailbox is empty or the time
 * slice is spent (the loop then awaits `receiveIn`, which waits or defers it like any wake-up).
 * A server with a queue runs through it message after message until its slice is spent, as a
 * BEAM process runs until its reductions are: each take counts against the budget as a wake-up
 * would, so fairness is unchanged, and no promise or microtask is spent per message.
 */
export function takeNow(proc: Proc): unknown {
  if (proc.waitResolve !== null || proc.mailbox.size === 0 || !mayRunNow()) return HOLE;
  return proc.mailbox.shift();
}

/**
 * @internal `receiveIn` with callbacks instead of a promise, for a behaviour that settles a
 * promise of its own (GenServer.call): one promise per call instead of three. `onMessage` gets
 * the message, or TIMEOUT, when the process would have resumed; it runs in the context of
 * whoever delivered the message, so it must only settle state and its own promise.
 */
export function receiveThen(
  proc: Proc,
  match: Match,
  timeoutMs: number,
  from: number,
  onMessage: (message: unknown) => void,
  onError: (error: unknown) => void,
): void {
  checkCanWait(proc, timeoutMs);
  const found = proc.mailbox.take(match, from);
  if (found !== HOLE) resume(proc, onMessage, found);
  else if (timeoutMs === 0) resume(proc, onMessage, TIMEOUT);
  else block(proc, match, timeoutMs, onMessage, onError);
}

/** @internal Suspends `proc` in receive until `deliver` or the timeout resumes it. */
export function block(
  proc: Proc,
  match: Match | null,
  timeoutMs: number,
  resolve: (message: unknown) => void,
  reject: (error: unknown) => void,
): void {
  proc.waitMatch = match;
  proc.waitResolve = resolve;
  proc.waitReject = reject;
  proc.status = 'waiting';
  if (timeoutMs !== Number.POSITIVE_INFINITY)
    proc.waitTimer = receiveTimeouts.start(proc, timeoutMs);
  markIdle(proc);
}

const any: Match = () => true;

const receiveTimeouts = new Timeouts<Proc>(receiveTimedOut);

function receiveTimedOut(proc: Proc): void {
  const resolve = proc.waitResolve;
  proc.waitTimer = null;
  if (resolve === null || proc.status === 'exited') return;
  wakeUp(proc);
  resume(proc, resolve, TIMEOUT);
}

/**
 * Waits until every process is idle (blocked in receive), then prints each message in the
 * caller's mailbox on its own line and empties it, like iex's `flush()`. Waiting first makes
 * REPL sessions deterministic: the replies a session asked for are there when flush looks.
 */
export async function flush(options: { timeoutMs?: number } = {}): Promise<void> {
  const proc = actingProc('flush');
  if (proc === null) return never();
  if (proc === shell) await whenIdle(options.timeoutMs);
  for (const message of proc.mailbox.drain()) console.log(inspect(message, { depth: 6 }));
}
