/**
 * Did-you-mean for misspelled field names (`matchLabel` → `matchLabels`, `podselector` →
 * `podSelector`, `_from` → `from`, `namespaceSelecter` → `namespaceSelector`), as kubectl users
 * expect from a strict-decoding error.
 */

/**
 * The known field `key` most probably meant, or undefined. A candidate is a field that equals `key`
 * once case, `_` and `-` are ignored; or its plural or singular (`port`/`ports`); or one within a
 * Damerau–Levenshtein distance of 2 (1 for names under 6 characters, so short names do not match
 * everything). The closest wins; ties go to the first in byte order, so the answer is deterministic.
 */
export function suggestField(key: string, known: Iterable<string>): string | undefined {
  if (key.length > 100) return undefined;
  const k = normalise(key);
  if (k.length === 0) return undefined;
  const limit = k.length < 6 ? 1 : 2;
  let best: { name: string; score: number } | undefined;
  for (const name of known) {
    const score = closeness(k, normalise(name), limit);
    if (score === undefined) continue;
    if (!best || score < best.score || (score === best.score && name < best.name)) best = { name, score };
  }
  return best?.name;
}

function normalise(s: string): string {
  return s.toLowerCase().replace(/[_-]/g, "");
}

/** 0 for the same name up to case and separators or a plural, else the edit distance; undefined when too far. */
function closeness(a: string, b: string, limit: number): number | undefined {
  if (a === b || a === `${b}s` || b === `${a}s`) return 0;
  if (Math.abs(a.length - b.length) > limit) return undefined;
  const d = editDistance(a, b);
  return d <= limit ? d : undefined;
}

/** Damerau–Levenshtein distance (optimal string alignment: adjacent transpositions count 1). */
export function editDistance(a: string, b: string): number {
  let prev2: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, (prev2[j - 2] as number) + 1);
      row.push(d);
    }
    prev2 = prev;
    prev = row;
  }
  return prev[b.length] as number;
}
