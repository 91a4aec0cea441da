/**
 * What a rule read back from the kernel names and decides (`RuleFacts`), from the statement list
 * `nft -j` gives for it (`"expr": [...]`). The same facts come from our own rule text through
 * rule-facts.ts, so a drift check compares a kernel rule with the rule we wrote without printing
 * either: the chains it jumps or goes to (directly or through an anonymous verdict map), the named
 * sets and maps it looks up (`"right": "@name"`, `"data": "@name"`), the named counters it updates
 * (`{"counter": "name"}`; an anonymous `{"counter": {"packets": …}}` names none), and its verdict.
 * Facts miss an edit inside a rule (`ct state established,related accept` made `accept`, a `!=`
 * dropped, `saddr` made `daddr`), so a rule also gets a fingerprint of its exact expressions.
 */
import { compareStrings } from "../base/compare.js";
import { isFields, verdictText } from "./json-element.js";
import type { RuleFacts } from "./state.js";

/** Facts of one rule's `expr` list; undefined when it is not a list of statements. */
export function factsOfJsonRule(expr: unknown): RuleFacts | undefined {
  if (!Array.isArray(expr)) return undefined;
  const chains = new Set<string>();
  const sets = new Set<string>();
  const counters = new Set<string>();
  let verdict: string | undefined;
  for (const statement of expr as unknown[]) {
    if (!isFields(statement)) return undefined;
    const v = verdictText(statement);
    if (v !== undefined) {
      verdict = v;
      collectReferences(statement, chains, sets);
    } else if (typeof statement.counter === "string") {
      counters.add(statement.counter);
    } else {
      collectReferences(statement, chains, sets);
    }
  }
  return { chains: sorted(chains), sets: sorted(sets), counters: sorted(counters), verdict };
}

/** Every `@name` string (a named set or map) and every jump/goto target anywhere inside `v`. */
function collectReferences(v: unknown, chains: Set<string>, sets: Set<string>): void {
  if (typeof v === "string") {
    if (v.startsWith("@") && v.length > 1) sets.add(v.slice(1));
    return;
  }
  if (Array.isArray(v)) {
    for (const x of v as unknown[]) collectReferences(x, chains, sets);
    return;
  }
  if (!isFields(v)) return;
  for (const [key, body] of Object.entries(v)) {
    const target = (key === "jump" || key === "goto") && isFields(body) ? body.target : undefined;
    if (typeof target === "string") chains.add(target);
    else collectReferences(body, chains, sets);
  }
}

function sorted(s: ReadonlySet<string>): string[] {
  return [...s].sort(compareStrings);
}

/**
 * The rule's `expr` list as canonical JSON (object keys sorted), with the values of anonymous
 * counters left out, since they change with traffic: equal for two listings of an untouched rule,
 * different after any edit of its expressions. The rule's handle is not part of `expr`.
 */
export function ruleFingerprint(expr: unknown): string {
  return JSON.stringify(canonical(expr));
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return (v as unknown[]).map(canonical);
  if (!isFields(v)) return v;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(v).sort(compareStrings))
    out[key] = key === "counter" && isFields(v[key]) ? {} : canonical(v[key]);
  return out;
}
