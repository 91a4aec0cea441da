/**
 * Drift: how a table the kernel holds differs from the one we last applied, described for a human
 * reading the agent's log (`chain in/a/web: 2 rules wanted, 0 found`, `set x: 10.1.0.9 missing`).
 * Both sides are the nft model (state.ts): ours from the transactions we applied, the kernel's from
 * `nft -j list table` through json.ts. Elements compare in canonical text; rules compare by count and
 * by what each names and decides (`RuleFacts`), since the kernel's listing does not give our text back.
 * Someone flushing a chain, deleting an element, pointing a map entry elsewhere or adding a rule to
 * our table is found. An edit inside a rule that keeps its facts (`ct state established,related
 * accept` made `accept`, a `!=` dropped, `saddr` made `daddr`) is found by comparing each rule's
 * fingerprint (its exact expressions as the kernel lists them) with a baseline: the kernel's own
 * listing taken right after netguard last changed rules (rule-baseline.ts). The list is
 * deterministic (names in code-unit order) and capped.
 */
import { compareStrings } from "../base/compare.js";
import { type BaseChain, priorityNumber } from "../nft/model.js";
import type { ChainState, MapState, RuleFacts, SetState, TableState } from "../nft/state.js";
import { tableKey } from "../nft/state.js";

/** At most this many differences are listed; the last line then says how many more there were. */
export const MAX_DIFFERENCES = 20;

/** Elements named in one difference line before the rest is counted. */
const ELEMENTS_SHOWN = 3;

/**
 * Differences between the table we want and the one the kernel has, each prefixed with the table.
 * `baseline`, when given, is the kernel's listing of the table right after netguard last changed
 * its rules: a rule whose fingerprint differs from the baseline's at the same position changed.
 */
export function compareTables(
  want: TableState,
  have: TableState | undefined,
  baseline?: TableState,
): string[] {
  const table = tableKey(want);
  if (have === undefined) return [`table ${table} is missing`];
  const lines = [
    ...compareNamed("set", want.sets, have.sets, compareSets),
    ...compareNamed("map", want.maps, have.maps, compareMaps),
    ...compareNamed("counter", toMap(want.counters), toMap(have.counters), () => []),
    ...compareNamed("chain", want.chains, have.chains, (w, h) =>
      compareChains(want.family, w, h, baseline?.chains.get(w.name)),
    ),
  ].map((l) => `${table} ${l}`);
  if (lines.length <= MAX_DIFFERENCES) return lines;
  const shown = lines.slice(0, MAX_DIFFERENCES - 1);
  return [...shown, `${table}: … and ${lines.length - shown.length} more differences`];
}

/** Objects of one kind: missing, not ours, or different (`differ` says how). */
function compareNamed<T>(
  kind: string,
  want: ReadonlyMap<string, T>,
  have: ReadonlyMap<string, T>,
  differ: (w: T, h: T) => string[],
): string[] {
  const out: string[] = [];
  for (const name of sortedKeys(want, have)) {
    const w = want.get(name);
    const h = have.get(name);
    if (h === undefined) out.push(`${kind} ${name} missing`);
    else if (w === undefined) out.push(`${kind} ${name} found, not wanted`);
    else out.push(...differ(w, h).map((d) => `${kind} ${name}: ${d}`));
  }
  return out;
}

function compareSets(w: SetState, h: SetState): string[] {
  const shape = compareShape(w.type, w.interval, h.type, h.interval);
  if (shape.length > 0) return shape;
  return elementDifferences(
    [...w.elements],
    [...h.elements],
    (e) => h.elements.has(e),
    (e) => w.elements.has(e),
  );
}

function compareMaps(w: MapState, h: MapState): string[] {
  const shape = compareShape(w.keyType, w.interval, h.keyType, h.interval);
  if (shape.length > 0) return shape;
  const out = elementDifferences(
    [...w.elements.keys()],
    [...h.elements.keys()],
    (k) => h.elements.has(k),
    (k) => w.elements.has(k),
  );
  for (const [key, verdict] of [...w.elements].sort(([a], [b]) => compareStrings(a, b))) {
    const theirs = h.elements.get(key);
    if (theirs !== undefined && theirs !== verdict)
      out.push(`${key} maps to ${verdict}, kernel's to ${theirs}`);
  }
  return out;
}

