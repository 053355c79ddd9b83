/**
 * Child specs, as both supervisors read them: what a spec may say, what is wrong with one, its
 * defaults, `Supervisor.childSpec` for a GenServer module, the restart type's rule, and how a
 * child shows in `whichChildren`, `countChildren` and the tree printer.
 */
import { BadArgError, type ExitReason, isCleanExit } from '../errors.js';
import {
  GenServer,
  type GenServerModule,
  type StartOptions,
  type StartResult,
} from '../gen_server.js';
import type { ServerName } from '../names.js';
import { Pid } from '../pid.js';
import type { ProcessMeta } from '../process.js';

type Awaitable<T> = T | Promise<T>;

/** Whether a child that exits is started again: always, only after a crash, or never. */
export type RestartType = 'permanent' | 'transient' | 'temporary';
/** How long a child gets to stop after `shutdown` (ms) before it is killed. */
export type Shutdown = number | 'brutal_kill' | 'infinity';
export type ChildType = 'worker' | 'supervisor';

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
