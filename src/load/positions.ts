/**
 * The line of a field inside an input's text, so that an issue about `spec.ingress[0].ports[0].port`
 * points at the line of that key (or list item) instead of the start of its object. Computed after
 * loading, and only for objects that have issues: reading objects keeps only their start line.
 *
 * An object starting with `{` is looked up by scanning its JSON text. Otherwise the lines along
 * the path are read (yaml-lines.ts), and where they are not plain block style the document that
 * holds the object is read again: by the fast block reader, recording where keys and items are,
 * or, for what that reader leaves alone (and JSON the scan does not follow), by the `yaml`
 * package's syntax tree. Each document is read at most once, and only the documents with issues.
 */
import { type Document, isMap, isSeq, type Node, parseAllDocuments } from "yaml";
import { isObject } from "../k8s/fields.js";
import { bestKey, nextIndex } from "./field-path.js";
import { jsonPathOffset } from "./json-path.js";
import { LineCursor, lineBreaks } from "./line-cursor.js";
import { lineIndex } from "./line-index.js";
import { type BlockPositions, readBlockPositions } from "./yaml-block.js";
import { blockLine, type Lines } from "./yaml-lines.js";
import { yamlPathOffset } from "./yaml-path.js";

/** Field lines of one input's text. */
export interface TextPositions {
  /**
   * The 1-based line of `path` in the object that starts at line `objectLine`: the line of the
   * deepest key or list item along the path that the text has (the object's own line when the
   * path's first field is not there). Undefined when no object starts there.
   */
  lineOf(objectLine: number, path: string): number | undefined;
}

/** `fast: false` uses the `yaml` package's syntax tree for everything (the reference in tests). */
export interface PositionOptions {
  readonly fast?: boolean;
}

/** Positions in `text`; the work is done lazily, per document, and kept for further look-ups. */
export function textPositions(text: string, opts: PositionOptions = {}): TextPositions {
  const fast = opts.fast ?? true;
  const cursor = new LineCursor(text);
  const lineAt: Lines = {
    text: (n) => {
      const line = cursor.lineText(n);
      return line?.endsWith("\r") ? line.slice(0, -1) : line;
    },
    indent: (n) => indentAt(text, cursor.offsetOf(n)),
  };
  let last: DocumentText | undefined;
  const documentAt = (line: number): DocumentText => {
    if (last && last.holds(line)) return last;
    let from = line;
    while (from > 1 && !isMarker(cursor.lineText(from) ?? "")) from--;
    let to = line + 1;
    for (let t = cursor.lineText(to); t !== undefined && !isMarker(t); t = cursor.lineText(to)) to++;
    const start = cursor.offsetOf(from) ?? text.length;
    last = new DocumentText(text.slice(start, cursor.offsetOf(to) ?? text.length), from, to);
    return last;
  };
  return {
    lineOf(objectLine, path) {
      const start = cursor.offsetOf(objectLine);
      if (start === undefined) return undefined;
      if (path === "") return objectLine;
      // The scans of the object's own lines read a mapping, or a List item's mapping after its
      // `- `: not for a document that is a sequence.
      if (fast && !(isDash(text, start) && startsDocument(cursor, objectLine))) {
        const first = firstContent(text, start);
        if (text[first] === "{" && stringsOnOneLine(text, first)) {
          const at = jsonPathOffset(text, first, path);
          if (at !== undefined) return objectLine + lineBreaks(text, start, at);
        }
        const line = blockLine(lineAt, objectLine, path);
        if (line !== undefined) return line;
      }
      const doc = documentAt(objectLine);
      return (fast ? doc.blockLine(objectLine, path) : undefined) ?? doc.yamlLine(objectLine, path);
    },
  };
}

/** One document's text (with its `---` line, if any) and where it is in the input. */
class DocumentText {
  private block: { positions: BlockPositions; base: number; items: Map<number, number> } | null | undefined;
  private yaml: { docs: readonly Document.Parsed[]; lineAt: (offset: number) => number } | undefined;
  constructor(
    private readonly text: string,
    private readonly from: number,
    private readonly to: number,
  ) {}

  holds(line: number): boolean {
    return line >= this.from && line < this.to;
  }

  /** The line by the fast block reader; undefined when it cannot read the document. */
  blockLine(objectLine: number, path: string): number | undefined {
    if (this.block === undefined) {
      const lines = this.text.split("\n");
      const marker = lines[0] !== undefined && isMarker(lines[0]);
      // a `---` line with more on it (a tag, a comment, content) is left to the full parser
      const bare = !marker || /^(?:---|\.\.\.)\s*$/.test(lines[0] as string);
      const positions = bare ? readBlockPositions(marker ? lines.slice(1) : lines) : undefined;
      const base = this.from + (marker ? 1 : 0);
      this.block = positions ? { positions, base, items: listItemIndex(positions) } : null;
    }
    if (!this.block) return undefined;
    const { positions, base, items } = this.block;
    const line = blockPathLine(positions, items.get(objectLine - base), objectLine - base, path);
    return line === undefined ? undefined : line + base;
  }

