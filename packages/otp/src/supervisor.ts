/**
 * Supervisor: a process that starts child processes, is linked to them, and restarts them when
 * they exit, after Erlang's `supervisor` and Elixir's `Supervisor`.
 *
 * ```ts
 * await Supervisor.start(
 *   [
 *     Supervisor.childSpec(Counter, 0, { id: 'counter', name: 'counter' }),
 *     { id: 'clock', start: () => GenServer.startLink(Clock, null), restart: 'transient' },
 *   ],
 *   { strategy: 'one_for_one' },
 * );
 * ```
 *
 * The supervisor is a GenServer that traps exits: a child's exit arrives as an EXIT message in
 * `handleInfo`, an API request as a call, and `terminate` shuts the children down. Child starts
 * and shutdowns run inside the supervisor process, one at a time, as in OTP: a child's `start`
 * must link the new process to its caller (`GenServer.startLink`, `spawnLink`).
 *
 * The child bookkeeping both supervisors share (specs, starting a child, shutting children
 * down, the restart intensity, crash reports) is here too; `dynamic_supervisor.ts` uses it.
 */
import { reportCrash } from './crash.js';
import { BadArgError, type ExitReason, isCleanExit } from './errors.js';
import {
  GenServer,
  type GenServerModule,
  type InitResult,
  type Server,
  type StartOptions,
  type StartResult,
} from './gen_server.js';
import { HOLE } from './mailbox.js';
import type { ServerName } from './names.js';
import { Pid, type Ref } from './pid.js';
import {
  currentProc,
  type DownMessage,
  deliver,
  type ExitMessage,
  isDown,
  isExit,
  monitorProc,
  type Proc,
  type ProcessMeta,
  procOf,
  receiveIn,
  signalExit,
  TIMEOUT,
  trapExit,
  unlinkProcs,
} from './process.js';

type Awaitable<T> = T | Promise<T>;

// ---------------------------------------------------------------------------------------------
// Child specs

/** Whether a child that exits is started again: always, only after a crash, or never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** How long a child gets to stop after `shutdown` (ms) before it is killed. */
export type Shutdown = number | 'brutal_kill' | 'infinity';
export type ChildType = 'worker' | 'supervisor';
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';

/** How to start a child and what to do when it exits, like an Elixir child spec map. */
export interface ChildSpec {
  /** Names the child inside its supervisor. */
  readonly id: string;
  /** Starts the child linked to the caller, which is the supervisor (`GenServer.startLink`). */
  readonly start: () => Awaitable<StartResult>;
  /** `permanent` by default. */
  readonly restart?: RestartType;
  /** 5000 ms for a worker, `infinity` for a supervisor, by default. */
  readonly shutdown?: Shutdown;
  /** `worker` by default. */
  readonly type?: ChildType;
}

/** @internal A spec with its defaults filled in. A dynamic supervisor's children need no id. */
export interface FullSpec {
  readonly id: string | undefined;
  readonly start: () => Awaitable<StartResult>;
  readonly restart: RestartType;
  readonly shutdown: Shutdown;
  readonly type: ChildType;
}

/**
 * @internal A child as its supervisor tracks it: running (a pid), not running (`undefined`), or
 * waiting for another restart attempt after one failed (`'restarting'`).
 */
export interface Child {
  readonly spec: FullSpec;
  pid: Pid | 'restarting' | undefined;
}

/** A child as `whichChildren` lists it. */
export interface ChildInfo<Id = string> {
  readonly id: Id;
  readonly pid: Pid | 'restarting' | undefined;
  readonly type: ChildType;
  readonly restart: RestartType;
}

/** What `countChildren` returns; `supervisors` and `workers` count specs, running or not. */
export interface ChildCounts {
  readonly specs: number;
  readonly active: number;
  readonly supervisors: number;
  readonly workers: number;
}

