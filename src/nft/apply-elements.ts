/**
 * `add element` and `delete element` with nft 1.0.6's rules, as measured in a network namespace
 * (the errors quoted are nft's): adding an element that is already there is no error, also twice in
 * one command; an interval that overlaps another without being the same is ("conflicting intervals
 * specified" for one datatype, EEXIST for a concatenation); a map key added again with another
 * verdict is EEXIST; a verdict naming a missing chain is ENOENT, a base chain EOPNOTSUPP; deleting an
 * element that is not there is ENOENT (a map element is found by its key alone).
 */
import { canonicalVerdict, parseElement, overlaps, type Span, verdictChain } from "./elements.js";
import { MAX_JUMP_DEPTH, tooDeep } from "./loops.js";
import type { MapState, SetState } from "./state.js";
import type { WorkTable } from "./working.js";

/** Why a command fails, before the command's index is known. */
export interface Failure {
  readonly kind: "no-such-object" | "exists" | "busy" | "invalid" | "type";
  readonly message: string;
}

const MAP_SEPARATOR = /\s+:\s+/;

/** Adds elements (`key` for a set, `key : verdict` for a map) to set or map `name`. */
export function addElements(t: WorkTable, name: string, texts: readonly string[]): Failure | undefined {
  const set = t.sets.get(name);
  if (set) return addToSet(t, set, texts);
  const map = t.maps.get(name);
  if (map) return addToMap(t, map, texts);
  return missing(name);
}

/** Deletes elements from set or map `name` (map elements by key; a verdict given is ignored). */
export function deleteElements(t: WorkTable, name: string, texts: readonly string[]): Failure | undefined {
  const set = t.sets.get(name);
  const map = t.maps.get(name);
  if (!set && !map) return missing(name);
  const type = set ? set.type : (map?.keyType ?? "");
  const interval = set ? set.interval : (map?.interval ?? false);
  for (const text of texts) {
    const key = parseElement(type, interval, text.split(MAP_SEPARATOR)[0] ?? "");
    if (!key.ok) return { kind: key.kind, message: key.error };
    if (set) {
      const elements = t.elementsOfSet(name, set);
      if (!elements.delete(key.value)) return notThere(name, text);
    } else if (map) {
      const elements = t.elementsOfMap(name, map);
      const verdict = elements.get(key.value);
      if (verdict === undefined) return notThere(name, text);
      elements.delete(key.value);
      t.useVerdict(verdict, -1);
    }
  }
  return undefined;
}

function addToSet(t: WorkTable, set: SetState, texts: readonly string[]): Failure | undefined {
  const added: Array<{ value: string; spans: readonly Span[] }> = [];
  for (const text of texts) {
    if (MAP_SEPARATOR.test(text)) return { kind: "type", message: `set ${set.name} is not a map: ${text}` };
    const p = parseElement(set.type, set.interval, text);
    if (!p.ok) return { kind: p.kind, message: `set ${set.name}: ${p.error}` };
    added.push(p);
  }
  if (set.interval) {
    const clash = conflict(set.type, [...set.elements], added);
    if (clash)
      return { kind: "exists", message: `set ${set.name}: conflicting intervals specified: ${clash}` };
  }
  const elements = t.elementsOfSet(set.name, set);
  for (const a of added) elements.add(a.value);
  return undefined;
}

function addToMap(t: WorkTable, map: MapState, texts: readonly string[]): Failure | undefined {
  const added = new Map<string, { verdict: string; spans: readonly Span[] }>();
  for (const text of texts) {
    const [keyText = "", verdictText, ...rest] = text.split(MAP_SEPARATOR);
    if (verdictText === undefined || rest.length > 0)
      return { kind: "invalid", message: `map ${map.name}: ${text}: Invalid argument (no verdict)` };
    const key = parseElement(map.keyType, map.interval, keyText);
    if (!key.ok) return { kind: key.kind, message: `map ${map.name}: ${key.error}` };
    const verdict = canonicalVerdict(verdictText);
    if (!verdict.ok) return { kind: "invalid", message: `map ${map.name}: ${verdict.error}` };
    const bad = checkTarget(t, verdict.value);
    if (bad) return bad;
    const before = added.get(key.value)?.verdict ?? map.elements.get(key.value);
    if (before !== undefined && before !== verdict.value)
      return {
        kind: "exists",
        message: `map ${map.name}: ${key.value} is already mapped to ${before}: File exists`,
      };
    added.set(key.value, { verdict: verdict.value, spans: key.spans });
  }
  if (map.interval) {
    const fresh = [...added].map(([value, a]) => ({ value, spans: a.spans }));
    const clash = conflict(map.keyType, [...map.elements.keys()], fresh);
    if (clash)
      return { kind: "exists", message: `map ${map.name}: conflicting intervals specified: ${clash}` };
  }
  const elements = t.elementsOfMap(map.name, map);
  let jumps = false;
  for (const [key, a] of added) {
    if (elements.get(key) === a.verdict) continue;
    elements.set(key, a.verdict);
    t.useVerdict(a.verdict, 1);
    jumps ||= verdictChain(a.verdict) !== undefined;
  }
  return jumps ? jumpAdded(t) : undefined;
}