function compareShape(wType: string, wInterval: boolean, hType: string, hInterval: boolean): string[] {
  const out: string[] = [];
  if (wType !== hType) out.push(`type ${wType} wanted, ${hType} found`);
  if (wInterval !== hInterval) out.push(`flags ${flags(wInterval)} wanted, ${flags(hInterval)} found`);
  return out;
}

function flags(interval: boolean): string {
  return interval ? "interval" : "none";
}

/** Elements we want that the kernel lacks, and elements it has that we do not want. */
function elementDifferences(
  want: readonly string[],
  have: readonly string[],
  inHave: (e: string) => boolean,
  inWant: (e: string) => boolean,
): string[] {
  const missing = want.filter((e) => !inHave(e));
  const extra = have.filter((e) => !inWant(e));
  return [
    ...(missing.length > 0 ? [`${listed(missing)} missing`] : []),
    ...(extra.length > 0 ? [`${listed(extra)} found, not wanted`] : []),
  ];
}

/** `a`, or `a, b, c and 4 more`, in code-unit order. */
function listed(elements: readonly string[]): string {
  const sorted = [...elements].sort(compareStrings);
  const shown = sorted.slice(0, ELEMENTS_SHOWN).join(", ");
  const rest = sorted.length - ELEMENTS_SHOWN;
  return rest > 0 ? `${shown} and ${rest} more` : shown;
}

function compareChains(family: string, w: ChainState, h: ChainState, b: ChainState | undefined): string[] {
  const wb = baseText(family, w.base);
  const hb = baseText(family, h.base);
  if (wb !== hb) return [`${wb} wanted, ${hb} found`];
  if (w.rules.length !== h.rules.length) return [`${w.rules.length} rules wanted, ${h.rules.length} found`];
  const out: string[] = [];
  w.rules.forEach((rule, i) => {
    const d = factsDifference(rule.facts, h.rules[i]?.facts) ?? fingerprintDifference(i, h, b);
    if (d !== undefined) out.push(`rule ${i + 1} ${d}`);
  });
  return out;
}

/**
 * `changed since netguard applied it` when the kernel's rule `i` has another fingerprint than the
 * baseline's rule `i`; nothing when either side has none (a model rule, or no baseline).
 */
function fingerprintDifference(i: number, h: ChainState, b: ChainState | undefined): string | undefined {
  if (b === undefined || b.rules.length !== h.rules.length) return undefined;
  const [now, then] = [h.rules[i]?.fingerprint, b.rules[i]?.fingerprint];
  if (now === undefined || then === undefined || now === then) return undefined;
  return "changed since netguard applied it";
}

/** `regular chain`, or `hook forward priority 0 policy accept` (priority as nft lists it). */
function baseText(family: string, b: BaseChain | undefined): string {
  if (b === undefined) return "regular chain";
  const priority = priorityNumber(family, b.priority) ?? b.priority;
  return `${b.type} hook ${b.hook} priority ${priority} policy ${b.policy}`;
}

/** How the kernel's rule differs from ours, the first fact that differs; undefined when none does. */
function factsDifference(w: RuleFacts, h: RuleFacts | undefined): string | undefined {
  if (h === undefined) return "missing";
  if (!sameList(w.chains, h.chains)) return `jumps to ${names(w.chains)}, kernel's to ${names(h.chains)}`;
  if (!sameList(w.sets, h.sets)) return `looks up ${refs(w.sets)}, kernel's ${refs(h.sets)}`;
  if (!sameList(w.counters, h.counters))
    return `counts in ${names(w.counters)}, kernel's in ${names(h.counters)}`;
  if (w.verdict !== h.verdict) return `decides ${w.verdict ?? "nothing"}, kernel's ${h.verdict ?? "nothing"}`;
  return undefined;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function names(xs: readonly string[]): string {
  return xs.length === 0 ? "none" : xs.join(", ");
}

function refs(xs: readonly string[]): string {
  return xs.length === 0 ? "nothing" : xs.map((x) => `@${x}`).join(", ");
}

function sortedKeys(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].sort(compareStrings);
}

function toMap(names: ReadonlySet<string>): ReadonlyMap<string, string> {
  return new Map([...names].map((n) => [n, n]));
}