const RESTART_TYPES: readonly unknown[] = ['permanent', 'transient', 'temporary'];
const CHILD_TYPES: readonly unknown[] = ['worker', 'supervisor'];
const STRATEGIES: readonly unknown[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

/** @internal What is wrong with a child spec (a reason like OTP's), or undefined if nothing. */
export function specProblem(spec: unknown, needsId: boolean): ExitReason | undefined {
  if (typeof spec !== 'object' || spec === null) return ['invalid_child_spec', spec];
  const { id, start, restart, shutdown, type } = spec as Partial<ChildSpec>;
  if (needsId ? typeof id !== 'string' || id === '' : id !== undefined && typeof id !== 'string')
    return ['invalid_child_id', id];
  if (typeof start !== 'function') return ['invalid_start', start];
  if (restart !== undefined && !RESTART_TYPES.includes(restart))
    return ['invalid_restart_type', restart];
  if (type !== undefined && !CHILD_TYPES.includes(type)) return ['invalid_child_type', type];
  const validShutdown =
    shutdown === undefined ||
    shutdown === 'brutal_kill' ||
    shutdown === 'infinity' ||
    (typeof shutdown === 'number' && shutdown >= 0 && Number.isFinite(shutdown));
  return validShutdown ? undefined : ['invalid_shutdown', shutdown];
}

/** @internal Fills in a valid spec's defaults. */
export function fullSpec(spec: Partial<ChildSpec> & Pick<ChildSpec, 'start'>): FullSpec {
  const type = spec.type ?? 'worker';
  return {
    id: spec.id,
    start: spec.start,
    restart: spec.restart ?? 'permanent',
    // A supervisor child may need a long time to stop its own children: it gets all it needs.
    shutdown: spec.shutdown ?? (type === 'supervisor' ? 'infinity' : 5000),
    type,
  };
}

/** Overrides for `childSpec`: the spec's fields, and the name the server registers. */
export interface ChildOverrides {
  /** The child's id; the module's `name` by default. */
  readonly id?: string;
  /** The name the server registers under (passed to `GenServer.startLink`). */
  readonly name?: ServerName;
  readonly restart?: RestartType;
  readonly shutdown?: Shutdown;
  readonly type?: ChildType;
}

/** A child spec that starts a GenServer module with `GenServer.startLink(module, arg, { name })`. */
export function childSpec<S, A>(
  module: GenServerModule<S, A>,
  arg: A,
  overrides: ChildOverrides = {},
): ChildSpec {
  const { id = module.name, name, ...rest } = overrides;
  if (id === undefined)
    throw new BadArgError('childSpec: the module has no name, so give the child an id');
  const options: StartOptions = name === undefined ? {} : { name };
  return { ...rest, id, start: () => GenServer.startLink(module, arg, options) };
}

/** @internal The restart type's rule: should a child that exited with `reason` be restarted? */
export function needsRestart(restart: RestartType, reason: ExitReason): boolean {
  if (restart === 'permanent') return true;
  return restart === 'transient' && !isCleanExit(reason);
}

/** @internal `whichChildren`'s entry for a child. */
export function childInfo(child: Child): ChildInfo<string | undefined> {
  const { id, type, restart } = child.spec;
  return { id, pid: child.pid, type, restart };
}

/** @internal `countChildren` over `children`. */
export function countOf(children: Iterable<Child>): ChildCounts {
  let specs = 0;
  let active = 0;
  let supervisors = 0;
  for (const child of children) {
    specs++;
    if (child.pid instanceof Pid) active++;
    if (child.spec.type === 'supervisor') supervisors++;
  }
  return { specs, active, supervisors, workers: specs - supervisors };
}

/** @internal How the tree printer sees a child. */
export function metaEntry(child: Child): ReturnType<NonNullable<ProcessMeta['children']>>[number] {
  const pid = child.pid instanceof Pid ? child.pid : undefined;
  return { id: child.spec.id ?? String(pid), pid, type: child.spec.type };
}

// ---------------------------------------------------------------------------------------------
// Starting a child

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
  const why =
    mode === 'escalated'
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

// ---------------------------------------------------------------------------------------------
// Restart intensity and reports

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

/** @internal Counts a restart; reports and returns false when the supervisor must give up. */
export function admitRestart(sup: Proc, intensity: RestartIntensity): boolean {
  if (intensity.add()) return true;
  reportCrash({
    kind: 'supervisor',
    pid: sup.pid,
    name: sup.name,
    reason: 'shutdown',
    context:
      `reached its maximum restart intensity (more than ${intensity.maxRestarts} restarts in ` +
      `${intensity.maxSeconds} s): it stops all its children and shuts down`,
  });
  return false;
}

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

function childLabel(child: Child, pid: Pid | undefined): string {
  return child.spec.id === undefined ? `child ${pid ?? '?'}` : `child '${child.spec.id}'`;
}

function supLabel(sup: Proc): string {
  return sup.name === undefined ? `supervisor ${sup.pid}` : `supervisor ${sup.pid} (${sup.name})`;
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

// ---------------------------------------------------------------------------------------------
// The supervisor process

export interface SupervisorFlags {
  /** Which children to restart when one exits: `one_for_one` by default. */
  readonly strategy?: Strategy;
  /** At most this many restarts (3 by default) ... */
  readonly maxRestarts?: number;
  /** ... within this many seconds (5 by default); one more and the supervisor shuts down. */
  readonly maxSeconds?: number;
}

export interface SupervisorOptions extends SupervisorFlags {
  readonly name?: ServerName;
}

/** What a supervisor module's `init` describes: the children and the flags. */
export interface SupervisorInit extends SupervisorFlags {
  readonly children: readonly ChildSpec[];
}

/** A supervisor module, like an Elixir module that `use`s Supervisor. */
export interface SupervisorModule<A = unknown> {
  /** Shown by the tree printer. */
  readonly name?: string;
  init(arg: A): Awaitable<readonly ['ok', SupervisorInit] | 'ignore'>;
}

/** What `init` returns: `['ok', { children, ...flags }]`, as Elixir's `Supervisor.init/2`. */
export function init(
  children: readonly ChildSpec[],
  flags: SupervisorFlags = {},
): readonly ['ok', SupervisorInit] {
  return ['ok', { ...flags, children }];
}

/** The state of a supervisor: its children in start order, and its restart policy. */
class SupState {
  children: Child[] = [];

  constructor(
    readonly proc: Proc,
    readonly strategy: Strategy,
    readonly intensity: RestartIntensity,
  ) {}
}

interface Boot {
  readonly module: SupervisorModule;
  readonly arg: unknown;
}

// The supervisor is a GenServer whose callbacks are the functions below.
const SupervisorServer: GenServerModule<SupState, Boot> = {
  name: 'Supervisor',
  init: initSupervisor,
  handleCall: async (request, _from, state) =>
    ['reply', await answer(request, state), state] as const,
  handleInfo: async (message, state) =>
    (await onInfo(message, state)) ? ['noreply', state] : ['stop', 'shutdown', state],
  // Stopping (asked to, by its parent's exit, or after too many restarts): children go first.
  terminate: (_reason, state) => terminateChildren(state, state.children),
};

async function initSupervisor({ module, arg }: Boot): Promise<InitResult<SupState>> {
  trapExit(true);
  const result = await module.init(arg);
  if (result === 'ignore') return 'ignore';
  if (!Array.isArray(result) || result[0] !== 'ok') return ['stop', ['bad_return', result]];
  const { children, strategy = 'one_for_one', maxRestarts = 3, maxSeconds = 5 } = result[1];
  const flagsProblem = STRATEGIES.includes(strategy)
    ? intensityProblem(maxRestarts, maxSeconds)
    : ['invalid_strategy', strategy];
  if (flagsProblem !== undefined) return ['stop', ['supervisor_data', flagsProblem]];
  const specsProblem = initialSpecsProblem(children);
  if (specsProblem !== undefined) return ['stop', ['start_spec', specsProblem]];

  const state = new SupState(
    currentProc(),
    strategy,
    new RestartIntensity(maxRestarts, maxSeconds),
  );
  state.children = children.map((spec) => ({ spec: fullSpec(spec), pid: undefined }));
  describe(state, module.name);
  const failure = await startInOrder(state, state.children);
  if (failure === undefined) return ['ok', state];
  // All or nothing: the children already started are stopped before the start fails.
  await terminateChildren(state, state.children);
  return ['stop', { shutdown: ['failed_to_start_child', failure.child.spec.id, failure.reason] }];
}

function initialSpecsProblem(children: unknown): ExitReason | undefined {
  if (!Array.isArray(children)) return ['invalid_children', children];
  const ids = new Set<string>();
  for (const spec of children) {
    const problem = specProblem(spec, true);
    if (problem !== undefined) return problem;
    if (ids.has(spec.id)) return ['duplicate_child_name', spec.id];
    ids.add(spec.id);
  }
  return undefined;
}

/** Describes the process for Process.info and the tree printer. */
function describe(state: SupState, module: string | undefined): void {
  const meta: ProcessMeta & { strategy: Strategy } = {
    behaviour: 'supervisor',
    ...(module === undefined ? {} : { module }),
    strategy: state.strategy,
    children: () => state.children.map(metaEntry),
  };
  state.proc.meta = meta;
}

/**
 * Starts `children` in order; stops at the first failure and returns it. A temporary child
 * that answers `ignore` is forgotten (nothing would ever start it again).
 */
async function startInOrder(
  state: SupState,
  children: readonly Child[],
): Promise<{ child: Child; reason: ExitReason } | undefined> {
  for (const child of children) {
    const [status, value] = await startChildProcess(child.spec);
    if (status === 'error') {
      reportStartError(state.proc, child, value);
      return { child, reason: value };
    }
    child.pid = value;
    if (value === undefined && child.spec.restart === 'temporary') forget(state, child);
  }
  return undefined;
}

/**
 * Shuts `children` down one at a time, the last started first, so that a child never outlives
 * the siblings it was started after (and may depend on). Temporary children are then forgotten.
 * Returns the ones that remain, in start order.
 */
async function terminateChildren(state: SupState, children: readonly Child[]): Promise<Child[]> {
  for (let i = children.length - 1; i >= 0; i--) {
    const child = children[i] as Child;
    if (child.pid instanceof Pid) await shutdownChildren(state.proc, [child]);
    child.pid = undefined;
  }
  // One pass at the end: forgetting each temporary child on its own would be quadratic.
  const temporary = new Set(children.filter((child) => child.spec.restart === 'temporary'));
  if (temporary.size > 0) state.children = state.children.filter((c) => !temporary.has(c));
  return children.filter((child) => !temporary.has(child));
}

function forget(state: SupState, child: Child): void {
  state.children = state.children.filter((c) => c !== child);
}

// ---------------------------------------------------------------------------------------------
// Exits and restarts

/** Handles a message that is not a call; false means the supervisor must shut down. */
async function onInfo(message: unknown, state: SupState): Promise<boolean> {
  if (message instanceof RestartRetry) {
    const { child } = message;
    // The retry is stale if the child was terminated, deleted or restarted in the meantime.
    if (child.pid !== 'restarting' || !state.children.includes(child)) return true;
    return restart(state, child);
  }
  if (isExit(message)) {
    const child = state.children.find((c) => c.pid === message.from);
    if (child !== undefined) return childExited(state, child, message.from, message.reason);
  }
  return true; // an EXIT from a process that is not a child, or a stray message
}

async function childExited(
  state: SupState,
  child: Child,
  pid: Pid,
  reason: ExitReason,
): Promise<boolean> {
  reportChildExit(state.proc, child, pid, reason);
  child.pid = undefined;
  if (needsRestart(child.spec.restart, reason)) return restart(state, child);
  if (child.spec.restart === 'temporary') forget(state, child);
  return true;
}

/** Restarts after `child` exited, per the strategy; false when the intensity is exceeded. */
async function restart(state: SupState, child: Child): Promise<boolean> {
  if (!admitRestart(state.proc, state.intensity)) return false;
  // The children the strategy restarts with `child`: only it, all, or it and those after it.
  const index = state.children.indexOf(child);
  const group =
    state.strategy === 'one_for_one'
      ? [child]
      : state.children.slice(state.strategy === 'one_for_all' ? 0 : index);
  const survivors = await terminateChildren(state, group);
  const failure = await startInOrder(state, survivors);
  if (failure !== undefined) retryLater(state.proc, failure.child);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Requests

type Request =
  | readonly ['which_children']
  | readonly ['count_children']
  | readonly ['start_child', ChildSpec]
  | readonly ['terminate_child', string]
  | readonly ['restart_child', string]
  | readonly ['delete_child', string];

/** What `startChild` and `restartChild` give: the new pid, or undefined if the child ignored. */
export type StartChildResult = readonly ['ok', Pid | undefined] | readonly ['error', ExitReason];

async function answer(request: Request, state: SupState): Promise<unknown> {
  switch (request[0]) {
    case 'which_children':
      return state.children.map(childInfo);
    case 'count_children':
      return countOf(state.children);
    case 'start_child':
      return addChild(state, request[1]);
    case 'terminate_child':
      return stopChild(state, request[1]);
    case 'restart_child':
      return startAgain(state, request[1]);
    case 'delete_child':
      return removeChild(state, request[1]);
    default:
      return ['error', 'badcall'];
  }
}

function find(state: SupState, id: string): Child | undefined {
  return state.children.find((child) => child.spec.id === id);
}

async function addChild(state: SupState, spec: ChildSpec): Promise<StartChildResult> {
  const problem = specProblem(spec, true);
  if (problem !== undefined) return ['error', problem];
  const existing = find(state, spec.id);
  if (existing?.pid instanceof Pid) return ['error', ['already_started', existing.pid]];
  if (existing !== undefined) return ['error', 'already_present'];
  const child: Child = { spec: fullSpec(spec), pid: undefined };
  const started = await startChildProcess(child.spec);
  if (started[0] === 'error') return started;
  child.pid = started[1];
  if (child.pid !== undefined || child.spec.restart !== 'temporary') state.children.push(child);
  return started;
}

async function stopChild(state: SupState, id: string): Promise<'ok' | readonly ['error', string]> {
  const child = find(state, id);
  if (child === undefined) return ['error', 'not_found'];
  await terminateChildren(state, [child]);
  return 'ok';
}

async function startAgain(state: SupState, id: string): Promise<StartChildResult> {
  const child = find(state, id);
  if (child === undefined) return ['error', 'not_found'];
  if (child.pid instanceof Pid) return ['error', 'running'];
  if (child.pid === 'restarting') return ['error', 'restarting'];
  const started = await startChildProcess(child.spec);
  if (started[0] === 'ok') child.pid = started[1];
  return started;
}

function removeChild(state: SupState, id: string): 'ok' | readonly ['error', string] {
  const child = find(state, id);
  if (child === undefined) return ['error', 'not_found'];
  if (child.pid instanceof Pid) return ['error', 'running'];
  if (child.pid === 'restarting') return ['error', 'restarting'];
  forget(state, child);
  return 'ok';
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Starts a supervisor and its children, in order; resolves once all are started. */
export function start(
  children: readonly ChildSpec[],
  options?: SupervisorOptions,
): Promise<StartResult>;
export function start<A>(
  module: SupervisorModule<A>,
  arg: A,
  options?: StartOptions,
): Promise<StartResult>;
export function start(...args: StartArgs): Promise<StartResult> {
  return launch(args, false);
}

/** Starts a supervisor linked to the caller (how a supervisor joins a supervision tree). */
export function startLink(
  children: readonly ChildSpec[],
  options?: SupervisorOptions,
): Promise<StartResult>;
export function startLink<A>(
  module: SupervisorModule<A>,
  arg: A,
  options?: StartOptions,
): Promise<StartResult>;
export function startLink(...args: StartArgs): Promise<StartResult> {
  return launch(args, true);
}

type StartArgs = [
  childrenOrModule: readonly ChildSpec[] | SupervisorModule<never>,
  optionsOrArg?: unknown,
  options?: StartOptions,
];

function launch(args: StartArgs, link: boolean): Promise<StartResult> {
  const [boot, options] = bootOf(args);
  return link
    ? GenServer.startLink(SupervisorServer, boot, options)
    : GenServer.start(SupervisorServer, boot, options);
}

/** A list of children is started by an inline module, as Elixir's `Supervisor.start_link/2`. */
function bootOf(args: StartArgs): [Boot, StartOptions] {
  if (Array.isArray(args[0])) {
    const { name, ...flags } = (args[1] ?? {}) as SupervisorOptions;
    const children = args[0] as readonly ChildSpec[];
    return [{ module: { init: () => init(children, flags) }, arg: undefined }, named(name)];
  }
  const [module, arg, options = {}] = args as [SupervisorModule, unknown, StartOptions?];
  if (typeof module?.init !== 'function')
    throw new BadArgError('Supervisor.start: pass a list of child specs or a module with init');
  return [{ module, arg }, options];
}

function named(name: ServerName | undefined): StartOptions {
  return name === undefined ? {} : { name };
}

// Requests wait as long as the supervisor needs: stopping a child may take its whole shutdown.
function request<R>(sup: Server, message: Request): Promise<R> {
  return GenServer.call<R>(sup, message, Number.POSITIVE_INFINITY);
}

/** The children, in start order. */
export function whichChildren(sup: Server): Promise<ChildInfo[]> {
  return request(sup, ['which_children']);
}

export function countChildren(sup: Server): Promise<ChildCounts> {
  return request(sup, ['count_children']);
}

/** Adds a child to the supervisor and starts it. */
export function startChild(sup: Server, spec: ChildSpec): Promise<StartChildResult> {
  return request(sup, ['start_child', spec]);
}

/** Shuts a child down; it stays in the list (unless temporary) and `restartChild` starts it. */
export function terminateChild(
  sup: Server,
  id: string,
): Promise<'ok' | readonly ['error', string]> {
  return request(sup, ['terminate_child', id]);
}

/** Starts a child that was terminated again. */
export function restartChild(sup: Server, id: string): Promise<StartChildResult> {
  return request(sup, ['restart_child', id]);
}

/** Removes a terminated child's spec. */
export function deleteChild(sup: Server, id: string): Promise<'ok' | readonly ['error', string]> {
  return request(sup, ['delete_child', id]);
}

/** Stops the supervisor: its children first, the last started first; waits until it is gone. */
export function stop(
  sup: Server,
  reason: ExitReason = 'normal',
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  return GenServer.stop(sup, reason, timeoutMs);
}

/** The Supervisor API, grouped like Elixir's module. */
export const Supervisor = {
  start,
  startLink,
  init,
  childSpec,
  startChild,
  terminateChild,
  restartChild,
  deleteChild,
  whichChildren,
  countChildren,
  stop,
};
