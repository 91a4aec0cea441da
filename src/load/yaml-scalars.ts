/**
 * Scalars for the fast YAML reader (yaml-block.ts, yaml-flow.ts): one-line quoted scalars and plain
 * scalars resolved by the YAML 1.2 core schema exactly as the `yaml` package resolves them.
 * Anything these helpers are unsure of throws BAIL, and the full parser reads the document.
 */

/** Thrown when a document leaves the subset the fast reader handles. */
export const BAIL: Error = new (class Bail extends Error {})("not in the block subset");

/**
 * Nesting deeper than any manifest goes to the full parser (which turns a stack overflow into an
 * issue): the fast reader recurses per level and must never throw anything but BAIL.
 */
export const MAX_DEPTH = 64;

/** Gives up on the current document. */
export function bail(): never {
  throw BAIL;
}

/** What may follow a quoted scalar or `{}`/`[]` on its line: nothing, or spaces and a comment. */
export function afterValue(rest: string, from: number): void {
  if (from === rest.length) return;
  if (rest[from] !== " " || !rest.slice(from).trimStart().startsWith("#")) bail();
}

/** c-indicator characters that cannot start a plain scalar; `-`, `?`, `:` only before a space. */
export function startsLikeIndicator(text: string): boolean {
  const c = text[0] as string;
  if ("[]{},#&*!|>'\"%@`".includes(c)) return true;
  return (c === "-" || c === "?" || c === ":") && (text.length === 1 || text[1] === " ");
}

/** Index of the closing quote of a one-line quoted scalar at the start of `text`, or -1. */
export function quotedEnd(text: string): number {
  const q = text[0];
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === "\\") bail(); // escapes are left to the full parser
    if (c !== q) continue;
    if (q === "'" && text[i + 1] === "'") i++;
    else return i;
  }
  return -1;
}

export function quotedValue(quoted: string): string {
  const body = quoted.slice(1, -1);
  return quoted[0] === "'" ? body.replaceAll("''", "'") : body;
}

// The YAML 1.2 core schema's resolvers for plain scalars, as the `yaml` package implements them.
const CORE_NULL = /^(?:~|[Nn]ull|NULL)?$/;
const CORE_TRUE = /^(?:[Tt]rue|TRUE)$/;
const CORE_FALSE = /^(?:[Ff]alse|FALSE)$/;
const SIMPLE_INT = /^-?(?:0|[1-9][0-9]{0,14})$/;
const OTHER_NUMBERS = [
  /^0o[0-7]+$/,
  /^[-+]?[0-9]+$/,
  /^0x[0-9a-fA-F]+$/,
  /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
  /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
];

/** A plain scalar's value; numbers other than plain decimal integers are left to the full parser. */
export function plain(text: string): unknown {
  if (CORE_NULL.test(text)) return null;
  if (CORE_TRUE.test(text)) return true;
  if (CORE_FALSE.test(text)) return false;
  if (SIMPLE_INT.test(text)) return Number(text);
  const c = text.charCodeAt(0);
  const numeric = (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;
  if (numeric && OTHER_NUMBERS.some((re) => re.test(text))) bail();
  return text;
}
