/**
 * What one of OUR rules (nft statement text as the renderer writes it) names and decides: the
 * chains it jumps or goes to (directly or through an anonymous verdict map), the named sets and maps
 * it looks up (`@name`, `vmap @name`), the named counters it updates (`counter name x`) and its final
 * verdict. json.ts derives the same facts from `nft -j` expressions, so a rule we wrote and the rule
 * the kernel lists compare equal without parsing nft's whole grammar.
 */
import { compareStrings } from "../base/compare.js";
import type { RuleFacts } from "./state.js";

const NAME = String.raw`"?([A-Za-z0-9_./-]+)"?`;
const JUMP = new RegExp(String.raw`(?:^|[\s{,:])(?:jump|goto)\s+${NAME}`, "g");
const LOOKUP = /@([A-Za-z0-9_./-]+)/g;
const VMAP = /\bvmap\s+@([A-Za-z0-9_./-]+)/g;
const COUNTER = new RegExp(String.raw`\bcounter\s+name\s+${NAME}`, "g");
const FINAL = /(?:^|\s)(accept|drop|continue|return|(?:jump|goto)\s+"?[A-Za-z0-9_./-]+"?)\s*$/;

/** The facts of a rule written as nft text. */
export function ruleFacts(text: string): RuleFacts {
  return {
    chains: matches(text, JUMP),
    sets: matches(text, LOOKUP),
    counters: matches(text, COUNTER),
    verdict: finalVerdict(text),
  };
}

/** The named maps a rule dispatches through with `vmap @name` (they must be maps, not sets). */
export function verdictMapsOf(text: string): string[] {
  return matches(text, VMAP);
}

/** The rule's last statement when it is a verdict outside any `{ … }` (an anonymous map's are not). */
function finalVerdict(text: string): string | undefined {
  const outside = text.replace(/\{[^}]*\}/g, " ");
  if (/\bvmap\s*$/.test(outside.replace(FINAL, ""))) return undefined;
  const m = FINAL.exec(outside)?.[1];
  if (m === undefined) return undefined;
  return m.replace(/\s+/g, " ").replace(/"/g, "");
}

function matches(text: string, re: RegExp): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(re)) if (m[1] !== undefined) out.add(m[1]);
  return [...out].sort(compareStrings);
}
