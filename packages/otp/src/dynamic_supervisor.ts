/**
 * DynamicSupervisor: a supervisor that starts with no children and is given them one at a time,
 * after Elixir's DynamicSupervisor (OTP's `simple_one_for_one`). Children are known by pid, not
 * id; each is restarted alone (one_for_one) according to its spec's restart type.
 *
 * ```ts
 * const [, rooms] = await DynamicSupervisor.start({ name: 'rooms', maxChildren: 100 });
 * await DynamicSupervisor.startChild('rooms', Supervisor.childSpec(Room, 'lobby'));
 * ```
 *
 * Like Supervisor, it is a GenServer that traps exits, and it shares Supervisor's child
 * bookkeeping, in supervision/ (specs, starts, shutdowns, restart intensity, reports). When it
 * stops, it shuts all its children down at the same time: they were started independently, so
 * no order is owed.
 */
import type { ExitReason } from './errors.js';
import {
  GenServer,
  type GenServerModule,
  type InitResult,
  type Server,
  type StartResult,
} from './gen_server.js';
import type { ServerName } from './names.js';
import type { Pid } from './pid.js';
import { currentProc, isExit, type Proc, type ProcessMeta, trapExit } from './process.js';
import {
  type Child,
  type ChildCounts,
  type ChildInfo,
  type ChildSpec,
  type ChildType,
  childInfo,
  countOf,
  type FullSpec,
  fullSpec,
  metaEntry,
  type RestartType,
  type Shutdown,
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

export interface DynamicSupervisorOptions {
  readonly name?: ServerName;
  /** How many children it may have at once (no limit by default). */
  readonly maxChildren?: number;
  /** At most this many restarts (3 by default) ... */
  readonly maxRestarts?: number;
  /** ... within this many seconds (5 by default); one more and the supervisor shuts down. */
  readonly maxSeconds?: number;
}

/** A dynamic child's spec: a Supervisor child spec whose id is optional (only for display). */
export type DynamicChildSpec = Omit<ChildSpec, 'id'> & { readonly id?: string };

/** State: running children by pid, and children whose restart failed and will be tried again. */
class DynState {
  readonly running = new Map<Pid, Child>();
  readonly restarting = new Set<Child>();

  constructor(
    readonly proc: Proc,
    readonly intensity: RestartIntensity,
    readonly maxChildren: number,
  ) {}

  children(): Child[] {
    return [...this.running.values(), ...this.restarting];
  }
}

type Settings = Omit<DynamicSupervisorOptions, 'name'>;

const DynamicSupervisorServer: GenServerModule<DynState, Settings> = {
  name: 'DynamicSupervisor',
  init: initDynamic,
  handleCall: async (request, _from, state) =>
    ['reply', await answer(request, state), state] as const,
  handleInfo: async (message, state) =>
    (await onInfo(message, state)) ? ['noreply', state] : ['stop', 'shutdown', state],
  terminate: (_reason, state) => shutdownAll(state),
};

function initDynamic(settings: Settings): InitResult<DynState> {
  trapExit(true);
  const { maxChildren = Number.POSITIVE_INFINITY, maxRestarts = 3, maxSeconds = 5 } = settings;
  const problem =
    typeof maxChildren === 'number' && maxChildren >= 0
      ? intensityProblem(maxRestarts, maxSeconds)
      : ['invalid_max_children', maxChildren];
  if (problem !== undefined) return ['stop', ['supervisor_data', problem]];
  const intensity = new RestartIntensity(maxRestarts, maxSeconds);
  const state = new DynState(currentProc(), intensity, maxChildren);
  const meta: ProcessMeta = {
    behaviour: 'supervisor',
    children: () => state.children().map(metaEntry),
  };
  state.proc.meta = meta;
  return ['ok', state];
}

/** Stops every child at once and waits for all of them (each within its own shutdown time). */
async function shutdownAll(state: DynState): Promise<void> {
  const children = [...state.running.values()];
  state.running.clear();
  state.restarting.clear();
  await shutdownChildren(state.proc, children);
}

// ---------------------------------------------------------------------------------------------
// Exits and restarts

/** Handles a message that is not a call; false means the supervisor must shut down. */
async function onInfo(message: unknown, state: DynState): Promise<boolean> {
  if (message instanceof RestartRetry) {
    // Stale if the supervisor has let go of the child since (there is no terminate for it yet).
    if (!state.restarting.delete(message.child)) return true;
    if (!admitRestart(state.proc, state.intensity, message.child)) return false;
    return restart(state, message.child);
  }
  if (isExit(message)) {
    const child = state.running.get(message.from);
    if (child === undefined) return true;
    state.running.delete(message.from);
    child.pid = undefined;
    const decision = decideRestart(state.intensity, child, message.reason);
    const action = actionOf(decision, state.intensity);
    reportChildExit(state.proc, child, message.from, message.reason, action);
    if (decision === 'give_up') return false;
    if (decision === 'restart') return restart(state, child);
  }
  return true;
}

/** Starts `child` again (its restart already counted); a failed start is tried again later. */
async function restart(state: DynState, child: Child): Promise<true> {
  const [status, value] = await startChildProcess(child.spec);
  if (status === 'error') {
    reportStartError(state.proc, child, value, 'trying again');
    state.restarting.add(child);
    retryLater(state.proc, child);
  } else if (value !== undefined) {
    child.pid = value;
    state.running.set(value, child);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Requests

type Request =
  | readonly ['start_child', DynamicChildSpec]
  | readonly ['terminate_child', Pid]
  | readonly ['which_children']
  | readonly ['count_children'];

async function answer(request: Request, state: DynState): Promise<unknown> {
  switch (request[0]) {
    case 'start_child':
      return addChild(state, request[1]);
    case 'terminate_child':
      return stopChild(state, request[1]);
    case 'which_children':
      return state.children().map(childInfo);
    case 'count_children':
      return countOf(state.children());
    default:
      return ['error', 'badcall'];
  }
}

async function addChild(state: DynState, spec: DynamicChildSpec): Promise<StartResult> {
  const problem = specProblem(spec, false);
  if (problem !== undefined) return ['error', problem];
  if (state.running.size + state.restarting.size >= state.maxChildren)
    return ['error', 'max_children'];
  const full = fullSpec(spec);
  const [status, value] = await startChildProcess(full);
  if (status === 'error') return ['error', value];
  if (value === undefined) return 'ignore';
  state.running.set(value, { spec: kept(full), pid: value });
  return ['ok', value];
}

/**
 * What is kept of a started child's spec. A temporary child is never started again, so its
 * `start` (and whatever that closure holds: a connection's spec holds its socket's setup) is
 * let go, as Erlang's supervisor keeps no start arguments for its temporary children; a server
 * with a child per connection keeps a few hundred bytes less per connection. What is left is
 * the same for every child of one kind (a connection), so consecutive temporary children share
 * one kept spec.
 */
function kept(spec: FullSpec): FullSpec {
  if (spec.restart !== 'temporary') return spec;
  const last = lastKept;
  if (
    last !== null &&
    last.id === spec.id &&
    last.shutdown === spec.shutdown &&
    last.type === spec.type
  )
    return last;
  lastKept = { ...spec, start: startedOnce };
  return lastKept;
}

/** The temporary spec kept last, shared by the next children if theirs is the same. */
let lastKept: FullSpec | null = null;

/** The `start` kept for a temporary child: it is never called (a temporary child is never restarted). */
function startedOnce(): StartResult {
  return ['error', 'temporary child: started once, never again'];
}

async function stopChild(state: DynState, pid: Pid): Promise<'ok' | readonly ['error', string]> {
  const child = state.running.get(pid);
  if (child === undefined) return ['error', 'not_found'];
  state.running.delete(pid);
  await shutdownChildren(state.proc, [child]);
  return 'ok';
}

// ---------------------------------------------------------------------------------------------
// Public API

/** Starts a dynamic supervisor with no children. */
export function start(options: DynamicSupervisorOptions = {}): Promise<StartResult> {
  const { name, ...settings } = options;
  return GenServer.start(DynamicSupervisorServer, settings, name === undefined ? {} : { name });
}

/** Starts a dynamic supervisor linked to the caller. */
export function startLink(options: DynamicSupervisorOptions = {}): Promise<StartResult> {
  const { name, ...settings } = options;
  return GenServer.startLink(DynamicSupervisorServer, settings, name === undefined ? {} : { name });
}

/** A child spec that runs a dynamic supervisor under another supervisor. */
export function childSpec(
  options: DynamicSupervisorOptions & {
    readonly id?: string;
    readonly restart?: RestartType;
    readonly shutdown?: Shutdown;
  } = {},
): ChildSpec & { readonly type: ChildType } {
  const { id, restart, shutdown, ...startOptions } = options;
  const name = startOptions.name;
  return {
    id: id ?? (typeof name === 'string' ? name : 'DynamicSupervisor'),
    start: () => startLink(startOptions),
    type: 'supervisor',
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
  };
}

function request<R>(sup: Server, message: Request): Promise<R> {
  return GenServer.call<R>(sup, message, Number.POSITIVE_INFINITY);
}

/**
 * Starts a child under the supervisor: `['ok', pid]`, `'ignore'`, or `['error', reason]`
 * (`'max_children'` when it is full).
 */
export function startChild(sup: Server, spec: DynamicChildSpec): Promise<StartResult> {
  return request(sup, ['start_child', spec]);
}

/** Shuts a child down and forgets it. */
export function terminateChild(sup: Server, pid: Pid): Promise<'ok' | readonly ['error', string]> {
  return request(sup, ['terminate_child', pid]);
}

/** The children; `id` is the spec's id, if it has one. */
export function whichChildren(sup: Server): Promise<ChildInfo<string | undefined>[]> {
  return request(sup, ['which_children']);
}

export function countChildren(sup: Server): Promise<ChildCounts> {
  return request(sup, ['count_children']);
}

/** Stops the supervisor after all its children; waits until it is gone. */
export function stop(
  sup: Server,
  reason: ExitReason = 'normal',
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<void> {
  return GenServer.stop(sup, reason, timeoutMs);
}

/** The DynamicSupervisor API, grouped like Elixir's module. */
export const DynamicSupervisor = {
  start,
  startLink,
  childSpec,
  startChild,
  terminateChild,
  whichChildren,
  countChildren,
  stop,
};
