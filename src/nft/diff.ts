/**
 * The difference between the tables netguard last applied (the model, state.ts) and the ones it
 * wants (the renderer's specs), as nft commands in an order nft accepts: new objects first, then set
 * elements (deletions before additions, so a narrowed interval never overlaps its old self), then
 * chain contents, then map entries (which may start or stop jumping to chains), and deletions last,
 * once nothing refers to them (see removals). Elements and verdicts compare in canonical text
 * (elements.ts), so an element written as a prefix and read back as a range is no change. Returns "replace" when an object changed
 * shape (type, flags, hook, policy, or a set became a map): a full atomic replace is simpler.
 */
import { byName, compareStrings } from "../base/compare.js";
import { canonicalElement, canonicalVerdict } from "./elements.js";
import { type Command, mapElementText } from "./transaction.js";
import {
  type ChainSpec,
  type MapSpec,
  priorityNumber,
  type SetSpec,
  type TableRef,
  type TableSpec,
} from "./model.js";
import type { ChainState, MapState, SetState, TableState } from "./state.js";

/** Commands turning `old` into `next` (the same table), or "replace". */
export function diffTable(old: TableState, next: TableSpec): Command[] | "replace" {
  if (changedShape(old, next)) return "replace";
  const table: TableRef = { family: next.family, name: next.name };
  const create: Command[] = [];
  const elements: Command[] = [];
  for (const s of next.sets) {
    const o = old.sets.get(s.name);
    if (!o) create.push({ op: "add-set", table, set: s });
    else {
      const changes = setElementChanges(table, o, s);
      if (changes === "replace") return "replace";
      elements.push(...changes);
    }
  }
  const mapEntries: Command[] = [];
  for (const m of next.maps) {
    const o = old.maps.get(m.name);
    if (!o) create.push({ op: "add-map", table, map: { ...m, elements: new Map() } });
    const changes = mapChanges(table, m, o);
    if (changes === "replace") return "replace";
    mapEntries.push(...changes);
  }
  for (const c of next.counters) if (!old.counters.has(c)) create.push({ op: "add-counter", table, name: c });
  const rules: Command[] = [];
  for (const c of next.chains) {
    const o = old.chains.get(c.name);
    if (!o) create.push({ op: "add-chain", table, chain: { ...c, rules: [] } });
    if (o && sameRules(o, c)) continue;
    if (o) rules.push({ op: "flush-chain", table, name: c.name });
    for (const rule of c.rules) rules.push({ op: "add-rule", table, chain: c.name, rule });
  }
  return [...create, ...elements, ...rules, ...mapEntries, ...removals(table, old, next)];
}

/** True when an object keeps its name but not its shape, which `add` cannot change. */
function changedShape(old: TableState, next: TableSpec): boolean {
  for (const s of next.sets) {
    const o = old.sets.get(s.name);
    if (old.maps.has(s.name) || (o && (o.type !== s.type || o.interval !== s.interval))) return true;
  }
  for (const m of next.maps) {
    const o = old.maps.get(m.name);
    if (old.sets.has(m.name) || (o && (o.keyType !== m.keyType || o.interval !== m.interval))) return true;
  }
  for (const c of next.chains) {
    const o = old.chains.get(c.name);
    if (o && !sameBase(next.family, o, c)) return true;
  }
  return false;
}

/** Base chains compare by hook, policy and priority as the number nft lists (`filter` = 0 in inet). */
function sameBase(family: string, o: ChainState, c: ChainSpec): boolean {
  const a = o.base;
  const b = c.base;
  if (!a || !b) return !a && !b;
  const prio = (p: number | string) => priorityNumber(family, p) ?? String(p);
  return (
    a.type === b.type && a.hook === b.hook && prio(a.priority) === prio(b.priority) && a.policy === b.policy
  );
}

/**
 * Deletions in an order nft accepts: chains that go are flushed first when their rules jump or
 * dispatch through a map that goes; then maps (whose elements may jump to chains that go), chains,
 * sets and counters (which only rules of chains already gone or refilled still named).
 */
