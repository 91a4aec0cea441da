/**
 * Comparators for deterministic output (style rule 5: sort by stable keys). Strings compare in UTF-16
 * code-unit order, like `Array.prototype.sort` without a comparator — never `localeCompare`, whose order
 * depends on the ICU data and locale of the machine.
 */

/** Code-unit order of two strings: negative, zero or positive. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders objects by their `name` (code-unit order). */
export function byName(a: { readonly name: string }, b: { readonly name: string }): number {
  return compareStrings(a.name, b.name);
}

/** A comparator ordering values by the string `key` returns for each (code-unit order). */
export function byKey<T>(key: (t: T) => string): (a: T, b: T) => number {
  return (a, b) => compareStrings(key(a), key(b));
}

/** Orders `[key, value]` entries (e.g. from `Map.entries()`) by their string key (code-unit order). */
export function byFirst(a: readonly [string, unknown], b: readonly [string, unknown]): number {
  return compareStrings(a[0], b[0]);
}

/**
 * `m` with its entries in key order (code-unit): `m` itself when it already is (one pass, no copy),
 * else a sorted copy. For maps that are printed or compared and usually arrive sorted.
 */
export function sortedByKey<V>(m: Map<string, V>): Map<string, V> {
  let prev: string | undefined;
  for (const key of m.keys()) {
    if (prev !== undefined && compareStrings(prev, key) > 0) return new Map([...m].sort(byFirst));
    prev = key;
  }
  return m;
}