/**
 * Notes that a jump was added to the table; the depth check runs at once only while replaying a
 * batch whose committed tables failed it (the kernel's NFT_VALIDATE_DO), otherwise once at the end.
 */
export function jumpAdded(t: WorkTable): Failure | undefined {
  t.jumpsAdded = true;
  return t.validateEach ? checkDepth(t) : undefined;
}

/** Refuses a jump that makes a base chain reach deeper than nft allows (or a loop). */
export function checkDepth(t: WorkTable): Failure | undefined {
  const base = tooDeep(t);
  if (base === undefined) return undefined;
  return {
    kind: "invalid",
    message: `chain ${base}: jumps go deeper than ${MAX_JUMP_DEPTH} chains or loop: Too many links`,
  };
}

/** A jump or goto in a verdict must name an existing regular chain. */
export function checkTarget(t: WorkTable, verdict: string): Failure | undefined {
  const chain = verdictChain(verdict);
  if (chain === undefined) return undefined;
  const target = t.chains.get(chain);
  if (!target) return { kind: "no-such-object", message: `chain ${chain}: No such file or directory` };
  if (target.base) return { kind: "invalid", message: `${verdict}: a base chain: Operation not supported` };
  return undefined;
}

/**
 * A new interval that conflicts with an existing or earlier new one (the same element is no
 * conflict). One datatype (nft's own check): any overlap, enclosing included. A concatenation (the
 * kernel's pipapo set): only a new element whose start or end point lies in another — enclosing
 * one is accepted, as nft 1.0.6 does.
 */
function conflict(
  type: string,
  existing: readonly string[],
  added: ReadonlyArray<{ value: string; spans: readonly Span[] }>,
): string | undefined {
  const all: Element[] = [];
  for (const e of existing) {
    const p = parseElement(type, true, e);
    if (p.ok) all.push(p);
  }
  if ((added[0]?.spans.length ?? 1) > 1) return pointConflict(all, added);
  return overlapConflict([...all, ...added]);
}

type Element = { readonly value: string; readonly spans: readonly Span[] };

/**
 * Any two distinct elements that overlap, found by a sweep over the elements ordered by their
 * start, so thousands of disjoint intervals cost n log n, not n².
 */
function overlapConflict(all: Element[]): string | undefined {
  const first = (x: Element): Span => x.spans[0] ?? { lo: 0n, hi: 0n };
  all.sort((a, b) => (first(a).lo < first(b).lo ? -1 : first(a).lo > first(b).lo ? 1 : 0));
  let active: Element[] = [];
  for (const x of all) {
    const lo = first(x).lo;
    active = active.filter((a) => first(a).hi >= lo);
    const clash = active.find((a) => a.value !== x.value && overlaps(a.spans, x.spans));
    if (clash) return `${x.value} overlaps ${clash.value}`;
    active.push(x);
  }
  return undefined;
}

/** A new element whose start or end point lies in an existing or earlier new element. */
function pointConflict(seen: Element[], added: readonly Element[]): string | undefined {
  for (const a of added) {
    const start = a.spans.map((s) => s.lo);
    const end = a.spans.map((s) => s.hi);
    const clash = seen.find((s) => s.value !== a.value && (inside(start, s) || inside(end, s)));
    if (clash) return `${a.value} starts or ends in ${clash.value}`;
    seen.push(a);
  }
  return undefined;
}

function inside(point: readonly bigint[], e: Element): boolean {
  return e.spans.every((s, i) => {
    const p = point[i];
    return p !== undefined && s.lo <= p && p <= s.hi;
  });
}

function missing(name: string): Failure {
  return { kind: "no-such-object", message: `set ${name}: No such file or directory` };
}

function notThere(name: string, text: string): Failure {
  return { kind: "no-such-object", message: `set ${name}: element ${text} does not exist` };
}
