/**
 * The kernel: processes, their mailboxes, and the signals between them (messages, exits, links,
 * monitors), after Erlang's process model.
 *
 * A process is an async function with a mailbox. It runs until it awaits; `receive` suspends it
 * until a matching message arrives. Node has one thread and no preemption, so a process gives
 * the event loop back at every `await`, and the scheduler defers wake-ups once a few ms have gone
 * by without an event-loop turn, so that a flooded process cannot starve timers or I/O.
 *
 * Which process is running is tracked with AsyncLocalStorage, so `self()`, `send` and `receive`
 * know their caller across any `await`. Code that runs outside every process (a script, a test,
 * the REPL) runs as the shell process, as in iex.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { inspect } from 'node:util';
import { reportCrash } from './crash.js';
import { BadArgError, ExitError, type ExitReason, ProcessExitedError } from './errors.js';
import { HOLE, Mailbox } from './mailbox.js';
import { type Pattern, toPredicate } from './pattern.js';
import { Pid, Ref } from './pid.js';
import { type Deadline, Timeouts } from './timeouts.js';

/** What `receive` returns when its timeout passes with no matching message. */
export const TIMEOUT: unique symbol = Symbol('timeout');
export type Timeout = typeof TIMEOUT;

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

type Status = 'running' | 'waiting' | 'exited';
type Match = (message: unknown) => boolean;

/** @internal A process's state. Only the kernel and the OTP behaviours touch it. */
export class Proc {
  readonly pid: Pid;
  readonly mailbox = new Mailbox();
  status: Status = 'running';
  trapExit = false;
  name: string | undefined = undefined;
  exitReason: ExitReason = undefined;
  links: Set<Proc> | null = null;
  /** Monitors this process holds, by reference, with their target. */
  monitors: Map<Ref, Proc> | null = null;
  /** Monitors held on this process, by reference, with their holder. */
  monitoredBy: Map<Ref, Proc> | null = null;
  /** Set while blocked in `receive`. */
  waitMatch: Match | null = null;
  waitResolve: ((message: unknown) => void) | null = null;
  waitReject: ((error: unknown) => void) | null = null;
  waitTimer: Deadline<Proc> | null = null;
  /** Run synchronously at exit, before any signal goes out (Registry uses it to forget names). */
  exitHooks: Array<(reason: ExitReason) => void> | null = null;
  /** Timers from `sendAfter` aimed at this pid: cancelled when it exits, as in Erlang. */
  timers: Set<Ref> | null = null;
  #meta: ProcessMeta | undefined = undefined;

  constructor(id: number) {
    this.pid = new Pid(id);
    this.pid.proc = this;
  }

  /** What a behaviour says about itself, for `Process.info` and the tree printer. */
  get meta(): ProcessMeta | undefined {
    return this.#meta;
  }

  set meta(meta: ProcessMeta | undefined) {
    this.#meta = meta;
    if (meta !== undefined && this.status !== 'exited') described.add(this);
    else described.delete(this);
  }
}

/** How a behaviour (GenServer, Supervisor, ...) describes its process to inspection tools. */
export interface ProcessMeta {
  readonly behaviour: string;
  readonly module?: string;
  /** Supervisors list their children so the whole tree can be printed. */
  readonly children?: () => Array<{
    id: string;
    pid: Pid | undefined;
    type: 'worker' | 'supervisor';
  }>;
}

// ---------------------------------------------------------------------------------------------
// Process table, context and the shell

const context = new AsyncLocalStorage<Proc>();
const registered = new Map<string, Proc>();
let nextId = 100;
let liveCount = 0;
/**
 * Live processes that have `meta`: the tree printer looks for root supervisors among them. The
 * kernel keeps no table of every process (a pid holds its process), so this is the one index.
 */
const described = new Set<Proc>();
let shell = newShell();

function newShell(): Proc {
  const proc = new Proc(nextId++);
  proc.meta = { behaviour: 'shell' };
  return proc;
}

/** @internal The calling process; throws if it has already exited. */
export function currentProc(): Proc {
  const proc = context.getStore() ?? shell;
  if (proc.status === 'exited') throw new ProcessExitedError(proc.pid, proc.exitReason);
  return proc;
}

/** @internal The live process behind a pid, or null. */
export function procOf(pid: Pid): Proc | null {
  return pid.proc as Proc | null;
}

