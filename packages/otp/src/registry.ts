/**
 * Registry: a local key-value store of processes, after Elixir's Registry.
 *
 * A process registers itself under a key, with a value. In a `unique` registry a key belongs to
 * at most one process; in a `duplicate` registry any number of processes (or the same one, many
 * times) can share a key, which makes it a pubsub: `dispatch` hands every entry of a key to a
 * callback that sends them a message. Entries belong to the process that registered them and
 * vanish the moment it exits, so a restarted server can take its key back at once.
 *
 * The registry is a process, so it has a place (and a name) in a supervision tree. Like the ETS
 * tables of Elixir's Registry, its tables are read by the caller directly: a lookup or a
 * dispatch never waits for a message round-trip.
 *
 * ```ts
 * await Registry.start({ keys: 'unique', name: 'Chat.Rooms' });
 * await GenServer.start(ChatRoom, 'lobby', { name: Registry.via('Chat.Rooms', 'lobby') });
 * await GenServer.call(Registry.via('Chat.Rooms', 'lobby'), 'members');
 * ```
 */
import { inspect } from 'node:util';
import { BadArgError, formatReason } from './errors.js';
import { GenServer, type GenServerModule, type StartResult } from './gen_server.js';
import { has } from './kernel/few.js';
import type { NameRegistry, ViaName } from './names.js';
import { type Pattern, toPredicate } from './pattern.js';
import { Pid } from './pid.js';
import {
  actingProc,
  currentProc,
  linkProcs,
  onExit,
  type Proc,
  procOf,
  unlinkProcs,
  whereis,
} from './process.js';

export type RegistryKeys = 'unique' | 'duplicate';

export interface RegistryOptions {
  /** `unique`: a key has at most one process; `duplicate`: a key may have any number. */
  readonly keys: RegistryKeys;
  /** A registered name for the registry process, so that callers can find it by name. */
  readonly name?: string;
  /**
   * Settings stored with the registry, read by anyone with `Registry.meta` (Elixir's `meta:`
   * option): how the processes that register there learn the settings of the tree they run in.
   */
  readonly meta?: Readonly<Record<string, unknown>>;
}

/** A registry: its pid or its registered name. */
export type RegistryRef = Pid | string;

/** One registration: the process that registered, and the value it attached. */
export type Entry<V = unknown> = readonly [pid: Pid, value: V];

export type RegisterResult =
  | readonly ['ok', owner: Pid]
  | readonly ['error', readonly ['already_registered', holder: Pid]];

// ---------------------------------------------------------------------------------------------
// Tables

/**
 * The entries of one key. Arrays handed to `dispatch` callbacks are frozen and never changed
 * afterwards: a change makes a new array (copy on write), so dispatching to a key whose members
 * do not change costs no copy at all, and a callback that registers or unregisters while it
 * iterates sees a stable snapshot, as with Elixir's lists.
 */
class Bucket {
  /** Entries whose process has exited but which are still in `entries` (dropped lazily). */
  stale = 0;
  constructor(public entries: Entry[]) {}
}

class Table {
  readonly buckets = new Map<unknown, Bucket>();
  /** The keys each process holds, with how many entries it has under each. */
  readonly owners = new Map<Proc, Held>();
  /** Processes the registry linked itself to (a link they already had is left alone). */
  readonly madeLinks = new Set<Proc>();
  /** How many entries, over all keys. */
  size = 0;
  closed = false;

  constructor(
    readonly kind: RegistryKeys,
    readonly owner: Proc,
    readonly meta: Map<string, unknown>,
  ) {}
}

/**
 * The keys one process holds, with how many entries it has under each: `[key, count, key,
 * count...]` for up to SMALL_HELD keys, a Map past that. A Map costs a few hundred bytes even
 * for one key, and most processes hold one or two (a user's name and its lookalike key), in a
 * server with a process per connection. The array is never made longer in place: a new key
 * makes a new one (by concat: a spread keeps room for 17 items), just as long as it needs to
 * be; a count changes in place.
 */
type Held = unknown[] | Map<unknown, number>;

const SMALL_HELD = 8;
const NOTHING_HELD: Held = Object.freeze([]) as unknown as unknown[];

/** Keys compare as a Map's do (SameValueZero). */
function sameKey(a: unknown, b: unknown): boolean {
  // biome-ignore lint/suspicious/noSelfCompare: NaN is the one value not equal to itself.
  return a === b || (a !== a && b !== b);
}

function sizeOf(held: Held): number {
  return held instanceof Map ? held.size : held.length / 2;
}

