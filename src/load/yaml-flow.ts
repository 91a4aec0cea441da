/**
 * One-line flow collections for the fast YAML reader: `[Ingress, Egress]`, `{matchLabels: {app:
 * web}}`, `[{port: 80}, {port: 443}]`, as hand-written manifests use them. Entries are plain or
 * one-line quoted scalars and nested flow collections; a mapping entry is `key: value`. Anything
 * else (a collection that goes on past its line, `{a}` or `[a: b]` pairs, `?`, empty entries, a
 * comment inside) gives up, and the full parser reads the document.
 */
import { bail, MAX_DEPTH, plain, quotedEnd, quotedValue, startsLikeIndicator } from "./yaml-scalars.js";

/** The flow collection at the start of `text`, and the index just after it. */
export function flowCollection(text: string): { value: unknown; end: number } {
  const r = new FlowReader(text);
  const value = r.collection();
  return { value, end: r.i };
}

const FLOW_INDICATORS = ",[]{}";

class FlowReader {
  i = 0;
  private depth = 0;
  constructor(private readonly s: string) {}

  collection(): unknown {
    if (++this.depth > MAX_DEPTH) bail();
    const v = this.s[this.i] === "[" ? this.sequence() : this.mapping();
    this.depth--;
    return v;
  }

  private sequence(): unknown[] {
    const out: unknown[] = [];
    if (this.opensEmpty("]")) return out;
    for (;;) {
      out.push(this.value());
      this.spaces();
      if (this.closes("]")) return out; // (a `:` here, an implicit pair `[a: b]`, gives up there)
    }
  }

  private mapping(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    if (this.opensEmpty("}")) return out;
    for (;;) {
      const key = this.value();
      if (typeof key !== "string" || key === "__proto__" || key === "<<" || Object.hasOwn(out, key)) bail();
      this.spaces();
      if (this.s[this.i] !== ":" || this.s[this.i + 1] !== " ") bail();
      this.i += 2;
      this.spaces();
      out[key] = this.value();
      this.spaces();
      if (this.closes("}")) return out;
    }
  }

  /** Steps over the opening bracket; true (and past the closing one) when the collection is empty. */
  private opensEmpty(close: "]" | "}"): boolean {
    this.i++;
    this.spaces();
    if (this.s[this.i] !== close) return false;
    this.i++;
    return true;
  }

  /** After an entry: `,` and another entry, or the closing bracket (a trailing `,` is allowed). */
  private closes(close: "]" | "}"): boolean {
    if (this.s[this.i] === close) {
      this.i++;
      return true;
    }
    if (this.s[this.i] !== ",") bail();
    this.i++;
    this.spaces();
    if (this.s[this.i] !== close) return false;
    this.i++;
    return true;
  }

  private value(): unknown {
    const c = this.s[this.i];
    if (c === "[" || c === "{") return this.collection();
    if (c === "'" || c === '"') {
      const end = quotedEnd(this.s.slice(this.i));
      if (end < 0) bail();
      const v = quotedValue(this.s.slice(this.i, this.i + end + 1));
      this.i += end + 1;
      return v;
    }
    const start = this.i;
    for (; this.i < this.s.length; this.i++) {
      const ch = this.s[this.i] as string;
      if (FLOW_INDICATORS.includes(ch)) break;
      if (ch === "#" && this.s[this.i - 1] === " ") bail(); // a comment inside the collection
      if (ch === ":") {
        const next = this.s[this.i + 1];
        if (next === undefined || next === " " || FLOW_INDICATORS.includes(next)) break;
      }
    }
    const text = this.s.slice(start, this.i).trimEnd();
    if (text === "" || startsLikeIndicator(text)) bail();
    return plain(text);
  }

  private spaces(): void {
    while (this.s[this.i] === " ") this.i++;
  }
}
