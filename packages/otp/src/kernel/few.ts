/**
 * A set that is usually of one: a process's links (most have one, to their supervisor) and its
 * `sendAfter` timers (most have none or one). A Set costs about 200 bytes even for one item,
 * and a server holds a process per connection, so one item is kept as itself and a Set is made
 * only for a second. `null` is the empty set. An item must not itself be a Set.
 */
export type Few<T> = T | Set<T> | null;

/** `few` with `item` added. */
export function addTo<T>(few: Few<T>, item: T): Few<T> {
  if (few === null || few === item) return item;
  if (few instanceof Set) return few.add(item);
  return new Set([few, item]);
}

/** `few` without `item`. */
export function deleteFrom<T>(few: Few<T>, item: T): Few<T> {
  if (few === item) return null;
  if (few instanceof Set) few.delete(item);
  return few;
}

export function has<T>(few: Few<T>, item: T): boolean {
  return few === item || (few instanceof Set && few.has(item));
}

/** The items; a snapshot, so the set may change while they are visited. */
export function itemsOf<T>(few: Few<T>): T[] {
  if (few === null) return [];
  return few instanceof Set ? [...few] : [few];
}
