/**
 * One frozen empty array shared by every execution context that leaves a list setting unset.
 * Most units set few of the ~20 list settings of [Service]/[Socket] (Environment=, ReadWritePaths=,
 * BindPaths=…); an empty array of its own in each was ~0.6 KB of every loaded unit (issue #19).
 * Contexts are read, never appended to (a setting is replaced whole), so sharing is safe; frozen, a
 * stray push would throw instead of leaking into every unit.
 */
const EMPTY: readonly never[] = Object.freeze([]);

/** `list`, or the shared empty array when it is empty. */
export function sharedIfEmpty<T>(list: T[]): T[] {
  return list.length === 0 ? (EMPTY as never[]) : list;
}
