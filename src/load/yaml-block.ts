/**
 * A fast reader for the block-style YAML that kubectl, Helm and YAML libraries write: block
 * mappings and sequences, one-line plain and quoted scalars and flow collections, comments, `---`
 * between documents. A document that uses anything else (anchors, aliases, tags, block or
 * multi-line scalars or flow collections, escapes, duplicate or non-string keys) is handed
 * back untouched, and the full YAML 1.2 parser reads it: so everything this module accepts it must
 * read exactly as the `yaml` package does (core schema), which yaml-differential.property.test.ts
 * checks on random documents and random edits of them. It is 8-9× faster than the full parser,
 * which builds a syntax tree and a document model before producing values (bench/yaml-readers.ts).
 * js-yaml is about as fast, but it does not read what the `yaml` package reads (it accepts some
 * malformed documents that package rejects, and gives no field path for a duplicate key), so issue
 * 13 kept this reader, for as long as the differential test holds.
 */
import { isObject } from "../k8s/fields.js";
import { flowCollection } from "./yaml-flow.js";
import {
  afterValue,
  BAIL,
  bail,
  MAX_DEPTH,
  plain,
  quotedEnd,
  quotedValue,
  startsLikeIndicator,
} from "./yaml-scalars.js";
import { hasUnusualCharacter } from "./yaml-chars.js";

/** A stretch of the stream: one document read here, or text left to the full parser. */
export type StreamSegment =
  | {
      readonly kind: "read";
      readonly value: unknown;
      /** 0-based line of the document's first node, in the text given to scanBlockStream. */
      readonly line: number;
      /** 0-based lines of the items of a top-level `items:` sequence (a `List`). */
      readonly itemLines: readonly number[] | undefined;
    }
  | { readonly kind: "full"; readonly text: string; readonly lineOffset: number };

/**
 * Splits `text` into documents at `---` lines and reads each one it can; every other document goes,
 * with its `---` line, to the full parser on its own. A `---` line ends a document in YAML 1.2
 * (c-forbidden) even inside an unclosed quoted scalar, where the `yaml` package alone would read on
 * to the end of the stream and lose every later document: here a broken document costs only itself.
 * Streams with directives or `...` lines return undefined and go whole to the full parser.
 * `read: false` leaves every document to the full parser (the reference in tests).
 */
export function scanBlockStream(text: string, opts: { read?: boolean } = {}): StreamSegment[] | undefined {
  if (/^(?:%|\.\.\.)/m.test(text)) return undefined;
  const raw = text.split("\n");
  const out: StreamSegment[] = [];
  let from = 0; // first line of the current document (its `---` line, if any)
  for (let i = 1; i <= raw.length; i++) {
    if (i < raw.length && !isMarker(raw[i] as string)) continue;
    const marker = raw[from] as string;
    const marked = isMarker(marker);
    // `---` with more on its line (a comment, a tag, content) is left to the full parser.
    const doc =
      opts.read === false || (marked && withoutCr(marker).length > 3)
        ? undefined
        : readDocument(raw, marked ? from + 1 : from, i);
    if (doc === undefined) {
      const lines = raw.slice(from, i).join("\n");
      out.push({ kind: "full", text: i < raw.length ? `${lines}\n` : lines, lineOffset: from });
    } else if (doc !== EMPTY) out.push(doc);
    from = i;
  }
  return out;
}

/** A document marker line: `---` alone or followed by white space (and possibly more). */
function isMarker(line: string): boolean {
  return (
    line.startsWith("---") && (line.length === 3 || line[3] === " " || line[3] === "\t" || line[3] === "\r")
  );
}

function withoutCr(line: string): string {
  return line.endsWith("\r") ? line.slice(0, -1) : line;
}

const EMPTY = Symbol("empty document");

interface Line {
  indent: number;
  text: string;
  readonly line: number;
}

