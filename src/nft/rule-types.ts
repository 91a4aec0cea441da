/**
 * The grammar of the rules the renderer writes (src/render/*.ts), with nft 1.0.6's type rules: a
 * rule is matches, an optional `counter [name X]` and an optional final verdict. A match is
 * `ether type ip|ip6|arp`, `ct state a,b`, or a selector — `ip|ip6 saddr|daddr`, `meta l4proto`,
 * `th dport|sport`, `iifname|oifname`, `arp saddr|daddr ip`, `icmpv6 type`, concatenated with ` . ` —
 * compared (`!=` optional) with a named set or map (`@s`) or one value, or dispatched with
 * `vmap @m` / `vmap { key : verdict, … }`. Measured in a network namespace: a set, map or value of
 * another type is "datatype mismatch" (or "Could not resolve hostname" for an address), a word
 * outside the grammar a syntax error. References (a missing set, chain, counter) are apply.ts's.
 */
import { canonicalVerdict, parseElement } from "./elements.js";
import type { Failure } from "./apply-elements.js";

/** The type expression of a named set or map (`keyType` for a map), or undefined when missing. */
export type TypeOf = (name: string) => { readonly type: string; readonly map: boolean } | undefined;

/** Selector words → the datatype of what they select. */
const SELECTORS: ReadonlyArray<[readonly string[], string]> = [
  [["ip", "saddr"], "ipv4_addr"],
  [["ip", "daddr"], "ipv4_addr"],
  [["ip6", "saddr"], "ipv6_addr"],
  [["ip6", "daddr"], "ipv6_addr"],
  [["meta", "l4proto"], "inet_proto"],
  [["th", "dport"], "inet_service"],
  [["th", "sport"], "inet_service"],
  [["iifname"], "ifname"],
  [["oifname"], "ifname"],
  [["arp", "saddr", "ip"], "ipv4_addr"],
  [["arp", "daddr", "ip"], "ipv4_addr"],
  [["icmpv6", "type"], "icmpv6_type"],
];

const VERDICTS = new Set(["accept", "drop", "continue", "return"]);
const CT_STATES =
  /^(?:established|related|invalid|new|untracked)(?:,(?:established|related|invalid|new|untracked))*$/;

/** Why nft refuses the rule's words or types, or undefined when it type-checks. */
export function checkRuleTypes(text: string, typeOf: TypeOf): Failure | undefined {
  const words = tokens(text);
  let i = 0;
  while (i < words.length) {
    const step = statement(words, i, typeOf);
    if (typeof step !== "number") return step;
    i = step;
  }
  return undefined;
}

/** Splits a rule into words, keeping `{ … }` and `"…"` as one word each. */
function tokens(text: string): string[] {
  return text.match(/\{[^}]*\}|"[^"]*"|\S+/g) ?? [];
}

/** Reads one statement at `i`: the index after it, or why it is refused. */
function statement(w: readonly string[], i: number, typeOf: TypeOf): number | Failure {
  const [a, b, c] = [w[i], w[i + 1], w[i + 2]];
  const last = (n: number): number | Failure => (i + n === w.length ? i + n : syntax(w, i + n));
  if (a !== undefined && VERDICTS.has(a)) return last(1);
  if ((a === "jump" || a === "goto") && b !== undefined) return last(2);
  if (a === "ether" && b === "type" && c !== undefined && ["ip", "ip6", "arp"].includes(c)) return i + 3;
  if (a === "ct" && b === "state" && c !== undefined)
    return CT_STATES.test(c) ? i + 3 : { kind: "type", message: `${c}: Could not parse conntrack state` };
  if (a === "counter") return b === "name" && c !== undefined ? i + 3 : i + 1;
  return match(w, i, typeOf);
}

/** A selector (concatenation) and what it is compared with or dispatched through. */
function match(w: readonly string[], start: number, typeOf: TypeOf): number | Failure {
  const types: string[] = [];
  let i = start;
  for (;;) {
    const sel = SELECTORS.find(([words]) => words.every((x, k) => w[i + k] === x));
    if (!sel) return syntax(w, i);
    types.push(sel[1]);
    i += sel[0].length;
    if (w[i] !== ".") break;
    i += 1;
  }
  const type = types.join(" . ");
  if (w[i] === "vmap") {
    const bad = dispatch(w[i + 1], type, typeOf);
    if (bad) return bad;
    return i + 2 === w.length ? i + 2 : syntax(w, i + 2);
  }
  if (w[i] === "!=") i += 1;
  const bad = compared(w[i], type, typeOf);
  return bad ?? i + 1;
}

/** `@set` or one value of `type`. */
function compared(word: string | undefined, type: string, typeOf: TypeOf): Failure | undefined {
  if (word === undefined) return { kind: "invalid", message: `syntax error: a value of ${type} expected` };
  if (word.startsWith("@")) return sameType(word.slice(1), type, typeOf);
  const p = parseElement(type, true, word);
  return p.ok ? undefined : { kind: "type", message: `${word}: datatype mismatch, expected ${type}` };
}

/** `vmap @map` or `vmap { key : verdict, … }` with keys of `type`. */
function dispatch(word: string | undefined, type: string, typeOf: TypeOf): Failure | undefined {
  if (word?.startsWith("@")) {
    const name = word.slice(1);
    if (typeOf(name)?.map === false)
      return { kind: "type", message: `vmap ${word}: Expression is not a map` };
    return sameType(name, type, typeOf);
  }
  if (!word?.startsWith("{")) return { kind: "invalid", message: `syntax error: vmap ${word ?? ""}` };
  for (const entry of word.slice(1, -1).split(",")) {
    const [key = "", verdict = "", ...rest] = entry.split(/\s+:\s+/);
    if (rest.length > 0 || !canonicalVerdict(verdict).ok)
      return { kind: "invalid", message: `syntax error: vmap entry ${entry.trim()}` };
    const p = parseElement(type, true, key);
    if (!p.ok) return { kind: "type", message: `${key.trim()}: datatype mismatch, expected ${type}` };
  }
  return undefined;
}

/** A named set or map whose (key) type is `type`; a missing one is apply.ts's ENOENT. */
function sameType(name: string, type: string, typeOf: TypeOf): Failure | undefined {
  const have = typeOf(name)
    ?.type.trim()
    .split(/\s*\.\s*/)
    .join(" . ");
  if (have === undefined || have === type) return undefined;
  return { kind: "type", message: `@${name}: datatype mismatch, expected ${type}, set has type ${have}` };
}

function syntax(w: readonly string[], i: number): Failure {
  return { kind: "invalid", message: `syntax error, unexpected ${w[i] ?? "end of rule"}` };
}
