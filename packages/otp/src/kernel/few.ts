/**
 * A set that is usually of one: a process's links (most have one, to their supervisor) and its
 * `sendAfter` timers (most have none or one). A Set costs about 200 bytes even for one item,
 * and a server holds a process per connection, so one item is kept as itself, a few in an
 * array of just their number (a connection linked to its supervisor and to a registry: 64
 * bytes), and a Set is made only past SMALL items. `null` is the empty set. An item must not
 * itself be an array or a Set.
 */
export type Few<T> = T | readonly T[] | Set<T> | null;

/** The most items kept in an array; one more makes a Set. */
export const SMALL = 8;

/** `few` with `item` added. An array is never changed: a change makes a new one (copy on write). */
export function addTo<T>(few: Few<T>, item: T): Few<T> {
  if (few === null || few === item) return item;
  if (few instanceof Set) return few.add(item);
  if (isArray(few)) {
    if (few.includes(item)) return few;
    // concat and slice make arrays of just their length; a spread or a filter keeps room for 17.
    return few.length < SMALL ? few.concat([item]) : new Set([...few, item]);
  }
  return [few as T, item];
}

/** `few` without `item`. */
export function deleteFrom<T>(few: Few<T>, item: T): Few<T> {
  if (few === item) return null;
  if (few instanceof Set) few.delete(item);
  else if (isArray(few)) {
    const at = few.indexOf(item);
    if (at < 0) return few;
    if (few.length === 2) return few[1 - at] as T;
    return few.slice(0, at).concat(few.slice(at + 1));
  }
  return few;
}

export function has<T>(few: Few<T>, item: T): boolean {
  if (few === item) return true;
  if (few instanceof Set) return few.has(item);
  return isArray(few) && few.includes(item);
}

/** The items; a snapshot, so the set may change while they are visited. */
export function itemsOf<T>(few: Few<T>): T[] {
  if (few === null) return [];
  if (few instanceof Set) return [...few];
  return isArray(few) ? [...few] : [few as T];
}

function isArray<T>(few: Few<T>): few is readonly T[] {
  return Array.isArray(few);
}