/**
 * Where a block-style document's keys and list items are (0-based lines of the lines given), for
 * issue lines; undefined when the fast reader cannot read the document (the full parser can).
 */
export interface BlockPositions {
  readonly value: unknown;
  /** The line of each key of each mapping read from a block (not of flow mappings). */
  readonly keyLines: WeakMap<object, Map<string, number>>;
  /** The line of each item of each sequence (a one-line flow sequence's items: its line). */
  readonly itemLines: WeakMap<unknown[], number[]>;
}

/** Reads `lines` (one document, without its `---` line) recording where keys and items are. */
export function readBlockPositions(lines: readonly string[]): BlockPositions | undefined {
  const record: Recording = { keyLines: new WeakMap(), itemLines: new WeakMap() };
  const doc = readDocument(lines, 0, lines.length, record);
  if (doc === undefined) return undefined;
  return { value: doc === EMPTY ? null : doc.value, ...record };
}

/** Where readDocument records positions when asked to. */
interface Recording {
  keyLines: WeakMap<object, Map<string, number>>;
  itemLines: WeakMap<unknown[], number[]>;
}

function readDocument(raw: readonly string[], from: number, to: number, record?: Recording) {
  const lines: Line[] = [];
  for (let i = from; i < to; i++) {
    // CRLF line ends (files written on Windows) are line ends like LF to YAML.
    const s = withoutCr(raw[i] as string);
    if (hasUnusualCharacter(s)) return undefined;
    let indent = 0;
    while (s.charCodeAt(indent) === 32) indent++;
    if (indent === s.length || s.charCodeAt(indent) === 35 /* # */) continue;
    lines.push({ indent, text: s.slice(indent).trimEnd(), line: i });
  }
  if (lines.length === 0) return EMPTY;
  const reader = new BlockReader(lines, record?.keyLines);
  if (record) record.itemLines = reader.itemLines;
  try {
    const value = reader.node();
    if (reader.pos < lines.length) return undefined;
    const items = isObject(value) ? value.items : undefined;
    const itemLines = Array.isArray(items) ? reader.itemLines.get(items) : undefined;
    return { kind: "read" as const, value, line: (lines[0] as Line).line, itemLines };
  } catch (e) {
    if (e === BAIL) return undefined;
    throw e;
  }
}

const isSeqEntry = (t: string) => t === "-" || t.startsWith("- ");

class BlockReader {
  pos = 0;
  private depth = 0;
  readonly itemLines = new WeakMap<unknown[], number[]>();
  constructor(
    private readonly lines: Line[],
    /** Set only when positions are wanted (issue lines), never on the loading path. */
    private readonly keyLines?: WeakMap<object, Map<string, number>>,
  ) {}

  /** The node starting at the current line. */
  node(): unknown {
    const l = this.lines[this.pos] as Line;
    if (++this.depth > MAX_DEPTH) bail();
    const v = isSeqEntry(l.text) ? this.sequence(l.indent) : this.mapping(l.indent);
    this.depth--;
    return v;
  }

  private mapping(indent: number): Record<string, unknown> {
    const obj: Record<string, unknown> = {};
    const keys = this.keyLines && new Map<string, number>();
    if (keys) this.keyLines?.set(obj, keys);
    for (let l = this.lines[this.pos]; l && l.indent >= indent; l = this.lines[this.pos]) {
      if (l.indent > indent) bail();
      if (isSeqEntry(l.text)) break; // the caller decides whether a sequence may follow here
      const colon = keyEnd(l.text);
      // YAML limits an implicit key to 1024 characters; the full parser reports longer ones.
      if (colon < 0 || colon > 1024) bail();
      const key = keyOf(l.text.slice(0, colon).trimEnd());
      if (key === "__proto__" || key === "<<" || Object.hasOwn(obj, key)) bail();
      let rest = l.text.slice(colon + 1).trimStart();
      if (rest.startsWith("#")) rest = "";
      keys?.set(key, l.line);
      this.pos++;
      // After a one-line scalar, a deeper line (a continuation) makes the loop give up.
      obj[key] = rest !== "" ? this.inline(rest, l.line) : this.nested(indent);
    }
    return obj;
  }

