/**
 * Set and map elements as `nft -j` lists them, turned back into the nft text we write, so that one
 * parser (elements.ts `canonicalElement`) gives kernel and model the same canonical form. libnftables
 * writes a plain value as a JSON string or number (`"10.1.0.5"`, `"tcp"`, `8080`), a prefix as
 * `{"prefix": {"addr", "len"}}`, a range as `{"range": [lo, hi]}`, a concatenation as
 * `{"concat": [...]}`, an element with attributes as `{"elem": {"val": ...}}`, and a verdict as
 * `{"accept": null}` or `{"jump": {"target": "x"}}`. Interface names are strings that nft text quotes.
 */

/** Verdicts that carry no chain, as `nft -j` writes them (`{"accept": null}`). */
const PLAIN_VERDICTS: ReadonlySet<string> = new Set(["accept", "drop", "continue", "return"]);

/** The nft text of one element key of a set of type `types` (one entry per concatenated part). */
export function elementText(value: unknown, types: readonly string[]): string | undefined {
  const v = unwrapElem(value);
  if (types.length === 1) return partText(v, types[0] ?? "");
  const parts = isFields(v) ? v.concat : undefined;
  if (!Array.isArray(parts) || parts.length !== types.length) return undefined;
  const texts: string[] = [];
  for (const [i, p] of (parts as unknown[]).entries()) {
    const t = partText(p, types[i] ?? "");
    if (t === undefined) return undefined;
    texts.push(t);
  }
  return texts.join(" . ");
}

/** The nft text of a verdict (`accept`, `jump in/x/web`), or undefined when it is not one. */
export function verdictText(value: unknown): string | undefined {
  if (!isFields(value)) return undefined;
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [[kind, body]] = entries as [[string, unknown]];
  if (PLAIN_VERDICTS.has(kind)) return body === null ? kind : undefined;
  if (kind !== "jump" && kind !== "goto") return undefined;
  const target = isFields(body) ? body.target : undefined;
  return typeof target === "string" ? `${kind} ${target}` : undefined;
}

/** The key of an element that carries attributes (`{"elem": {"val": k, "counter": ...}}`). */
export function unwrapElem(value: unknown): unknown {
  return isFields(value) && isFields(value.elem) ? value.elem.val : value;
}

function partText(v: unknown, type: string): string | undefined {
  if (typeof v === "string") return type === "ifname" ? quoted(v) : v;
  if (typeof v === "number") return Number.isInteger(v) && v >= 0 ? String(v) : undefined;
  if (!isFields(v)) return undefined;
  if (isFields(v.prefix)) {
    const { addr, len } = v.prefix;
    return typeof addr === "string" && typeof len === "number" ? `${addr}/${len}` : undefined;
  }
  if (Array.isArray(v.range) && v.range.length === 2) {
    const [lo, hi] = (v.range as unknown[]).map((x) => partText(x, type));
    return lo !== undefined && hi !== undefined ? `${lo}-${hi}` : undefined;
  }
  return undefined;
}

/** An interface name as nft text: in double quotes (nft has no escape inside them). */
function quoted(s: string): string | undefined {
  return s.includes('"') || s.includes("\n") ? undefined : `"${s}"`;
}

/** A JSON object (not an array, not null). */
export function isFields(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
