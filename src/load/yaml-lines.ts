/**
 * The line of a field path in block-style YAML, found by reading only the lines along the path:
 * their indentation and keys, never the values. The first way positions.ts tries for YAML; it
 * answers undefined whenever the text is anything but plain block style along the way (a flow
 * collection or quoted scalar going on past its line, anchors, tags, block scalar values, keys that
 * are not plain names or simple quoted ones), and the fast block reader or the full parser then
 * answer. A property test checks it against the `yaml` package's syntax tree.
 */
import { bestKey, nextIndex } from "./field-path.js";

/** The lines of a text (1-based), read lazily. */
export interface Lines {
  /** The line without its line break (and CR); undefined past the end. */
  text(line: number): string | undefined;
  /**
   * Spaces before the line's content, without copying it: `blank` for a blank or comment line,
   * `end` past the end or at a document marker (`---`, `...`), `tab` when a tab indents it.
   */
  indent(line: number): number | "blank" | "end" | "tab";
}

type LineAt = Lines;

interface BlockNode {
  readonly kind: "map" | "seq";
  /** The line where it starts; on that line its content starts at `col` (after `- ` indicators). */
  readonly line: number;
  readonly col: number;
}

/** Set when the walk meets something it does not read; the caller then asks a full reader. */
const UNSURE: Error = new (class Unsure extends Error {})("not plain block style");

/**
 * The line of the deepest key or list item along `path` in the block mapping whose first key is on
 * `objectLine`, or undefined when the text there is not plain block style.
 */
export function blockLine(lineAt: LineAt, objectLine: number, path: string): number | undefined {
  const first = lineAt.text(objectLine);
  if (first === undefined) return undefined;
  let col = 0;
  while (first[col] === " " || (first[col] === "-" && first[col + 1] === " ")) col++;
  if (!isKeyLine(first.slice(col))) return undefined;
  try {
    return walk(lineAt, { kind: "map", line: objectLine, col }, objectLine, path);
  } catch (e) {
    if (e === UNSURE) return undefined;
    throw e;
  }
}

function walk(lineAt: LineAt, start: BlockNode, at0: number, path: string): number {
  let node: BlockNode | undefined = start;
  let at = at0;
  let rest = path;
  while (node && rest !== "") {
    if (node.kind === "map") {
      const best: { at: { line: number; value: string }; rest: string } | undefined = bestKey(
        rest,
        entries(lineAt, node, rest),
      );
      if (!best) break;
      at = best.at.line;
      rest = best.rest;
      node = rest === "" ? undefined : valueNode(lineAt, best.at.line, best.at.value, node.col);
    } else {
      const step = nextIndex(rest);
      const item = step && seqItem(lineAt, node, step.index);
      if (!step || !item) break;
      at = item.line;
      rest = step.rest;
      node = item.node;
    }
  }
  return at;
}

/**
 * The lines of a mapping's entries at its column, with each key and what follows its colon (up to
 * a key that is all of `rest`).
 */
function entries(
  lineAt: LineAt,
  node: BlockNode,
  rest: string,
): Array<{ key: string; at: { line: number; value: string } }> {
  const out: Array<{ key: string; at: { line: number; value: string } }> = [];
  for (let n = node.line; ; n++) {
    const indent = n === node.line ? node.col : indentOf(lineAt, n);
    if (indent === "end") break;
    if (indent === "blank") continue;
    if (indent < node.col) break;
    if (indent > node.col) continue; // deeper
    const s = lineAt.text(n) as string;
    if (isDash(s.slice(indent))) continue; // a same-column sequence value
    const entry = keyEntry(s.slice(indent));
    if (!entry) throw UNSURE;
    out.push({ key: entry.key, at: { line: n, value: entry.value } });
    if (entry.key === rest) break; // the whole rest: no longer key can fit (`n` does not end `n.`)
  }
  return out;
}

/** The node a key's value starts, or undefined when the path cannot go deeper (a one-line value). */
function valueNode(lineAt: LineAt, line: number, value: string, col: number): BlockNode | undefined {
  if (value !== "") return oneLine(value);
  const next = nextContent(lineAt, line + 1);
  if (!next) return undefined;
  const { n, indent, s } = next;
  if (indent > col || (indent === col && isDash(s.slice(indent)))) return nodeAt(s.slice(indent), n, indent);
  return undefined; // null
}

