/**
 * Steps along a field path as issues write it (`spec.ingress[0].ports[0].port`, joined by
 * `k8s/fields.ts` `join`; a map key may also be in brackets, `matchLabels[app]`). Map keys may themselves hold dots, slashes and brackets (label keys
 * such as `app.kubernetes.io/name`), so a path cannot be split up front: each step is matched
 * against the keys the mapping actually has, the longest key that fits winning.
 */

/** What is left of `rest` after the key `key`, or undefined when the path does not go through it. */
export function afterKey(rest: string, key: string): string | undefined {
  if (key === "") return undefined; // every step must consume part of the path
  // `matchLabels[app]`: a map key in brackets, as apimachinery's field.Path writes one
  if (rest.startsWith(`[${key}]`)) return rest.slice(key.length + 2).replace(/^\./, "");
  if (!rest.startsWith(key)) return undefined;
  const next = rest[key.length];
  if (next === undefined) return "";
  if (next === ".") return rest.slice(key.length + 1);
  if (next === "[") return rest.slice(key.length);
  return undefined;
}

/** The list index the path takes next (`[3]...`) and what is left after it, or undefined. */
export function nextIndex(rest: string): { index: number; rest: string } | undefined {
  const m = /^\[(\d+)\]\.?/.exec(rest);
  if (!m) return undefined;
  return { index: Number(m[1]), rest: rest.slice(m[0].length) };
}

/**
 * Of a mapping's keys, the one the path goes through next: the longest that fits (the last of equal
 * keys, as a decoder keeps the last of duplicates), with what is left of the path after it.
 */
export function bestKey<K>(
  rest: string,
  keys: Iterable<{ key: string; at: K }>,
): { at: K; rest: string } | undefined {
  let best: { at: K; rest: string; length: number } | undefined;
  for (const { key, at } of keys) {
    const after = afterKey(rest, key);
    if (after !== undefined && (!best || key.length >= best.length))
      best = { at, rest: after, length: key.length };
  }
  return best && { at: best.at, rest: best.rest };
}