function removals(table: TableRef, old: TableState, next: TableSpec): Command[] {
  const keep = (names: readonly string[]) => new Set(names);
  const chains = keep(next.chains.map((c) => c.name));
  const sets = keep(next.sets.map((s) => s.name));
  const maps = keep(next.maps.map((m) => m.name));
  const counters = keep(next.counters);
  // Sorted by name, so the script depends on the two states' content, not on how the model was built.
  const goneMaps = [...old.maps.keys()].filter((m) => !maps.has(m)).sort(compareStrings);
  const gone = [...old.chains.values()].filter((c) => !chains.has(c.name)).sort(byName);
  const holds = (c: ChainState) =>
    c.rules.some((r) => r.facts.chains.length > 0 || r.facts.sets.some((s) => goneMaps.includes(s)));
  const out: Command[] = [];
  for (const c of gone) if (holds(c)) out.push({ op: "flush-chain", table, name: c.name });
  for (const m of goneMaps) out.push({ op: "delete-map", table, name: m });
  for (const c of gone) out.push({ op: "delete-chain", table, name: c.name });
  for (const s of [...old.sets.keys()].sort(compareStrings))
    if (!sets.has(s)) out.push({ op: "delete-set", table, name: s });
  for (const c of [...old.counters].sort(compareStrings))
    if (!counters.has(c)) out.push({ op: "delete-counter", table, name: c });
  return out;
}

/**
 * Canonical text → the spec's own text, or "replace" when an element is not valid for the set. A
 * text already among the old canonical elements is its own canonical form (canonical text is a fixed
 * point), which spares parsing most elements of a large set on every sync.
 */
function canonicalTexts(
  type: string,
  interval: boolean,
  texts: readonly string[],
  known: ReadonlySet<string>,
): Map<string, string> | "replace" {
  const out = new Map<string, string>();
  for (const text of texts) {
    if (known.has(text)) {
      out.set(text, text);
      continue;
    }
    const c = canonicalElement(type, interval, text);
    if (!c.ok) return "replace";
    if (!out.has(c.value)) out.set(c.value, text);
  }
  return out;
}

function setElementChanges(table: TableRef, old: SetState, next: SetSpec): Command[] | "replace" {
  const after = canonicalTexts(next.type, next.interval, next.elements, old.elements);
  if (after === "replace") return after;
  const gone = [...old.elements].filter((e) => !after.has(e)).sort(compareStrings);
  const added = [...after].filter(([e]) => !old.elements.has(e)).map(([, text]) => text);
  const out: Command[] = [];
  if (gone.length > 0) out.push({ op: "delete-elements", table, set: next.name, elements: gone });
  if (added.length > 0) out.push({ op: "add-elements", table, set: next.name, elements: added });
  return out;
}

function mapChanges(table: TableRef, next: MapSpec, old: MapState | undefined): Command[] | "replace" {
  const before = old?.elements ?? new Map<string, string>();
  const after = new Map<string, { verdict: string; text: string }>();
  for (const [k, v] of next.elements) {
    const key = canonicalElement(next.keyType, next.interval, k);
    const verdict = canonicalVerdict(v);
    if (!key.ok || !verdict.ok) return "replace";
    after.set(key.value, { verdict: verdict.value, text: mapElementText(k, v) });
  }
  const gone = [...before]
    .filter(([k, v]) => after.get(k)?.verdict !== v)
    .map(([k]) => k)
    .sort(compareStrings);
  const added = [...after].filter(([k, a]) => before.get(k) !== a.verdict).map(([, a]) => a.text);
  const out: Command[] = [];
  if (gone.length > 0) out.push({ op: "delete-elements", table, set: next.name, elements: gone });
  if (added.length > 0) out.push({ op: "add-elements", table, set: next.name, elements: added });
  return out;
}

/** Rules compare by our text; a rule read back from the kernel has none and never compares equal. */
function sameRules(a: ChainState, b: ChainSpec): boolean {
  return (
    a.rules.length === b.rules.length &&
    a.rules.every((r, i) => r.text !== undefined && r.text === b.rules[i])
  );
}