function countOf(held: Held, key: unknown): number | undefined {
  if (held instanceof Map) return held.get(key);
  for (let i = 0; i < held.length; i += 2) if (sameKey(held[i], key)) return held[i + 1] as number;
  return undefined;
}

/** `held` with one more entry under `key`: the same `held`, or a new one to store. */
function countUp(held: Held, key: unknown): Held {
  if (held instanceof Map) return held.set(key, (held.get(key) ?? 0) + 1);
  for (let i = 0; i < held.length; i += 2) {
    if (sameKey(held[i], key)) {
      held[i + 1] = (held[i + 1] as number) + 1;
      return held;
    }
  }
  // As a Map does, -0 is kept as 0.
  if (held.length < 2 * SMALL_HELD) return held.concat([key === 0 ? 0 : key, 1]);
  return new Map([...pairsOf(held), [key, 1]]);
}

/** `held` without `key`: a new array, or the Map changed. */
function without(held: Held, key: unknown): Held {
  if (held instanceof Map) {
    held.delete(key);
    return held;
  }
  const rest: unknown[] = [];
  for (let i = 0; i < held.length; i += 2) {
    if (!sameKey(held[i], key)) rest.push(held[i], held[i + 1]);
  }
  // A copy just as long as it needs to be: an array that grew by push keeps room for more.
  return rest.length === 0 ? NOTHING_HELD : rest.slice();
}

function pairsOf(held: Held): Array<readonly [key: unknown, count: number]> {
  if (held instanceof Map) return [...held];
  const pairs: Array<readonly [unknown, number]> = [];
  for (let i = 0; i < held.length; i += 2) pairs.push([held[i], held[i + 1] as number]);
  return pairs;
}

/** The tables of live registries, by the registry's pid. */
const tables = new Map<Pid, Table>();

/** Via names, for the tree printer: which registry key names a server. */
const viaKeys = new WeakMap<Proc, { table: Table; key: unknown }>();

function tableOf(registry: RegistryRef, caller: string): Table {
  const pid = typeof registry === 'string' ? whereis(registry) : registry;
  const table = pid instanceof Pid ? tables.get(pid) : undefined;
  if (table === undefined)
    throw new BadArgError(`Registry.${caller}: unknown registry: ${formatReason(registry)}`);
  return table;
}

function uniqueTable(registry: RegistryRef, caller: string): Table {
  const table = tableOf(registry, caller);
  if (table.kind !== 'unique')
    throw new BadArgError(`Registry.${caller} is not supported for duplicate registries`);
  return table;
}

/** The entries of a bucket with exited processes dropped. */
function liveEntries(bucket: Bucket): Entry[] {
  if (bucket.stale > 0) {
    bucket.entries = bucket.entries.filter(isLive);
    bucket.stale = 0;
  }
  return bucket.entries;
}

function isLive(entry: Entry): boolean {
  return entry[0].proc !== null;
}

function addEntry(table: Table, proc: Proc, key: unknown, value: unknown): void {
  const entry: Entry = Object.freeze([proc.pid, value] as const);
  const bucket = table.buckets.get(key);
  if (bucket === undefined) {
    table.buckets.set(key, new Bucket([entry]));
  } else if (Object.isFrozen(bucket.entries)) {
    bucket.entries = [...liveEntries(bucket), entry];
  } else {
    bucket.entries.push(entry);
  }
  const held = ownedBy(table, proc);
  const counted = countUp(held, key);
  if (counted !== held) table.owners.set(proc, counted);
  table.size++;
}

/**
 * The keys `proc` holds. The first time a process registers, the registry watches it: an exit
 * hook forgets its entries synchronously as it dies (before any monitor or link hears of it),
 * and, as in Elixir, the process is linked to the registry while it holds keys, so that a
 * registry that crashes takes its registered processes with it instead of leaving them unnamed.
 */
function ownedBy(table: Table, proc: Proc): Held {
  let held = table.owners.get(proc);
  if (held === undefined) {
    held = NOTHING_HELD;
    table.owners.set(proc, held);
    onExit(proc, () => forgetProc(table, proc));
  }
  if (sizeOf(held) === 0 && !has(proc.links, table.owner)) {
    linkProcs(proc, table.owner);
    table.madeLinks.add(proc);
  }
  return held;
}

