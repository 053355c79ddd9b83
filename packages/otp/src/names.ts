/**
 * How servers are named: a registered name (a string, in the kernel's table) or a "via" name,
 * `{ via: registry, key }`, kept by any NameRegistry (the Registry module is one), like Elixir's
 * `{:via, Registry, {MyRegistry, key}}`.
 */
import { BadArgError } from './errors.js';
import { Pid } from './pid.js';
import { type Proc, procOf, register, whereis } from './process.js';

/** Something that can hold names for processes and forgets a name when its process exits. */
export interface NameRegistry {
  /** Registers `pid` under `key`; returns the pid that already holds the key, if any. */
  registerName(key: unknown, pid: Pid): Pid | undefined;
  whereisName(key: unknown): Pid | undefined;
}

export interface ViaName {
  readonly via: NameRegistry;
  readonly key: unknown;
}

export type ServerName = string | ViaName;

export function isViaName(name: unknown): name is ViaName {
  return typeof (name as ViaName | null)?.via?.whereisName === 'function';
}

/** The live process a pid or name points to, or null. */
export function serverProc(server: unknown): Proc | null {
  if (server instanceof Pid) return procOf(server);
  if (typeof server === 'string') {
    const pid = whereis(server);
    return pid === undefined ? null : procOf(pid);
  }
  if (isViaName(server)) {
    const pid = server.via.whereisName(server.key);
    return pid === undefined ? null : procOf(pid);
  }
  throw new BadArgError(`not a pid or a server name: ${String(server)}`);
}

/** The pid that holds `name`, if any. */
export function whereisServer(name: ServerName): Pid | undefined {
  return isViaName(name) ? name.via.whereisName(name.key) : whereis(name);
}

/** Registers `proc` under `name`; returns the pid that already has the name, if taken. */
export function registerServerName(name: ServerName, proc: Proc): Pid | undefined {
  if (isViaName(name)) return name.via.registerName(name.key, proc.pid);
  const holder = whereis(name);
  if (holder !== undefined) return holder;
  register(name, proc.pid);
  return undefined;
}
