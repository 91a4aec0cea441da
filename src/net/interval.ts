/**
 * Sets of addresses (or ports) as sorted, disjoint, non-adjacent closed intervals. Used to subtract
 * `ipBlock.except` from `ipBlock.cidr` and to merge peer addresses into one set per rule.
 */

/** A closed interval [lo, hi]. */
export interface Interval {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Sorts and merges overlapping or adjacent intervals into canonical form. */
export function normalize(intervals: readonly Interval[]): Interval[] {
  if (intervals.length === 0) return [];
  const sorted = [...intervals].sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  const out: Interval[] = [];
  let cur = sorted[0] as Interval;
  for (let i = 1; i < sorted.length; i++) {
    const next = sorted[i] as Interval;
    if (next.lo <= cur.hi + 1n) {
      if (next.hi > cur.hi) cur = { lo: cur.lo, hi: next.hi };
    } else {
      out.push(cur);
      cur = next;
    }
  }
  out.push(cur);
  return out;
}

/** `a \ b` for canonical inputs; the result is canonical. */
export function subtract(a: readonly Interval[], b: readonly Interval[]): Interval[] {
  const out: Interval[] = [];
  let j = 0;
  for (const iv of a) {
    let lo = iv.lo;
    while (j < b.length && (b[j] as Interval).hi < lo) j++;
    let k = j;
    while (lo <= iv.hi) {
      const cut = b[k];
      if (!cut || cut.lo > iv.hi) {
        out.push({ lo, hi: iv.hi });
        break;
      }
      if (cut.lo > lo) out.push({ lo, hi: cut.lo - 1n });
      lo = cut.hi + 1n;
      k++;
    }
  }
  return out;
}

/** Membership test by binary search on a canonical interval list. */
export function contains(set: readonly Interval[], v: bigint): boolean {
  let lo = 0;
  let hi = set.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const iv = set[mid] as Interval;
    if (v < iv.lo) hi = mid - 1;
    else if (v > iv.hi) lo = mid + 1;
    else return true;
  }
  return false;
}

/** True when the canonical interval lists are equal. */
export function sameIntervals(a: readonly Interval[], b: readonly Interval[]): boolean {
  return a.length === b.length && a.every((iv, i) => iv.lo === b[i]?.lo && iv.hi === b[i]?.hi);
}