/** The exit hook: drops every entry of an exited process. */
function forgetProc(table: Table, proc: Proc): void {
  const held = table.owners.get(proc);
  if (table.closed || held === undefined) return;
  table.owners.delete(proc);
  table.madeLinks.delete(proc);
  for (const [key, count] of pairsOf(held)) {
    const bucket = table.buckets.get(key) as Bucket;
    table.size -= count;
    // Counted now, filtered out when the entries are next read: a thousand subscribers
    // leaving one key cost one pass over its entries, not a thousand.
    bucket.stale += count;
    if (bucket.stale === bucket.entries.length) table.buckets.delete(key);
  }
}

function removeEntries(table: Table, proc: Proc, key: unknown): void {
  let held = table.owners.get(proc);
  const count = held === undefined ? undefined : countOf(held, key);
  if (held === undefined || count === undefined) return;
  held = without(held, key);
  table.owners.set(proc, held);
  table.size -= count;
  const bucket = table.buckets.get(key) as Bucket;
  const rest = bucket.entries.filter((entry) => entry[0] !== proc.pid && isLive(entry));
  if (rest.length === 0) table.buckets.delete(key);
  else bucket.entries = rest;
  bucket.stale = 0;
  // Unlink only a link the registry made: a starter's or supervisor's link must stay.
  if (sizeOf(held) === 0 && table.madeLinks.delete(proc)) unlinkProcs(proc, table.owner);
  const via = viaKeys.get(proc);
  if (via?.table === table && via.key === key) viaKeys.delete(proc);
}

/** The registry process has exited: its tables go with it, as ETS tables go with their owner. */
function closeTable(table: Table): void {
  table.closed = true;
  tables.delete(table.owner.pid);
  table.buckets.clear();
  table.owners.clear();
  table.madeLinks.clear();
  table.size = 0;
}

// ---------------------------------------------------------------------------------------------
// The registry process

/** The registry's process owns the tables; registered processes are linked to it. */
const RegistryServer: GenServerModule<Table, RegistryOptions> = {
  name: 'Registry',
  init({ keys: kind, meta }) {
    const proc = currentProc();
    // Registered processes are linked to the registry; their exits must not kill it.
    proc.trapExit = true;
    proc.meta = { behaviour: 'registry' };
    const table = new Table(kind, proc, new Map(Object.entries(meta ?? {})));
    tables.set(proc.pid, table);
    onExit(proc, () => closeTable(table));
    return ['ok', table];
  },
  // The EXIT of a registered process: its exit hook has already forgotten its entries.
  handleInfo: (_message, table) => ['noreply', table],
};

function startRegistry(options: RegistryOptions, link: boolean): Promise<StartResult> {
  const kind = options?.keys;
  if (kind !== 'unique' && kind !== 'duplicate')
    throw new BadArgError(`Registry.start: keys must be 'unique' or 'duplicate', got ${kind}`);
  const startOptions = options.name === undefined ? {} : { name: options.name };
  return link
    ? GenServer.startLink(RegistryServer, options, startOptions)
    : GenServer.start(RegistryServer, options, startOptions);
}

/** Starts a registry process; resolves to `['ok', pid]`. */
export async function start(options: RegistryOptions): Promise<StartResult> {
  return startRegistry(options, false);
}

/** Starts a registry process linked to the caller (as a supervisor's child). */
export async function startLink(options: RegistryOptions): Promise<StartResult> {
  return startRegistry(options, true);
}

// ---------------------------------------------------------------------------------------------
// Registering

/**
 * Registers the calling process under `key` with `value`. In a unique registry a taken key gives
 * `['error', ['already_registered', holder]]`, even when the caller is the holder; in a
 * duplicate registry it always succeeds. Returns `['ok', owner]`, the registry's pid.
 */
export function register(registry: RegistryRef, key: unknown, value: unknown): RegisterResult {
  const table = tableOf(registry, 'register');
  const proc = actingProc('Registry.register under', key);
  // A dead process's entries went with it: registering one now leaves nothing behind.
  if (proc === null) return ['ok', table.owner.pid];
  return registerProc(table, proc, key, value);
}

function registerProc(table: Table, proc: Proc, key: unknown, value: unknown): RegisterResult {
  if (table.kind === 'unique') {
    const holder = table.buckets.get(key)?.entries[0]?.[0];
    if (holder !== undefined) return ['error', ['already_registered', holder]];
  }
  addEntry(table, proc, key, value);
  return ['ok', table.owner.pid];
}

/** Removes every entry the calling process has under `key`. */
export function unregister(registry: RegistryRef, key: unknown): 'ok' {
  const table = tableOf(registry, 'unregister');
  const proc = actingProc('Registry.unregister of', key);
  if (proc !== null) removeEntries(table, proc, key);
  return 'ok';
}

