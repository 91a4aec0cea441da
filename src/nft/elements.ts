/**
 * Set and map elements in one canonical text, so an element written by the renderer and the same
 * element read back from `nft -j` (turned into nft text by json.ts) compare equal. Implements the nft
 * datatypes netguard uses (`ipv4_addr`, `ipv6_addr`, `inet_proto`, `inet_service`, `ifname`,
 * `icmpv6_type`) and their concatenations `a . b . c`, with nft 1.0.6's rules for prefixes and ranges:
 * only in sets with `flags interval` (nft: "You must add 'flags interval' to your set declaration").
 *
 * Canonical text: in an interval set every component is `lo` or `lo-hi` (prefixes become ranges);
 * IPv6 compressed lower case (RFC 5952); protocols as `tcp|udp|sctp|icmp|icmpv6` (others, and the
 * ends of a protocol range, decimal: nft cannot read `tcp-udp`);
 * ports decimal; interface names quoted; ICMPv6 types by nft's name when it has one.
 */
import { type Datatype, datatypeOf } from "./datatypes.js";

/** One component's closed range of values (lo = hi for a single value). */
export interface Span {
  readonly lo: bigint;
  readonly hi: bigint;
}

/** Why an element was refused: `type` = not a value of the datatype, `invalid` = not allowed here. */
export type ElementErrorKind = "type" | "invalid";

/** An element in canonical text with its spans (one per component), or why nft would refuse it. */
export type ParsedElement =
  | { readonly ok: true; readonly value: string; readonly spans: readonly Span[] }
  | { readonly ok: false; readonly kind: ElementErrorKind; readonly error: string };

/** The canonical text of one element of a set of `type`, or why nft refuses it. */
export function canonicalElement(
  type: string,
  interval: boolean,
  text: string,
): { ok: true; value: string } | { ok: false; kind: ElementErrorKind; error: string } {
  const p = parseElement(type, interval, text);
  return p.ok ? { ok: true, value: p.value } : p;
}

/** Parses one element (`a . b . c` for a concatenation) of a set of `type`. */
export function parseElement(type: string, interval: boolean, text: string): ParsedElement {
  const types = componentTypes(type);
  if (types === undefined) return { ok: false, kind: "invalid", error: `unknown datatype ${type}` };
  const parts = text.trim().split(/\s+\.\s+/);
  if (parts.length !== types.length)
    return { ok: false, kind: "type", error: `${text}: ${parts.length} components for type ${type}` };
  const spans: Span[] = [];
  const out: string[] = [];
  for (const [i, part] of parts.entries()) {
    const d = types[i];
    if (d === undefined) break;
    const c = parseComponent(d, interval, part);
    if (!c.ok) return c;
    spans.push(c.span);
    out.push(c.text);
  }
  return { ok: true, value: out.join(" . "), spans };
}

/** The datatypes of a type expression (`inet_proto . inet_service`), or undefined if one is unknown. */
export function componentTypes(type: string): Datatype[] | undefined {
  const out: Datatype[] = [];
  for (const name of type.trim().split(/\s*\.\s*/)) {
    const d = datatypeOf(name);
    if (d === undefined) return undefined;
    out.push(d);
  }
  return out;
}

type Component =
  | { readonly ok: true; readonly span: Span; readonly text: string }
  | { readonly ok: false; readonly kind: ElementErrorKind; readonly error: string };

function parseComponent(d: Datatype, interval: boolean, raw: string): Component {
  const text = raw.trim();
  const slash = d.prefixes ? text.indexOf("/") : -1;
  const dash = d.ranges ? rangeDash(d, text) : -1;
  if ((slash >= 0 || dash >= 0) && !interval) {
    const what = slash >= 0 ? "prefix" : "range";
    return { ok: false, kind: "invalid", error: `${text}: ${what} element in a set without flags interval` };
  }
  let span: Span | undefined;
  if (slash >= 0) span = prefixSpan(d, text.slice(0, slash), text.slice(slash + 1));
  else if (dash >= 0) {
    const lo = d.parse(text.slice(0, dash));
    const hi = d.parse(text.slice(dash + 1));
    if (lo !== undefined && hi !== undefined && lo > hi)
      return { ok: false, kind: "invalid", error: `${text}: range has zero or negative size` };
    span = lo !== undefined && hi !== undefined ? { lo, hi } : undefined;
  } else {
    const v = d.parse(text);
    span = v === undefined ? undefined : { lo: v, hi: v };
  }
  if (span === undefined) return { ok: false, kind: "type", error: `${text}: not a valid ${d.name}` };
  const end = d.formatRangeEnd ?? d.format;
  const out = span.lo === span.hi ? d.format(span.lo) : `${end(span.lo)}-${end(span.hi)}`;
  return { ok: true, span, text: out };
}

/** Where a range's `-` is: IPv4/IPv6/numbers have none of their own; protocol names may (`ipv6-icmp`). */
function rangeDash(d: Datatype, text: string): number {
  if (d.parse(text) !== undefined) return -1;
  for (let i = text.indexOf("-"); i >= 0; i = text.indexOf("-", i + 1))
    if (d.parse(text.slice(0, i)) !== undefined && d.parse(text.slice(i + 1)) !== undefined) return i;
  return text.indexOf("-");
}

function prefixSpan(d: Datatype, addr: string, lenText: string): Span | undefined {
  const v = d.parse(addr);
  if (v === undefined || !/^\d{1,3}$/.test(lenText)) return undefined;
  const len = Number(lenText);
  if (len > d.bits) return undefined;
  const host = (1n << BigInt(d.bits - len)) - 1n;
  return { lo: v & ~host, hi: (v & ~host) | host };
}

/** The canonical text of a verdict (`accept`, `drop`, `continue`, `return`, `jump x`, `goto x`). */
export function canonicalVerdict(text: string): { ok: true; value: string } | { ok: false; error: string } {
  const [verb = "", target, ...rest] = text.trim().split(/\s+/);
  if (rest.length > 0) return { ok: false, error: `${text}: not a verdict` };
  if (target === undefined && ["accept", "drop", "continue", "return"].includes(verb))
    return { ok: true, value: verb };
  if (target !== undefined && (verb === "jump" || verb === "goto")) {
    const name = target.replace(/^"(.*)"$/, "$1");
    if (/^[A-Za-z0-9_./-]+$/.test(name)) return { ok: true, value: `${verb} ${name}` };
  }
  return { ok: false, error: `${text}: not a verdict` };
}

/** The chain a canonical verdict jumps or goes to, if any. */
export function verdictChain(verdict: string): string | undefined {
  return /^(?:jump|goto) (\S+)$/.exec(verdict)?.[1];
}

/** True when two elements' spans meet in every component (the same element included). */
export function overlaps(a: readonly Span[], b: readonly Span[]): boolean {
  return a.every((s, i) => {
    const t = b[i];
    return t !== undefined && s.lo <= t.hi && t.lo <= s.hi;
  });
}