  private sequence(indent: number): unknown[] {
    const arr: unknown[] = [];
    const lines: number[] = [];
    for (let l = this.lines[this.pos]; l && l.indent >= indent; l = this.lines[this.pos]) {
      if (l.indent > indent) bail();
      if (!isSeqEntry(l.text)) break;
      let k = 1;
      while (l.text.charCodeAt(k) === 32) k++;
      const rest = l.text.slice(k);
      if (rest === "" || rest.startsWith("#")) {
        // `-` alone: the item is the deeper node on the next lines (an empty item is left to the full parser)
        this.pos++;
        const next = this.lines[this.pos];
        if (!next || next.indent <= indent) bail();
        lines.push(next.line);
        arr.push(this.node());
        continue;
      }
      lines.push(l.line);
      if (isSeqEntry(rest) || keyEnd(rest) >= 0) {
        // a compact node: read the rest of the line as a line of its own, at its column
        l.indent = indent + k;
        l.text = rest;
        arr.push(this.node());
      } else {
        this.pos++;
        arr.push(this.inline(rest, l.line));
      }
    }
    this.itemLines.set(arr, lines);
    return arr;
  }

  /** A value on one line; the items of a flow sequence all start on that line. */
  private inline(rest: string, line: number): unknown {
    const v = scalar(rest);
    if (Array.isArray(v))
      this.itemLines.set(
        v,
        v.map(() => line),
      );
    return v;
  }

  /** The value of `key:` with nothing after it: a deeper node, a same-column sequence, or null. */
  private nested(indent: number): unknown {
    const next = this.lines[this.pos];
    if (next && next.indent > indent) return this.node();
    if (next && next.indent === indent && isSeqEntry(next.text)) return this.sequence(indent);
    return null;
  }
}

/** Index of the `:` that ends a mapping key on this line, or -1 when the line is no `key: ...`. */
function keyEnd(text: string): number {
  const q = text.charCodeAt(0);
  if (q === 91 || q === 123) return -1; // `[` or `{`: a flow collection, or a complex key
  if (q === 39 || q === 34) {
    const end = quotedEnd(text);
    if (end < 0) return -1;
    let i = end + 1;
    while (text.charCodeAt(i) === 32) i++;
    return text[i] === ":" && (i + 1 === text.length || text[i + 1] === " ") ? i : -1;
  }
  const hash = text.indexOf(" #");
  let colon = text.indexOf(": ");
  if (colon < 0 && text.endsWith(":")) colon = text.length - 1;
  return colon >= 0 && (hash < 0 || colon < hash) ? colon : -1;
}

function keyOf(text: string): string {
  // keyEnd accepted a quoted key only when nothing but spaces follows its closing quote
  if (text.startsWith("'") || text.startsWith('"')) return quotedValue(text);
  if (startsLikeIndicator(text)) bail();
  const v = plain(text);
  return typeof v === "string" ? v : bail();
}

/** A one-line scalar value (with an optional trailing comment). */
function scalar(rest: string): unknown {
  const c = rest[0];
  if (c === "'" || c === '"') {
    const end = quotedEnd(rest);
    if (end < 0) bail();
    afterValue(rest, end + 1);
    return quotedValue(rest.slice(0, end + 1));
  }
  if (c === "{" || c === "[") {
    const { value, end } = flowCollection(rest);
    afterValue(rest, end);
    return value;
  }
  if (startsLikeIndicator(rest)) bail();
  const hash = rest.indexOf(" #");
  const text = hash >= 0 ? rest.slice(0, hash).trimEnd() : rest;
  if (text.includes(": ") || text.endsWith(":")) bail();
  return plain(text);
}
