/**
 * The supervision-tree printer: what Erlang's observer shows in its Applications tab, as text.
 *
 * ```
 * #PID<0.110.0> Chat.Supervisor (supervisor, one_for_one)
 * ├─ #PID<0.111.0> Chat.Rooms (registry)
 * └─ #PID<0.112.0> Chat.RoomSupervisor (supervisor)
 *    ├─ #PID<0.120.0> lobby (worker, ChatRoom)
 *    └─ #PID<0.121.0> games (worker, ChatRoom)
 * ```
 *
 * Each line gives a process's pid, its name (registered name, else via key, else the id its
 * supervisor knows it by), then its kind and detail. The tree is read from the processes' own
 * descriptions (`proc.meta`): a supervisor lists its children, each child says what it runs.
 */
import { inspect } from 'node:util';
import { BadArgError, formatReason } from './errors.js';
import { type ServerName, serverProc } from './names.js';
import type { Pid } from './pid.js';
import { describedProcs, type Proc, type ProcessMeta, procOf } from './process.js';
import { viaNameOf } from './registry.js';

/** How a supervisor lists a child. */
type Child = ReturnType<NonNullable<ProcessMeta['children']>>[number];

/** The supervision tree under `root` (a pid or a name), or every tree when `root` is omitted. */
export function formatTree(root?: Pid | ServerName): string {
  const roots = root === undefined ? findRoots() : [rootProc(root)];
  if (roots.length === 0) return '(no supervision tree is running)';
  const lines: string[] = [];
  const seen = new Set<Proc>();
  for (const proc of roots) drawNode(proc, undefined, '', '', lines, seen);
  return lines.join('\n');
}

/** Prints the supervision tree under `root`, or every tree; for the REPL. */
export function printTree(root?: Pid | ServerName): void {
  console.log(formatTree(root));
}

function rootProc(root: Pid | ServerName): Proc {
  const proc = serverProc(root);
  if (proc === null) throw new BadArgError(`printTree: no process for ${formatReason(root)}`);
  return proc;
}

/** Supervisors that no other supervisor lists as a child: the tops of the trees, oldest first. */
function findRoots(): Proc[] {
  const supervisors = describedProcs().filter((proc) => proc.meta?.children !== undefined);
  const supervised = new Set<Pid>();
  for (const proc of supervisors) {
    for (const child of childrenOf(proc)) if (child.pid !== undefined) supervised.add(child.pid);
  }
  return supervisors
    .filter((proc) => !supervised.has(proc.pid))
    .sort((a, b) => a.pid.id - b.pid.id);
}

function childrenOf(proc: Proc): Child[] {
  return proc.meta?.children?.() ?? [];
}

/**
 * Appends `proc`'s line, then its children's. `lead` starts this node's own line; `indent`
 * starts the lines below it, so that a last child's subtree is not drawn with a trunk.
 */
function drawNode(
  proc: Proc,
  listed: Child | undefined,
  lead: string,
  indent: string,
  lines: string[],
  seen: Set<Proc>,
): void {
  lines.push(lead + describe(proc, listed));
  // A supervisor that (wrongly) lists an ancestor would loop forever; draw each process once.
  if (seen.has(proc)) return;
  seen.add(proc);
  const children = childrenOf(proc);
  children.forEach((child, i) => {
    const last = i === children.length - 1;
    const childLead = indent + (last ? '└─ ' : '├─ ');
    const childIndent = indent + (last ? '   ' : '│  ');
    const childProc = child.pid === undefined ? null : procOf(child.pid);
    if (childProc === null) lines.push(childLead + describeStopped(child));
    else drawNode(childProc, child, childLead, childIndent, lines, seen);
  });
}

/** `#PID<0.120.0> lobby (worker, ChatRoom)`. */
function describe(proc: Proc, listed: Child | undefined): string {
  const name = nameOf(proc, listed);
  const labels = [kindOf(proc.meta, listed)];
  const detail = detailOf(proc.meta);
  if (detail !== undefined && detail !== name) labels.push(detail);
  const named = name === undefined ? '' : ` ${name}`;
  return `${proc.pid}${named} (${labels.join(', ')})`;
}

/** A child its supervisor lists but that is not running (restarting, or a temporary that ended). */
function describeStopped(child: Child): string {
  return `${child.id} (${child.type}, not running)`;
}

function nameOf(proc: Proc, listed: Child | undefined): string | undefined {
  if (proc.name !== undefined) return proc.name;
  const via = viaNameOf(proc);
  if (via !== undefined) return typeof via.key === 'string' ? via.key : inspect(via.key);
  // A dynamic supervisor's children have no ids of their own; it lists them by pid.
  return listed?.id === String(proc.pid) ? undefined : listed?.id;
}

/**
 * A supervisor or a registry is named by its behaviour; a GenServer or a plain process by the
 * role its supervisor gives it (`worker`), as OTP's child specs do.
 */
function kindOf(meta: ProcessMeta | undefined, listed: Child | undefined): string {
  const behaviour = meta?.behaviour;
  if (behaviour !== undefined && behaviour !== 'gen_server') return behaviour;
  return listed?.type ?? behaviour ?? 'process';
}

/** A supervisor's strategy, else the module a process runs. */
function detailOf(meta: ProcessMeta | undefined): string | undefined {
  const strategy = (meta as { strategy?: unknown } | undefined)?.strategy;
  return typeof strategy === 'string' ? strategy : meta?.module;
}
