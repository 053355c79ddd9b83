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
 * This file is the behaviour: its state, strategies and requests. What it shares with
 * DynamicSupervisor is in supervision/: child specs (child_spec.ts), starting and stopping
 * children (children.ts), the restart intensity and retries (restarts.ts) and reports
 * (reports.ts).
 */
import { BadArgError, type ExitReason } from './errors.js';
import {
  GenServer,
  type GenServerModule,
  type InitResult,
  type Server,
  type StartOptions,
  type StartResult,
} from './gen_server.js';
import type { ServerName } from './names.js';
import { Pid } from './pid.js';
import { currentProc, isExit, type Proc, type ProcessMeta, trapExit } from './process.js';
import {
  type Child,
  type ChildCounts,
  type ChildInfo,
  type ChildSpec,
  childInfo,
  childSpec,
  countOf,
  fullSpec,
  metaEntry,
  specProblem,
} from './supervision/child_spec.js';
import { shutdownChildren, startChildProcess } from './supervision/children.js';
import { reportChildExit, reportStartError } from './supervision/reports.js';
import {
  actionOf,
  admitRestart,
  decideRestart,
  intensityProblem,
  RestartIntensity,
  RestartRetry,
  retryLater,
} from './supervision/restarts.js';

type Awaitable<T> = T | Promise<T>;

/** How a supervisor restarts its children when one exits. */
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
const STRATEGIES: readonly unknown[] = ['one_for_one', 'one_for_all', 'rest_for_one'];

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
  const failure = await startInOrder(state, state.children, 'stopping the children started so far');
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
  onFailure: string,
): Promise<{ child: Child; reason: ExitReason } | undefined> {
  for (const child of children) {
    const [status, value] = await startChildProcess(child.spec);
    if (status === 'error') {
      reportStartError(state.proc, child, value, onFailure);
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
    if (!admitRestart(state.proc, state.intensity, child)) return false;
    return restart(state, child);
  }
  if (isExit(message)) {
    const child = state.children.find((c) => c.pid === message.from);
    if (child !== undefined) return childExited(state, child, message.from, message.reason);
  }
  // An EXIT from a process that is not a child (one whose start failed, say), or a stray message.
  return true;
}

async function childExited(
  state: SupState,
  child: Child,
  pid: Pid,
  reason: ExitReason,
): Promise<boolean> {
  child.pid = undefined;
  const decision = decideRestart(state.intensity, child, reason);
  const restarting = RESTARTING[state.strategy];
  reportChildExit(state.proc, child, pid, reason, actionOf(decision, state.intensity, restarting));
  if (decision === 'give_up') return false;
  if (decision === 'restart') return restart(state, child);
  if (child.spec.restart === 'temporary') forget(state, child);
  return true;
}

/** What each strategy does when a child is to be restarted, as its report says it. */
const RESTARTING: Readonly<Record<Strategy, string>> = {
  one_for_one: 'restarting it',
  one_for_all: 'restarting it with all the other children',
  rest_for_one: 'restarting it with the children started after it',
};

/** Restarts `child` (its restart already counted) with the children its strategy says. */
async function restart(state: SupState, child: Child): Promise<true> {
  // The children the strategy restarts with `child`: only it, all, or it and those after it.
  const index = state.children.indexOf(child);
  const group =
    state.strategy === 'one_for_one'
      ? [child]
      : state.children.slice(state.strategy === 'one_for_all' ? 0 : index);
  const survivors = await terminateChildren(state, group);
  const failure = await startInOrder(state, survivors, 'trying again');
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