  /** The line by the `yaml` package's syntax tree of the document. */
  yamlLine(objectLine: number, path: string): number | undefined {
    if (!this.yaml) {
      const docs = parseAllDocuments(this.text, { prettyErrors: false, logLevel: "silent" });
      this.yaml = { docs: Array.isArray(docs) ? docs : [], lineAt: lineIndex(this.text) };
    }
    const { docs, lineAt } = this.yaml;
    const lineOf = (offset: number) => lineAt(offset) + this.from - 1;
    for (const doc of docs) {
      const node = objectNode(doc, (n) => !!n.range && lineOf(n.range[0]) === objectLine);
      if (!node) continue;
      const at = yamlPathOffset(doc, node, path);
      return at === undefined ? undefined : lineOf(at);
    }
    return undefined;
  }
}

/** The index of the `List` item starting on each 0-based line (the first one, if several do). */
function listItemIndex(p: BlockPositions): Map<number, number> {
  const items = isObject(p.value) ? p.value.items : undefined;
  const lines = Array.isArray(items) ? p.itemLines.get(items) : undefined;
  const index = new Map<number, number>();
  lines?.forEach((line, i) => {
    if (!index.has(line)) index.set(line, i);
  });
  return index;
}

/**
 * The 0-based line of `path` in the object at 0-based `line` of a document the block reader read:
 * the document's `List` item `item` when one starts there, else the document's value.
 */
function blockPathLine(
  p: BlockPositions,
  item: number | undefined,
  line: number,
  path: string,
): number | undefined {
  const items = isObject(p.value) ? p.value.items : undefined;
  let cur: unknown = item !== undefined && Array.isArray(items) ? items[item] : p.value;
  let at = line;
  let rest = path;
  while (rest !== "") {
    if (Array.isArray(cur)) {
      const step = nextIndex(rest);
      if (!step || step.index >= cur.length) break;
      at = p.itemLines.get(cur)?.[step.index] ?? at;
      cur = cur[step.index];
      rest = step.rest;
    } else if (isObject(cur)) {
      const best = bestKey(
        rest,
        Object.keys(cur).map((key) => ({ key, at: key })),
      );
      if (!best) break;
      at = p.keyLines.get(cur)?.get(best.at) ?? at;
      cur = cur[best.at];
      rest = best.rest;
    } else break;
  }
  return at;
}

/** A document marker line (`---` or `...` alone or followed by white space): a document ends there. */
function isMarker(line: string): boolean {
  return /^(?:---|\.\.\.)(?:[ \t\r]|$)/.test(line);
}

/** The indentation of the line starting at `start`, read in place (see `Lines.indent`). */
function indentAt(text: string, start: number | undefined): number | "blank" | "end" | "tab" {
  if (start === undefined) return "end";
  let i = start;
  while (text.charCodeAt(i) === 32) i++;
  const c = text.charCodeAt(i);
  if (c === 9) return "tab";
  if (Number.isNaN(c) || c === 10 || c === 13 || c === 35 /* # */) return "blank";
  if (i === start && (text.startsWith("---", i) || text.startsWith("...", i))) {
    const next = text.charCodeAt(i + 3);
    if (Number.isNaN(next) || next === 32 || next === 9 || next === 10 || next === 13) return "end";
  }
  return i - start;
}

/** The first character at or after `i` that is not a space or a sequence-entry dash. */
function firstContent(text: string, i: number): number {
  let j = i;
  while (text[j] === " " || (text[j] === "-" && text[j + 1] === " ")) j++;
  return j;
}

/**
 * True when no quoted string of the flow collection at `i` spans lines. JSON strings cannot, and the
 * JSON scan (json-path.ts) reads keys as JSON does, so a YAML flow mapping whose quoted key is
 * folded over lines is left to the other readers. (The scan itself should reject a raw line break
 * in a string; until it does, this guards it.)
 */
function stringsOnOneLine(text: string, i: number): boolean {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 /* " */) {
      for (j++; j < text.length && text.charCodeAt(j) !== 34; j++) {
        const d = text.charCodeAt(j);
        if (d === 10 || d === 13) return false;
        if (d === 92 /* \ */) j++;
      }
    } else if (c === 123 || c === 91) depth++;
    else if ((c === 125 || c === 93) && --depth === 0) return true;
  }
  return true;
}

/** True when the line starting at `i` starts with a sequence-entry dash (after spaces). */
function isDash(text: string, i: number): boolean {
  let j = i;
  while (text[j] === " ") j++;
  const next = text[j + 1];
  return text[j] === "-" && (next === " " || next === "\n" || next === "\r" || next === undefined);
}

/**
 * True when nothing but blank and comment lines come before `line` in its document (then an object
 * starting there is the document's value, not a List item). A line of only a tag or an anchor
 * counts as the document's start: the answer may be true for a List item, never false for a document.
 */
function startsDocument(cursor: LineCursor, line: number): boolean {
  for (let n = line - 1; n >= 1; n--) {
    const t = cursor.lineText(n) ?? "";
    const content = t.trim();
    if (content === "" || content.startsWith("#")) continue;
    return isMarker(t) || content.startsWith("!") || content.startsWith("&");
  }
  return true;
}

/** The document's object or `List` item that `starts` picks (by its start line). */
function objectNode(doc: Document.Parsed, starts: (n: Node) => boolean): Node | undefined {
  const contents = doc.contents;
  if (!contents) return undefined;
  const items = isMap(contents) ? contents.get("items", true) : undefined;
  if (isSeq(items))
    for (const item of items.items) if ((isMap(item) || isSeq(item)) && starts(item)) return item;
  return starts(contents) ? contents : undefined;
}