/**
 * In a unique registry, replaces the value the caller registered under `key` with
 * `update(old)`; returns `[new, old]`, or `'error'` if the caller does not hold the key.
 */
export function updateValue<V>(
  registry: RegistryRef,
  key: unknown,
  update: (old: V) => V,
): readonly [V, V] | 'error' {
  const table = uniqueTable(registry, 'updateValue');
  const bucket = table.buckets.get(key);
  const [pid, old] = (bucket?.entries[0] ?? []) as Partial<Entry<V>>;
  const caller = actingProc('Registry.updateValue of', key);
  if (bucket === undefined || caller === null || pid !== caller.pid) return 'error';
  const value = update(old as V);
  bucket.entries = [Object.freeze([pid, value] as const)];
  return [value, old as V];
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Every `[pid, value]` registered under `key`, oldest first. */
export function lookup<V = unknown>(registry: RegistryRef, key: unknown): Array<Entry<V>> {
  const bucket = tableOf(registry, 'lookup').buckets.get(key);
  return bucket === undefined ? [] : (liveEntries(bucket).slice() as Array<Entry<V>>);
}

/** The entries under `key` whose value matches `pattern` (a structural pattern or predicate). */
export function match<V = unknown>(
  registry: RegistryRef,
  key: unknown,
  pattern: Pattern,
): Array<Entry<V>> {
  const bucket = tableOf(registry, 'match').buckets.get(key);
  if (bucket === undefined) return [];
  const test = toPredicate(pattern);
  return liveEntries(bucket).filter((entry) => test(entry[1])) as Array<Entry<V>>;
}

/** How many entries under `key` have a value that matches `pattern`. */
export function countMatch(registry: RegistryRef, key: unknown, pattern: Pattern): number {
  const bucket = tableOf(registry, 'countMatch').buckets.get(key);
  if (bucket === undefined) return 0;
  const test = toPredicate(pattern);
  let count = 0;
  for (const entry of liveEntries(bucket)) if (test(entry[1])) count++;
  return count;
}

/** The values `pid` registered under `key` (at most one in a unique registry). */
export function values<V = unknown>(registry: RegistryRef, key: unknown, pid: Pid): V[] {
  const bucket = tableOf(registry, 'values').buckets.get(key);
  if (bucket === undefined) return [];
  return liveEntries(bucket)
    .filter((entry) => entry[0] === pid)
    .map((entry) => entry[1] as V);
}

/**
 * The keys `pid` holds, a key repeated as many times as it registered it. Empty for a process
 * that is dead or holds nothing.
 */
export function keys(registry: RegistryRef, pid: Pid): unknown[] {
  const table = tableOf(registry, 'keys');
  const proc = pid instanceof Pid ? procOf(pid) : null;
  const held = proc === null ? undefined : table.owners.get(proc);
  const result: unknown[] = [];
  for (const [key, count] of held === undefined ? [] : pairsOf(held))
    for (let i = 0; i < count; i++) result.push(key);
  return result;
}

/**
 * Every entry of the registry as `[key, pid, value]`, read from its table by the caller in one
 * pass: what Elixir's `Registry.select(registry, [{{:"$1", :"$2", :"$3"}, [], [{{:"$1", :"$2",
 * :"$3"}}]}])` returns. A directory that keeps what a listing shows in its values (a room's
 * member count, say) lists itself with this one read instead of one call per entry.
 */
export function entries<V = unknown>(
  registry: RegistryRef,
): Array<readonly [key: unknown, pid: Pid, value: V]> {
  const result: Array<readonly [unknown, Pid, V]> = [];
  for (const [key, bucket] of tableOf(registry, 'entries').buckets) {
    for (const [pid, value] of liveEntries(bucket)) result.push([key, pid, value as V]);
  }
  return result;
}

/**
 * The registry's setting `key` (given at start in `meta`, or by `putMeta`): `['ok', value]`, or
 * `'error'` if it has none, as Elixir's `Registry.meta/2`. Read by the caller from the table.
 */
export function meta<V = unknown>(
  registry: RegistryRef,
  key: string,
): readonly ['ok', V] | 'error' {
  const settings = tableOf(registry, 'meta').meta;
  return settings.has(key) ? ['ok', settings.get(key) as V] : 'error';
}

/** Sets the registry's setting `key` to `value`, as Elixir's `Registry.put_meta/3`. */
export function putMeta(registry: RegistryRef, key: string, value: unknown): 'ok' {
  tableOf(registry, 'putMeta').meta.set(key, value);
  return 'ok';
}

/** How many entries the registry holds. */
export function count(registry: RegistryRef): number {
  return tableOf(registry, 'count').size;
}

/**
 * Calls `callback(entries)` with every `[pid, value]` under `key`, in the calling process, and
 * not at all when the key has no entries. The array is frozen: it is shared with later
 * dispatches until the key's members change, which makes a broadcast to a stable audience
 * cost nothing beyond the callback's own work.
 *
 * ```ts
 * Registry.dispatch('Chat.PubSub', 'lobby', (entries) => {
 *   for (const [pid] of entries) send(pid, { type: 'said', text });
 * });
 * ```
 */
export function dispatch<V = unknown>(
  registry: RegistryRef,
  key: unknown,
  callback: (entries: ReadonlyArray<Entry<V>>) => unknown,
): 'ok' {
  const bucket = tableOf(registry, 'dispatch').buckets.get(key);
  if (bucket === undefined) return 'ok';
  const entries = liveEntries(bucket);
  if (!Object.isFrozen(entries)) Object.freeze(entries);
  callback(entries as ReadonlyArray<Entry<V>>);
  return 'ok';
}

// ---------------------------------------------------------------------------------------------
// Via names

/**
 * The NameRegistry a via name uses: it resolves the registry on every use, so a name made
 * before a registry restarted still finds the new one, as Elixir's `{:via, Registry, ...}` does.
 */
class RegistryNames implements NameRegistry {
  constructor(
    readonly registry: RegistryRef,
    readonly value: unknown,
  ) {}

  /** Registers the server `pid` (not the caller) under `key`; returns the holder if taken. */
  registerName(key: unknown, pid: Pid): Pid | undefined {
    const table = uniqueTable(this.registry, 'via');
    const proc = procOf(pid);
    if (proc === null) throw new BadArgError(`Registry.via: ${pid} is not alive`);
    const result = registerProc(table, proc, key, this.value);
    if (result[0] === 'error') return result[1][1];
    viaKeys.set(proc, { table, key });
    return undefined;
  }

  whereisName(key: unknown): Pid | undefined {
    return uniqueTable(this.registry, 'via').buckets.get(key)?.entries[0]?.[0];
  }
}

class RegistryViaName implements ViaName {
  readonly via: RegistryNames;

  constructor(
    registry: RegistryRef,
    readonly key: unknown,
    value: unknown,
  ) {
    this.via = new RegistryNames(registry, value);
  }

  /** Prints as the call that made it, in errors and in the REPL. */
  [inspect.custom](): string {
    const { registry, value } = this.via;
    const args = [registry, this.key, ...(value === undefined ? [] : [value])];
    return `Registry.via(${args.map((arg) => inspect(arg)).join(', ')})`;
  }
}

/**
 * A name for `GenServer.start`/`call`/`cast`: the server is registered in `registry` (which must
 * be unique) under `key`, with `value` (undefined by default) as its entry's value. Like
 * Elixir's `{:via, Registry, {registry, key}}`.
 */
export function via(registry: RegistryRef, key: unknown, value?: unknown): ViaName {
  // A registry that is already running is checked now, so a duplicate one fails where it is named.
  if (typeof registry === 'string' ? whereis(registry) !== undefined : registry instanceof Pid)
    uniqueTable(registry, 'via');
  return new RegistryViaName(registry, key, value);
}

/**
 * How a supervisor starts the registry as its child, like Elixir's `{Registry, keys: ..., name: ...}`:
 * the child's id is the registry's name.
 */
export function childSpec(options: RegistryOptions): {
  readonly id: string;
  readonly start: () => Promise<StartResult>;
} {
  return { id: options.name ?? 'Registry', start: () => startLink(options) };
}

/** @internal The key a server holds as its via name, if it still does (for the tree printer). */
export function viaNameOf(proc: Proc): { readonly key: unknown } | undefined {
  const via = viaKeys.get(proc);
  if (via === undefined || via.table.buckets.get(via.key)?.entries[0]?.[0] !== proc.pid)
    return undefined;
  return via;
}

/** The Registry API, grouped like Elixir's module. */
export const Registry = {
  start,
  startLink,
  childSpec,
  register,
  unregister,
  updateValue,
  lookup,
  match,
  countMatch,
  values,
  keys,
  entries,
  count,
  dispatch,
  meta,
  putMeta,
  via,
};