/** Item `index` of a sequence: its line, and its node when it is a collection. */
function seqItem(
  lineAt: LineAt,
  seq: BlockNode,
  index: number,
): { line: number; node?: BlockNode } | undefined {
  let count = -1;
  for (let n = seq.line; ; n++) {
    const indent = n === seq.line ? seq.col : indentOf(lineAt, n);
    if (indent === "end") return undefined;
    if (indent === "blank") continue;
    if (indent < seq.col) return undefined;
    if (indent > seq.col) continue;
    const s = lineAt.text(n) as string;
    if (!isDash(s.slice(indent))) return undefined;
    if (++count < index) continue;
    let k = indent + 1;
    while (s[k] === " ") k++;
    const content = s.slice(k);
    if (content === "" || content.startsWith("#")) {
      const next = nextContent(lineAt, n + 1);
      if (!next || next.indent <= seq.col) throw UNSURE; // an empty item
      return { line: next.n, node: nodeAt(next.s.slice(next.indent), next.n, next.indent) };
    }
    if (!isDash(content) && !isKeyLine(content) && /:(?: |$)/.test(content)) throw UNSURE; // a key not read
    const node = isDash(content) || isKeyLine(content) ? nodeAt(content, n, k) : oneLine(content);
    return node ? { line: n, node } : { line: n };
  }
}

function nodeAt(content: string, line: number, col: number): BlockNode {
  if (isDash(content)) return { kind: "seq", line, col };
  if (isKeyLine(content)) return { kind: "map", line, col };
  throw UNSURE;
}

/** A value on the key's or dash's own line: nothing deeper is on another line, or UNSURE. */
function oneLine(value: string): undefined {
  const c = value[0];
  if (c === "&" || c === "!" || c === "*" || c === "|" || c === ">" || c === "?" || c === "%") throw UNSURE;
  if ((c === '"' || c === "'" || c === "{" || c === "[") && !closesOnLine(value)) throw UNSURE;
  return undefined;
}

/** True when the quoted scalar or flow collection at the start of `s` ends on this line. */
function closesOnLine(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '"' || c === "'") {
      const end = quoteEnd(s, i);
      if (end < 0) return false;
      i = end;
    } else if (c === "{" || c === "[") depth++;
    else if (c === "}" || c === "]") depth--;
    else if (c === "#" && s[i - 1] === " ") return false;
    if (depth === 0) return true;
  }
  return false;
}

function quoteEnd(s: string, from: number): number {
  const q = s[from];
  for (let i = from + 1; i < s.length; i++) {
    if (q === '"' && s[i] === "\\") i++;
    else if (s[i] === q) {
      if (q === "'" && s[i + 1] === "'") i++;
      else return i;
    }
  }
  return -1;
}

const PLAIN_KEY = /^[A-Za-z_][-A-Za-z0-9_./]*$/;
const NOT_STRINGS = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$/;

/** `key: value` with a plain name or a simple quoted key: the key as JSON has it and the value text. */
function keyEntry(content: string): { key: string; value: string } | undefined {
  let key: string;
  let i: number;
  const q = content[0];
  if (q === '"' || q === "'") {
    const end = quoteEnd(content, 0);
    if (end < 0) return undefined;
    const inner = content.slice(1, end);
    if (q === '"' && inner.includes("\\")) return undefined;
    key = q === "'" ? inner.replaceAll("''", "'") : inner;
    i = end + 1;
    while (content[i] === " ") i++;
    if (content[i] !== ":") return undefined;
  } else {
    i = content.indexOf(":");
    if (i < 0) return undefined;
    key = content.slice(0, i).trimEnd();
    if (!PLAIN_KEY.test(key) || NOT_STRINGS.test(key)) return undefined;
  }
  const after = content.slice(i + 1);
  if (after !== "" && after[0] !== " ") return undefined;
  const value = after.trim();
  return { key, value: value.startsWith("#") ? "" : value };
}

function isKeyLine(content: string): boolean {
  return keyEntry(content) !== undefined;
}

function isDash(content: string): boolean {
  return content === "-" || content.startsWith("- ");
}

/** The next line from `n` with content (not blank, not only a comment). */
function nextContent(lineAt: LineAt, from: number): { n: number; indent: number; s: string } | undefined {
  for (let n = from; ; n++) {
    const indent = indentOf(lineAt, n);
    if (indent === "end") return undefined;
    if (indent !== "blank") return { n, indent, s: lineAt.text(n) as string };
  }
}

/** The line's indentation, `blank` or `end`; UNSURE when a tab indents it. */
function indentOf(lines: Lines, n: number): number | "blank" | "end" {
  const indent = lines.indent(n);
  if (indent === "tab") throw UNSURE;
  return indent;
}