/** @internal Live processes that describe themselves with `meta` (behaviours, the shell). */
export function describedProcs(): Proc[] {
  return [...described];
}

/** The pid of the calling process (the shell's outside any process). */
export function self(): Pid {
  return currentProc().pid;
}

/** True while the process has not exited. */
export function isAlive(pid: Pid): boolean {
  return pid instanceof Pid && pid.proc !== null;
}

// ---------------------------------------------------------------------------------------------
// Scheduling: idle tracking (for `flush`) and the fairness budget

/** Processes running or about to run (not blocked in receive); the shell is not counted. */
let busy = 0;
let idleWaiters: Array<() => void> = [];

function markBusy(proc: Proc): void {
  if (proc !== shell) busy++;
}

function markIdle(proc: Proc): void {
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

/** True if a wake-up may run now; false once the slice is spent, until the event loop has run. */
function mayRunNow(): boolean {
  if (deferredScheduled) return false;
  if (--budget > 0) return true;
  budget = BUDGET;
  return performance.now() - sliceStart < SLICE_MS;
}

/** Resumes a process with `value`: as a microtask within the slice, else after I/O. */
function resume(proc: Proc, resolve: (value: unknown) => void, value: unknown): void {
  if (mayRunNow()) resolve(value);
  else defer(proc, resolve, value);
}

function defer(proc: Proc, resolve: (value: unknown) => void, value: unknown): void {
  deferred.push(proc, resolve, value);
  if (!deferredScheduled) {
    deferredScheduled = true;
    setImmediate(runDeferred);
  }
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

/** A promise for `value` that respects the budget: the fast path of `receive`. */
function ready(proc: Proc, value: unknown): Promise<unknown> {
  if (mayRunNow()) return Promise.resolve(value);
  return new Promise((resolve) => defer(proc, resolve, value));
}

// ---------------------------------------------------------------------------------------------
// Spawning

export type ProcessBody = () => unknown;

export interface SpawnOptions {
  /** Link the new process to the caller before it runs (`spawn_link`). */
  link?: boolean;
  /** Monitor the new process before it runs (`spawn_monitor`); the ref comes back. */
  monitor?: boolean;
}

/** @internal Creates a process and starts `body` in it on the next microtask. */
export function spawnProc(
  body: ProcessBody,
  options: SpawnOptions = {},
): { proc: Proc; ref?: Ref } {
  if (typeof body !== 'function') throw new BadArgError('spawn needs a function to run');
  const parent = currentProc();
  const proc = new Proc(nextId++);
  liveCount++;
  markBusy(proc);
  if (options.link) linkProcs(parent, proc);
  const ref = options.monitor ? monitorProc(parent, proc) : undefined;
  // Like Erlang's spawn, the new process runs after spawn returns, never inside the caller.
  queueMicrotask(() => {
    if (proc.status !== 'exited') context.run(proc, run, proc, body);
  });
  return ref === undefined ? { proc } : { proc, ref };
}

function run(proc: Proc, body: ProcessBody): void {
  let result: unknown;
  try {
    result = body();
  } catch (error) {
    finish(proc, error, true);
    return;
  }
  if (result instanceof Promise) {
    // Shared handlers, not closures over proc: they run in the process's context, which tells
    // them the process. An idle process holds ~150 bytes less.
    result.then(bodyReturned, bodyThrew);
  } else if (typeof (result as PromiseLike<unknown> | undefined)?.then === 'function') {
    (result as PromiseLike<unknown>).then(
      () => finish(proc, 'normal', false),
      (error) => finish(proc, error, true),
    );
  } else {
    finish(proc, 'normal', false);
  }
}

function bodyReturned(): void {
  finish(context.getStore() as Proc, 'normal', false);
}

function bodyThrew(error: unknown): void {
  finish(context.getStore() as Proc, error, true);
}

/** The body returned or threw: the process exits (unless something killed it first). */
function finish(proc: Proc, outcome: unknown, threw: boolean): void {
  if (proc.status === 'exited') return;
  if (!threw) {
    terminate(proc, 'normal');
  } else if (outcome instanceof ExitError) {
    terminate(proc, outcome.reason);
  } else {
    reportCrash({ kind: 'process', pid: proc.pid, name: proc.name, reason: outcome });
    terminate(proc, outcome);
  }
}

/** Starts a process running `body`; returns its pid at once. */
export function spawn(body: ProcessBody): Pid {
  return spawnProc(body).proc.pid;
}

/** Starts a process linked to the caller: atomically, so no exit can fall between. */
export function spawnLink(body: ProcessBody): Pid {
  return spawnProc(body, { link: true }).proc.pid;
}

/** Starts a process monitored by the caller, atomically; returns `[pid, ref]`. */
export function spawnMonitor(body: ProcessBody): [Pid, Ref] {
  const { proc, ref } = spawnProc(body, { monitor: true });
  return [proc.pid, ref as Ref];
}

// ---------------------------------------------------------------------------------------------
// Messages

/** A destination: a pid or a registered name. */
export type Dest = Pid | string;

/**
 * Sends `message` to `dest` and returns it. Sending to a dead pid does nothing, as in Erlang;
 * sending to a name nobody has registered throws (Erlang's badarg).
 */
export function send<M>(dest: Dest, message: M): M {
  currentProc();
  const target = typeof dest === 'string' ? registered.get(dest) : destProc(dest);
  if (target === undefined) throw new BadArgError(`send: no process is registered as '${dest}'`);
  if (target !== null) deliver(target, message);
  return message;
}

function destProc(dest: unknown): Proc | null {
  if (!(dest instanceof Pid))
    throw new BadArgError(`send: ${inspect(dest)} is not a pid or a name`);
  return dest.proc as Proc | null;
}

/** @internal Puts a message in a live process's mailbox, or hands it to its waiting receive. */
export function deliver(proc: Proc, message: unknown): void {
  const resolve = proc.waitResolve;
  if (resolve !== null) {
    const match = proc.waitMatch;
    let matched = true;
    if (match !== null) {
      try {
        matched = match(message);
      } catch (error) {
        // A pattern that throws fails the receiving process, never the sender.
        const reject = proc.waitReject as (error: unknown) => void;
        wakeUp(proc);
        proc.mailbox.push(message);
        resume(proc, reject as (value: unknown) => void, error);
        return;
      }
    }
    if (matched) {
      wakeUp(proc);
      resume(proc, resolve, message);
      return;
    }
  }
  proc.mailbox.push(message);
}

/** A blocked process becomes busy again; the caller resumes it. */
function wakeUp(proc: Proc): void {
  stopWaiting(proc);
  proc.status = 'running';
  markBusy(proc);
}

function stopWaiting(proc: Proc): void {
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
  const proc = currentProc();
  return receiveIn(proc, match === undefined ? null : toPredicate(match), timeoutMs, 0);
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
  return new Promise((resolve, reject) => block(proc, match, timeoutMs, resolve, reject));
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

/** Suspends `proc` in receive until `deliver` or the timeout resumes it. */
function block(
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
  const proc = currentProc();
  if (proc === shell) await whenIdle(options.timeoutMs);
  for (const message of proc.mailbox.drain()) console.log(inspect(message, { depth: 6 }));
}

// ---------------------------------------------------------------------------------------------
// Exit signals, links and monitors

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
  const caller = currentProc();
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

/**
 * Links the caller and `pid` both ways. Linking to a dead process gives `noproc`, as in Erlang:
 * a caller that traps exits gets it as an EXIT message, any other caller as an ExitError it may
 * catch (uncaught, the process exits with `noproc`).
 */
export function link(pid: Pid): true {
  const caller = currentProc();
  const target = destProc(pid);
  if (target !== null) linkProcs(caller, target);
  else if (caller.trapExit) signalExit(caller, pid, 'noproc', true);
  else throw new ExitError('noproc', `link: ${pid} is not alive`);
  return true;
}

/** @internal */
export function linkProcs(a: Proc, b: Proc): void {
  if (a === b) return;
  (a.links ??= new Set()).add(b);
  (b.links ??= new Set()).add(a);
}

/** @internal */
export function unlinkProcs(a: Proc, b: Proc): void {
  a.links?.delete(b);
  b.links?.delete(a);
}

/** Removes the link between the caller and `pid`, if any. */
export function unlink(pid: Pid): true {
  const caller = currentProc();
  const target = destProc(pid);
  if (target !== null) unlinkProcs(caller, target);
  return true;
}

/**
 * Monitors `pid` (or a registered name): when it ends, the caller gets exactly one
 * `{ type: 'DOWN', ref, pid, reason }`. A target that is already gone gives `noproc` at once.
 */
export function monitor(target: Dest): Ref {
  const caller = currentProc();
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
  const ref = new Ref();
  (holder.monitors ??= new Map()).set(ref, target);
  (target.monitoredBy ??= new Map()).set(ref, holder);
  return ref;
}

/**
 * Turns off a monitor. With `{ flush: true }` a DOWN message it already delivered is removed
 * from the mailbox too. Returns true if the monitor was still active.
 */
export function demonitor(ref: Ref, options: { flush?: boolean } = {}): boolean {
  return demonitorIn(currentProc(), ref, options.flush ?? false);
}

/** @internal */
export function demonitorIn(holder: Proc, ref: Ref, flushDown: boolean): boolean {
  const target = holder.monitors?.get(ref);
  holder.monitors?.delete(ref);
  target?.monitoredBy?.delete(ref);
  if (flushDown) holder.mailbox.removeAll((m) => isDown(m) && m.ref === ref);
  return target !== undefined;
}

/** @internal True for a monitor's DOWN message. */
export function isDown(message: unknown): message is DownMessage {
  return (message as DownMessage | null)?.type === 'DOWN';
}

/** @internal True for a trapped exit signal's EXIT message. */
export function isExit(message: unknown): message is ExitMessage {
  return (message as ExitMessage | null)?.type === 'EXIT';
}

/** Sets whether the caller traps exits; returns the previous setting. */
export function trapExit(flag: boolean): boolean {
  const proc = currentProc();
  const previous = proc.trapExit;
  proc.trapExit = flag;
  return previous;
}

// ---------------------------------------------------------------------------------------------
// Termination

const pendingExits: Proc[] = [];
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
  if (proc !== shell) liveCount--;
  if (proc.name !== undefined) registered.delete(proc.name);
  described.delete(proc);
  if (proc.timers) cancelTimersOf(proc);
  if (proc.exitHooks) for (const hook of proc.exitHooks) hook(reason);
  pendingExits.push(proc);
  if (propagating) return;
  propagating = true;
  try {
    for (let next = pendingExits.shift(); next; next = pendingExits.shift()) propagate(next);
  } finally {
    propagating = false;
  }
}

function propagate(proc: Proc): void {
  const { pid, exitReason: reason } = proc;
  if (proc.monitors) for (const [ref, target] of proc.monitors) target.monitoredBy?.delete(ref);
  if (proc.monitoredBy) {
    for (const [ref, holder] of proc.monitoredBy) {
      holder.monitors?.delete(ref);
      deliver(holder, { type: 'DOWN', ref, pid, reason } satisfies DownMessage);
    }
  }
  if (proc.links) {
    for (const linked of proc.links) {
      linked.links?.delete(proc);
      signalExit(linked, pid, reason, true);
    }
  }
  proc.links = proc.monitors = proc.monitoredBy = null;
  if (proc === shell) restartShell(proc);
}

/** Like iex, a shell that an exit signal killed is replaced by a fresh one. */
function restartShell(dead: Proc): void {
  shell = newShell();
  reportCrash({
    kind: 'shell',
    pid: dead.pid,
    name: undefined,
    reason: dead.exitReason,
    context: `a new shell is ${shell.pid}`,
  });
}

/** @internal Registers a hook that runs synchronously when `proc` exits. */
export function onExit(proc: Proc, hook: (reason: ExitReason) => void): void {
  (proc.exitHooks ??= []).push(hook);
}

// ---------------------------------------------------------------------------------------------
// Registered names

/** Registers `pid` under `name`. Throws if the name is taken, or the pid is dead or named. */
export function register(name: string, pid: Pid): true {
  currentProc();
  if (typeof name !== 'string' || name === '')
    throw new BadArgError('register: a name is a non-empty string');
  const proc = destProc(pid);
  if (proc === null) throw new BadArgError(`register: ${pid} is not alive`);
  if (registered.has(name)) throw new BadArgError(`register: '${name}' is already registered`);
  if (proc.name !== undefined)
    throw new BadArgError(`register: ${pid} is already registered as '${proc.name}'`);
  registered.set(name, proc);
  proc.name = name;
  return true;
}

/** Removes a registered name. Throws if nobody has it. */
export function unregister(name: string): true {
  currentProc();
  const proc = registered.get(name);
  if (proc === undefined) throw new BadArgError(`unregister: '${name}' is not registered`);
  registered.delete(name);
  proc.name = undefined;
  return true;
}

/** The pid registered under `name`, or undefined. */
export function whereis(name: string): Pid | undefined {
  return registered.get(name)?.pid;
}

/** Every registered name. */
export function registeredNames(): string[] {
  return [...registered.keys()];
}

// ---------------------------------------------------------------------------------------------
// Timers

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
  currentProc();
  if (!(ms >= 0) || ms === Number.POSITIVE_INFINITY)
    throw new BadArgError(`sendAfter: bad delay ${ms}`);
  const ref = new Ref();
  const target = typeof dest === 'string' ? null : destProc(dest);
  if (typeof dest !== 'string' && target === null) return ref;
  const handle = setTimeout(fireTimer, ms, ref, dest, message);
  timers.set(ref, { handle, due: performance.now() + ms, target });
  if (target !== null) (target.timers ??= new Set()).add(ref);
  return ref;
}

function fireTimer(ref: Ref, dest: Dest, message: unknown): void {
  const timer = timers.get(ref);
  timers.delete(ref);
  timer?.target?.timers?.delete(ref);
  const target = typeof dest === 'string' ? registered.get(dest) : (dest.proc as Proc | null);
  if (target) deliver(target, message);
}

function cancelTimersOf(proc: Proc): void {
  for (const ref of proc.timers ?? []) {
    const timer = timers.get(ref);
    if (timer) clearTimeout(timer.handle);
    timers.delete(ref);
  }
  proc.timers = null;
}

/** Cancels a timer; returns the ms it had left, or false if it already fired or was cancelled. */
export function cancelTimer(ref: Ref): number | false {
  currentProc();
  const timer = timers.get(ref);
  if (timer === undefined) return false;
  clearTimeout(timer.handle);
  timers.delete(ref);
  timer.target?.timers?.delete(ref);
  return Math.max(0, Math.round(timer.due - performance.now()));
}

// ---------------------------------------------------------------------------------------------
// Inspection

/** What `Process.info` tells about a live process. */
export interface ProcessInfo {
  readonly pid: Pid;
  /** `running` (has work, or awaits something other than receive) or `waiting` (blocked in receive). */
  readonly status: Exclude<Status, 'exited'>;
  readonly messageQueueLength: number;
  readonly links: Pid[];
  readonly monitors: Pid[];
  readonly monitoredBy: Pid[];
  readonly registeredName: string | undefined;
  readonly trapExit: boolean;
  readonly behaviour: string | undefined;
}

function info(pid: Pid): ProcessInfo | undefined {
  const proc = pid.proc as Proc | null;
  if (proc === null) return undefined;
  const pids = (procs: Iterable<Proc> | undefined) => [...(procs ?? [])].map((p) => p.pid);
  return {
    pid,
    status: proc.status as ProcessInfo['status'],
    messageQueueLength: proc.mailbox.size,
    links: pids(proc.links ?? undefined),
    monitors: pids(proc.monitors?.values()),
    monitoredBy: pids(proc.monitoredBy?.values()),
    registeredName: proc.name,
    trapExit: proc.trapExit,
    behaviour: proc.meta?.behaviour,
  };
}

/**
 * Runs `hook(reason)` when `pid` exits, however it ends: it returns, crashes or is killed (a kill
 * runs none of the process's own code, so a `finally` block cannot do this). This is how a
 * process owns something outside the runtime, such as a socket, the way an Erlang port closes
 * when its owner dies. Hooks run synchronously at the exit, before links and monitors are
 * signalled; one that throws is reported and the others still run. For a pid that has already
 * exited the hook runs at once, with `'noproc'`.
 */
function onExitOf(pid: Pid, hook: (reason: ExitReason) => void): void {
  const proc = destProc(pid);
  const guarded = (reason: ExitReason) => {
    try {
      hook(reason);
    } catch (error) {
      reportCrash({
        kind: 'process',
        pid,
        name: undefined,
        reason: error,
        context: 'in an exit hook',
      });
    }
  };
  if (proc === null) guarded('noproc');
  else onExit(proc, guarded);
}

/** Process inspection, like Erlang's `process_info/1` and `processes/0`. */
export const Process = {
  info,
  /** How many processes are alive (the shell not counted). */
  count: (): number => liveCount,
  onExit: onExitOf,
};
