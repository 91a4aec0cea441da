/**
 * Multimap helper: appends `value` to the list under `key`, creating the list on first use.
 * The one place the "group into Map<K, V[]>" idiom lives (issue 13, "one of each").
 */
export function pushTo<K, V>(m: Map<K, V[]>, key: K, value: V): void {
  const list = m.get(key);
  if (list) list.push(value);
  else m.set(key, [value]);
}
