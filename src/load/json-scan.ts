/**
 * Scans of JSON text that JSON.parse does not offer: duplicate keys (JSON.parse keeps the last of
 * them without a word, while the API server's strict decoding, as `kubectl apply` does by default,
 * rejects them), and where the items of a `List` start (so each object keeps its own line).
 */

/**
 * The offset of the first key that repeats an earlier key of the same object (compared after
 * unescaping, so `"a"` and `"\u0061"` are the same key), or undefined. `text` must be valid JSON.
 */
export function firstDuplicateKey(text: string): number | undefined {
  const stack: (Set<string> | undefined)[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) stack.push(new Set());
    else if (c === 91 /* [ */) stack.push(undefined);
    else if (c === 125 /* } */ || c === 93 /* ] */) stack.pop();
    else if (c === 34 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) {
          escaped = true;
          i++;
        } else if (d === 34) break;
      }
      const keys = stack[stack.length - 1];
      if (!keys || !followedByColon(text, i + 1)) continue;
      const key = escaped ? (JSON.parse(text.slice(start, i + 1)) as string) : text.slice(start + 1, i);
      if (keys.has(key)) return start;
      keys.add(key);
    }
  }
  return undefined;
}

function followedByColon(text: string, from: number): boolean {
  let j = from;
  for (let c = text.charCodeAt(j); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++j));
  return text.charCodeAt(j) === 58; /* : */
}

/**
 * The offsets where the elements of the top-level object's `items` array start (any JSON value),
 * in order. `text` must be valid JSON.
 */
export function listItemOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let lastString: string | undefined; // the last string at depth 1 (a key once `:` follows)
  let key: string | undefined;
  let inItems = false;
  let expectItem = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (expectItem) {
      expectItem = false;
      if (c !== 93 /* ] */) out.push(i);
    }
    if (c === 34) {
      const start = i;
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
      if (depth === 1) lastString = text.slice(start + 1, i);
    } else if (c === 58 /* : */ && depth === 1) key = lastString;
    else if (c === 123 || c === 91) {
      depth++;
      if (c === 91 && depth === 2 && key === "items") inItems = expectItem = true;
    } else if (c === 125 || c === 93) {
      if (depth === 2) inItems = false;
      depth--;
    } else if (c === 44 /* , */ && depth === 2 && inItems) expectItem = true;
  }
  return out;
}
