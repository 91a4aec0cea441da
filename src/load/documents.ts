/**
 * Turns the text of one input (a file or stdin) into JSON values, each with the line it starts on.
 * Multi-document YAML, JSON, and `List`/`*List` wrappers (their items are unwrapped) are accepted.
 * A malformed document is reported with its line and skipped; the others still load.
 */
import { type Document, isMap, isNode, isSeq, parseAllDocuments } from "yaml";
import { appendAll } from "../base/append-all.js";
import { error, type Issue, type ObjectRef, type SourcePos } from "../issue/issue.js";
import { clipName } from "../issue/quote.js";
import { isObject } from "../k8s/fields.js";
import { firstDuplicateKey, listItemOffsets } from "./json-scan.js";
import { lineIndex } from "./line-index.js";
import { listItems, pushObjects } from "./list-items.js";
import { MAX_NESTING, nestingBound } from "./nesting.js";
import { scanBlockStream, type StreamSegment } from "./yaml-block.js";
import { problemOffset, type SyntaxProblem } from "./yaml-errors.js";
import { collectionKeyProblems } from "./yaml-keys.js";
import { yamlPathAt } from "./yaml-path.js";

/** One Kubernetes object as read from an input, before decoding. */
export interface RawObject {
  readonly value: unknown;
  readonly source: SourcePos;
}

/** The objects and problems found in one input. */
export interface ParsedInput {
  readonly objects: RawObject[];
  readonly issues: Issue[];
}

/** How strictly to parse. */
export interface ParseOptions {
  /**
   * Report duplicate keys in JSON too (JSON.parse keeps the last of them silently): JSON with a
   * duplicate key goes to the YAML parser, which reports it. `validate` needs that.
   */
  readonly strictJson?: boolean;
}

/** Parses an input's text. `file` is only used for positions. */
export function parseDocuments(file: string, text: string, opts: ParseOptions = {}): ParsedInput {
  const trimmed = text.trimStart();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const fast = parseJson(file, text, opts.strictJson ?? false);
    if (fast) return fast;
  }
  return parseYaml(file, text);
}

/**
 * Fast path for JSON (what `kubectl get -o json` prints): JSON.parse plus a scan for item lines.
 * Malformed JSON, and with `strict` JSON with a duplicate key, is left to the YAML parser, which
 * reports the problem with its line.
 */
function parseJson(file: string, text: string, strict: boolean): ParsedInput | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (strict && firstDuplicateKey(text) !== undefined) return undefined;
  const lineAt = lineIndex(text);
  const objects: RawObject[] = [];
  let offsets: number[] | undefined; // of a List's items, scanned only for a List
  pushObjects(objects, value, file, lineAt(text.length - text.trimStart().length), (i) => {
    offsets ??= listItemOffsets(text);
    const at = offsets[i];
    return at === undefined ? undefined : lineAt(at);
  });
  return { objects, issues: [] };
}

/**
 * YAML: documents in the common block style are read by the fast reader (yaml-block.ts); the
 * rest, with every error, by the full YAML 1.2 parser.
 */
function parseYaml(file: string, text: string, read = true): ParsedInput {
  const segments = scanBlockStream(text, { read });
  if (!segments) return parseYamlFully(file, text);
  const full = segments.flatMap((seg) =>
    seg.kind === "full" ? [parseYamlFully(file, seg.text, seg.lineOffset)] : [],
  );
  return joinSegments(file, segments, full);
}

/**
 * The objects and issues of a scanned stream, in stream order: documents the fast reader read, and
 * `full[k]`, what the full parser made of the k-th segment left to it (on any thread).
 */
export function joinSegments(
  file: string,
  segments: readonly StreamSegment[],
  full: readonly ParsedInput[],
): ParsedInput {
  const objects: RawObject[] = [];
  const issues: Issue[] = [];
  let k = 0;
  for (const seg of segments) {
    if (seg.kind === "full") {
      const r = full[k++];
      if (!r) throw new Error("joinSegments: a full segment has no result");
      appendAll(objects, r.objects);
      appendAll(issues, r.issues);
      continue;
    }
    if (seg.value === null) continue;
    pushObjects(objects, seg.value, file, seg.line + 1, (i) => {
      const at = seg.itemLines?.[i];
      return at === undefined ? undefined : at + 1;
    });
  }
  return { objects, issues };
}

/**
 * YAML read by the full parser only, one document at a time: the reference the fast reader is
 * tested against (it must give exactly the same objects, lines and issues).
 */
export function parseYamlReference(file: string, text: string): ParsedInput {
  return parseYaml(file, text, false);
}

/**
 * Set once the `yaml` package has overflowed the stack in this process. After that a later call can
 * exhaust memory in V8's regular-expression compiler and end the process, so the parser is not used
 * again: the nesting bound below keeps deep texts away from it, and this latch covers what the bound
 * might miss. (Process-wide on purpose: the hazard is the process's, not one input's.)
 */
let parserOverflowed = false;

// logLevel "error": the package never writes to our stderr; what it would warn about (a collection
// as a mapping key) is reported as an issue instead (yaml-keys.ts).
const parseAll = (text: string) =>
  parseAllDocuments(text, { uniqueKeys: true, prettyErrors: false, logLevel: "error" });

/**
 * The full YAML 1.2 parser on a whole text (the documents are not split first). `parse` is the
 * `yaml` package's, injected only so a test can make it overflow.
 */
