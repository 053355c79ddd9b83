/**
 * Registered names: the kernel's table from a name (a string) to a live process, as Erlang's
 * `register/2`. A name is released the moment its process exits (see `terminate`). Server names
 * through a registry (`{ via, key }`) are in ../names.ts.
 */
import { BadArgError } from '../errors.js';
import type { Pid } from '../pid.js';
import { actingProc, destProc, type Proc } from './proc.js';

/** @internal Name -> process. */
export const registered = new Map<string, Proc>();

/** Registers `pid` under `name`. Throws if the name is taken, or the pid is dead or named. */
export function register(name: string, pid: Pid): true {
  if (actingProc('register of', name) === null) return true;
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
  if (actingProc('unregister of', name) === null) return true;
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
