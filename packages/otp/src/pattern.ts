/**
 * Receive patterns. `receive` takes either a predicate or a pattern: a value that a message must
 * match structurally, the way an Erlang clause matches a tuple or a map.
 *
 * - primitives, Pids and Refs match by `===`;
 * - an array matches an array of the same length, element by element;
 * - a plain object matches an object that has every listed key with a matching value
 *   (extra keys are allowed, as with Elixir's `%{type: :get}` map patterns);
 * - `_` matches anything.
 */

/** The wildcard of a pattern: matches any value. */
export const _: unique symbol = Symbol('_');

export type Predicate<T = unknown> =
  | ((message: unknown) => message is T)
  | ((message: unknown) => boolean);
export type Pattern = unknown;

/** Turns a predicate or a pattern into a predicate, once per receive. */
export function toPredicate(pattern: unknown): (message: unknown) => boolean {
  if (typeof pattern === 'function') return pattern as (message: unknown) => boolean;
  return (message) => matches(pattern, message);
}

export function matches(pattern: unknown, value: unknown): boolean {
  if (pattern === _ || pattern === value) return true;
  if (pattern === null || typeof pattern !== 'object')
    return Number.isNaN(pattern) && Number.isNaN(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(pattern)) return matchesArray(pattern, value);
  if (Object.getPrototypeOf(pattern) !== Object.prototype) return false;
  for (const key of Object.keys(pattern)) {
    if (!(key in value)) return false;
    if (
      !matches((pattern as Record<string, unknown>)[key], (value as Record<string, unknown>)[key])
    ) {
      return false;
    }
  }
  return true;
}

function matchesArray(pattern: unknown[], value: object): boolean {
  if (!Array.isArray(value) || value.length !== pattern.length) return false;
  for (let i = 0; i < pattern.length; i++) if (!matches(pattern[i], value[i])) return false;
  return true;
}