export function parseYamlFully(file: string, text: string, offset = 0, parse = parseAll): ParsedInput {
  const notParsed = (message: string, line: number): ParsedInput => ({
    objects: [],
    issues: [{ ...error("malformed-document", "", message), source: { file, line: line + offset } }],
  });
  const nesting = nestingBound(text);
  if (nesting.depth > MAX_NESTING)
    return notParsed(`nested more than ${MAX_NESTING} levels deep; not parsed`, nesting.line);
  if (parserOverflowed)
    return notParsed("not parsed: the YAML parser overflowed its stack on an earlier document", 1);
  let docs: ReturnType<typeof parseAll>;
  try {
    docs = parse(text);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    parserOverflowed = true;
    return notParsed(`not parsed: ${e.message}`, 1);
  }
  if (docs.some((d) => d.errors.some((e) => e.message.includes("call stack")))) parserOverflowed = true;
  // Lines come from the text itself: the parser's LineCounter misses line breaks that its lexer
  // skips while recovering from an error, so it numbers every later line one too low.
  const input: ParsedText = { file, text, offset, lineAt: lineIndex(text) };
  const parsed: ParsedInput = { objects: [], issues: [] };
  for (const doc of docs) readParsedDocument(input, doc, parsed);
  return parsed;
}

/** A text the `yaml` package parsed: its file, the lines before it there, and the line of an offset. */
interface ParsedText {
  readonly file: string;
  readonly text: string;
  readonly offset: number;
  readonly lineAt: (offset: number) => number;
}

/** One parsed document's objects, or its problems (a document with problems is not used), into `out`. */
function readParsedDocument(input: ParsedText, doc: Document.Parsed, out: ParsedInput): void {
  const { file, offset, lineAt } = input;
  const line = lineAt(doc.contents?.range[0] ?? doc.range[0]) + offset;
  const problems = documentProblems(input, doc, line);
  if (problems.length > 0) {
    appendAll(out.issues, problems);
    return;
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    // Not in doc.errors: an alias to an unknown anchor, an alias bomb past maxAliasCount, or (a
    // RangeError) a value nested too deeply to copy.
    if (e instanceof RangeError) parserOverflowed = true;
    const message = firstLine(e instanceof Error ? e.message : String(e));
    out.issues.push({ ...error("malformed-document", "", message), source: { file, line } });
    return;
  }
  if (value === null || value === undefined) return; // an empty document, e.g. after a trailing `---`
  const seq = isMap(doc.contents) ? doc.contents.get("items", true) : undefined;
  pushObjects(out.objects, value, file, line, (i) => {
    const node = isSeq(seq) ? seq.items[i] : undefined;
    const start = isNode(node) ? node.range?.[0] : undefined;
    return start !== undefined ? lineAt(start) + offset : undefined;
  });
}

/**
 * The errors the parser reported in a document (duplicate keys at their field path), or else its
 * keys that JSON cannot hold, as issues at their lines.
 */
function documentProblems(input: ParsedText, doc: Document.Parsed, line: number): Issue[] {
  const { file, text, offset, lineAt } = input;
  const problems =
    doc.errors.length > 0
      ? doc.errors.map((e) => ({
          code: e.code,
          at: realOffset(text, doc, { code: e.code, message: e.message, at: e.pos[0] }),
          message: firstLine(e.message),
        }))
      : collectionKeyProblems(doc).map((p) => ({ ...p, code: "" }));
  return problems.map((p) => {
    const at = lineAt(p.at) + offset;
    if (p.code === "DUPLICATE_KEY") return { ...duplicateKey(doc, p.at), source: { file, line: at } };
    const where = at === line ? "" : ` (in the document starting at line ${line})`;
    return { ...error("malformed-document", "", `${p.message}${where}`), source: { file, line: at } };
  });
}

/** Where a syntax error really is, looked for in the text of its own document only. */
function realOffset(text: string, doc: Document.Parsed, p: SyntaxProblem): number {
  const [start, , end] = doc.range;
  return start + problemOffset(text.slice(start, end), { ...p, at: p.at - start });
}

/**
 * A duplicate mapping key (`kubectl apply` and the API server's strict decoding reject the object):
 * at its field path, inside the `List` item that holds it when the document is a `List`.
 */
function duplicateKey(doc: Document.Parsed, at: number): Issue {
  const found = yamlPathAt(doc, at);
  let path = found.path;
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch {
    value = undefined;
  }
  const item = /^items\[(\d+)\]\.?/.exec(path);
  const items = listItems(value);
  if (item && items) {
    value = items[Number(item[1])];
    path = path.slice(item[0].length);
  }
  const issue = error(
    "duplicate-key",
    path,
    `duplicate key${found.key === undefined ? "" : ` ${JSON.stringify(found.key)}`}: a mapping may hold each key once (kubectl and the API server reject the object)`,
  );
  const object = objectRef(value);
  return object ? { ...issue, object } : issue;
}

/** Kind, namespace and name of an object, when it has a kind. */
function objectRef(value: unknown): ObjectRef | undefined {
  if (!isObject(value) || typeof value.kind !== "string") return undefined;
  const meta = isObject(value.metadata) ? value.metadata : {};
  return {
    kind: value.kind,
    ...(typeof meta.namespace === "string" ? { namespace: meta.namespace } : {}),
    ...(typeof meta.name === "string" ? { name: meta.name } : {}),
  };
}

/** A parser message's first line; long ones (quoting a tag or token of the input) are cut short. */
function firstLine(message: string): string {
  return clipName(message.split("\n")[0] ?? message, 160);
}
