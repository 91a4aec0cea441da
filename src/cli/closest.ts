/**
 * "Did you mean": the names in the input closest to one the user typed, for `--from`/`--to` of
 * simulate, the endpoints of explain and `compile --node`, so a typo is an error naming the real
 * names instead of an empty (all-denied) result.
 */
import { compareStrings } from "../base/compare.js";
import { clipName } from "../issue/quote.js";
import { editDistance } from "../k8s/suggest.js";

/**
 * The forms a name can be typed in: itself and, for a workload ref `ns/Kind/name`, `ns/name` (the
 * kind left out), so `frontend/webb` is as close to `frontend/Deployment/web` as to `frontend/web`.
 */
function spellings(name: string): string[] {
  const parts = name.split("/");
  return parts.length === 3 ? [name, `${parts[0]}/${parts[2]}`] : [name];
}

/** Longest user value compared (a pasted 2 MB string must not cost 2 MB × every name). */
const MAX_COMPARED = 256;

interface Ranked {
  readonly name: string;
  /** Distance to the closest spelling. */
  readonly d: number;
  /** Distance to the name as written (tie-break: `frontend/web` before `frontend/Deployment/web`). */
  readonly exact: number;
}

function rank(wanted: string, candidates: Iterable<string>): Ranked[] {
  const w = wanted.slice(0, MAX_COMPARED);
  return [...new Set(candidates)]
    .map((name) => {
      const [exact, ...others] = spellings(name).map((s) => editDistance(w, s.slice(0, MAX_COMPARED)));
      return { name, d: Math.min(exact as number, ...others), exact: exact as number };
    })
    .sort((a, b) => a.d - b.d || a.exact - b.exact || compareStrings(a.name, b.name));
}

/** Every candidate, closest to `wanted` first (then in byte order). */
export function namesByCloseness(wanted: string, candidates: Iterable<string>): string[] {
  return rank(wanted, candidates).map((r) => r.name);
}

/**
 * The candidates closest to `wanted`: every one at the smallest distance (those closest as written
 * first, then in byte order), at most `limit`. Empty only when there are no candidates.
 */
export function closestNames(wanted: string, candidates: Iterable<string>, limit = 5): string[] {
  const ranked = rank(wanted, candidates);
  const best = ranked[0]?.d;
  return ranked
    .filter((r) => r.d === best)
    .slice(0, limit)
    .map((r) => r.name);
}

/** `; closest: a, b` or `` when there is nothing to suggest. */
export function closestSuffix(wanted: string, candidates: Iterable<string>): string {
  const names = closestNames(wanted, candidates).map((n) => clipName(n));
  return names.length > 0 ? `; closest: ${names.join(", ")}` : "";
}
