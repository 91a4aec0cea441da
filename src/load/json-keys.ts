/**
 * Duplicate keys in JSON text. JSON.parse keeps the last of duplicate keys without a word, while the
 * Kubernetes API server's strict decoding (`kubectl apply` by default) rejects them; `validate`
 * therefore checks valid JSON for them before taking JSON.parse's value.
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
