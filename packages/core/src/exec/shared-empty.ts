/**
 * Shared, frozen values for the settings a unit leaves at their defaults. A large unit set sets
 * few of the ~150 execution settings; a default value object of its own in each unit (an empty
 * array per list setting, a sandbox, seccomp, privileges, terminal… sub-object per context) was
 * ~2 KB of every loaded unit (issue #19). Settings are read, never written into (a setting is
 * replaced whole), so sharing is safe; frozen, a stray write throws instead of leaking into every
 * unit.
 */
const EMPTY: readonly never[] = Object.freeze([]);

/** `list`, or the shared empty array when it is empty. */
export function sharedIfEmpty<T>(list: T[]): T[] {
  return list.length === 0 ? (EMPTY as never[]) : list;
}

/** Freezes `value` and everything it holds (plain objects, arrays, empty typed arrays); returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  if (ArrayBuffer.isView(value)) {
    // A typed array with elements cannot be frozen; an empty one can.
    if ((value as unknown as Uint8Array).length === 0) Object.freeze(value);
    return value;
  }
  Object.freeze(value);
  for (const v of Object.values(value as object)) deepFreeze(v);
  return value;
}

/** Structural equality of settings values: plain objects, arrays, typed arrays, primitives. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Number.isNaN(a) && Number.isNaN(b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (ArrayBuffer.isView(a)) {
    const x = a as unknown as Uint8Array, y = b as unknown as Uint8Array;
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((v, i) => sameValue(v, (b as unknown[])[i]));
  if (a instanceof Map || a instanceof Set) return false;
  // A key set to undefined counts as absent: readers build optional settings as `k: get('K')`.
  const x = a as Record<string, unknown>, y = b as Record<string, unknown>;
  for (const k of Object.keys(x)) if (!sameValue(x[k], y[k])) return false;
  for (const k of Object.keys(y)) if (!Object.hasOwn(x, k) && y[k] !== undefined) return false;
  return true;
}

/**
 * A sharer for one kind of settings value: `share(v)` returns the one frozen default when `v`
 * equals it, else `v` itself. `make` builds the default once, at the first call.
 */
export function defaultSharer<T>(make: () => T): (value: T) => T {
  let shared: T | undefined;
  return (value) => {
    shared ??= deepFreeze(make());
    return sameValue(value, shared) ? shared : value;
  };
}
