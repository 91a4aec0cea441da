/**
 * The YAML readers compared for issue 13's decision on the hand-written fast reader: each turns an
 * input's text into what loading needs (every object with the line it starts on, a `List`'s items
 * at their own lines, syntax and duplicate-key errors with their lines), so each does the same work.
 *
 * - `fast`: the loading path as it stands (`parseDocuments`).
 * - `yaml`: the `yaml` package on every document (`parseYamlReference`: the same split at `---`
 *   lines, then `parseAllDocuments` + `toJS` per document): what loading is without the fast reader.
 * - `yaml-lc`: `parseAllDocuments` on the whole text with a `LineCounter` for the lines.
 * - `js-yaml`: js-yaml's `load` (core schema, duplicate keys are errors) per document of the same
 *   split (`loadAll` stops at the first error of a stream), with a `listener` recording the line of
 *   every collection (the start of each object and of each `List` item).
 *
 * Each round runs every reader in a fresh process (so peak RSS is that reader's own), in an order
 * rotated from round to round; the figures are medians over rounds.
 * Run: `node --expose-gc dist-bench/bench/yaml-readers.js [rounds]` (after `tsc -p tsconfig.bench.json`).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { CORE_SCHEMA, load, type State } from "js-yaml";
import { isMap, isNode, isSeq, LineCounter, parseAllDocuments, stringify } from "yaml";
import { error, type Issue } from "../src/issue/issue.js";
import {
  type ParsedInput,
  parseDocuments,
  parseYamlReference,
  type RawObject,
} from "../src/load/documents.js";
import { syntheticCluster } from "./synthetic.js";

/** One way of reading YAML text into objects with lines. */
type Reader = (file: string, text: string) => ParsedInput;

/** The `yaml` package on the whole text, lines by its LineCounter. */
function yamlLineCounter(file: string, text: string): ParsedInput {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    logLevel: "error",
  });
  const objects: RawObject[] = [];
  const issues: Issue[] = [];
  const lineAt = (offset: number) => lineCounter.linePos(offset).line;
  for (const doc of docs) {
    const line = lineAt(doc.contents?.range[0] ?? doc.range[0]);
    for (const e of doc.errors)
      issues.push({
        ...error("malformed-document", "", e.message),
        source: { file, line: lineAt(e.pos[0]) },
      });
    if (doc.errors.length > 0) continue;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      issues.push({ ...error("malformed-document", "", (e as Error).message), source: { file, line } });
      continue;
    }
    if (value === null || value === undefined) continue;
    const items = isMap(doc.contents) ? doc.contents.get("items", true) : undefined;
    pushAll(objects, value, file, line, (i) => {
      const node = isSeq(items) ? items.items[i] : undefined;
      const start = isNode(node) ? node.range?.[0] : undefined;
      return start === undefined ? undefined : lineAt(start);
    });
  }
  return { objects, issues };
}

/** The documents of a stream split at `---` lines: each one's text and its first line (0-based). */
function splitDocuments(text: string): Array<{ text: string; from: number }> {
  const lines = text.split("\n");
  const out: Array<{ text: string; from: number }> = [];
  let from = 0;
  for (let i = 1; i <= lines.length; i++) {
    if (i < lines.length && !/^---(?:[ \t\r]|$)/.test(lines[i] as string)) continue;
    out.push({ text: lines.slice(from, i).join("\n"), from });
    from = i;
  }
  return out;
}

/** js-yaml per document, with a listener recording the (0-based) line each collection opens at. */
function jsYaml(file: string, text: string): ParsedInput {
  const objects: RawObject[] = [];
  const issues: Issue[] = [];
  for (const doc of splitDocuments(text)) {
    const opened: number[] = [];
    const lines = new Map<object, number>();
    const listener = (event: "open" | "close", state: State) => {
      if (event === "open") opened.push(state.line);
      else {
        const line = opened.pop() as number;
        const result: unknown = state.result;
        if (typeof result === "object" && result !== null) lines.set(result, line);
      }
    };
    let value: unknown;
    try {
      value = load(doc.text, { schema: CORE_SCHEMA, listener });
    } catch (e) {
      const line = doc.from + 1 + ((e as { mark?: { line: number } }).mark?.line ?? 0);
      issues.push({ ...error("malformed-document", "", (e as Error).message), source: { file, line } });
      continue;
    }
    if (value === null || value === undefined) continue;
    const at = (v: unknown) => (typeof v === "object" && v !== null ? lines.get(v) : undefined);
    const items = (value as { items?: unknown }).items;
    pushAll(objects, value, file, doc.from + 1 + (at(value) ?? 0), (i) => {
      const line = Array.isArray(items) ? at(items[i]) : undefined;
      return line === undefined ? undefined : doc.from + 1 + line;
    });
  }
  return { objects, issues };
}

/** A document's object, or a `List`'s items at their own lines (as documents.ts does). */
function pushAll(
  objects: RawObject[],
  value: unknown,
  file: string,
  line: number,
  itemLine: (i: number) => number | undefined,
): void {
  const v = value as { kind?: unknown; items?: unknown };
  if (typeof v.kind !== "string" || !v.kind.endsWith("List") || !Array.isArray(v.items)) {
    objects.push({ value, source: { file, line } });
    return;
  }
  v.items.forEach((item: unknown, i) =>
    objects.push({ value: item, source: { file, line: itemLine(i) ?? line } }),
  );
}

/** The readers by name; the first is the loading path as it stands, the others are compared with it. */
export const READERS: Readonly<Record<string, Reader>> = {
  fast: parseDocuments,
  yaml: parseYamlReference,
  "yaml-lc": yamlLineCounter,
  "js-yaml": jsYaml,
};

/** One reader's run in this process over files: wall time, peak RSS, and what it read. */
function measure(reader: Reader, files: readonly string[]) {
  const texts = files.map((f) => ({ f, t: readFileSync(f, "utf8") }));
  const baseRssMB = process.memoryUsage().rss / 1e6;
  const t0 = process.hrtime.bigint();
  const parsed = texts.map(({ f, t }) => reader(f, t));
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const peakRssMB = process.resourceUsage().maxRSS / 1024;
  const objects = parsed.reduce((n, p) => n + p.objects.length, 0);
  const issues = parsed.reduce((n, p) => n + p.issues.length, 0);
  const digest = JSON.stringify(parsed.map((p) => p.objects.map((o) => [o.source.line, o.value])));
  return { ms, peakRssMB, baseRssMB, objects, issues, digestLength: digest.length, digest: hash(digest) };
}

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** The YAML files under a folder, sorted. */
function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((f) => {
      const p = join(dir, f);
      if (statSync(p).isDirectory()) return yamlFiles(p);
      return /\.ya?ml$/.test(f) ? [p] : [];
    });
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

/** Every reader on every input, `rounds` interleaved rounds; the rows of a Markdown table. */
export function yamlReadersTable(rounds: number): string[] {
  const dir = mkdtempSync(join(tmpdir(), "netguard-bench-yaml-"));
  try {
    const cluster = join(dir, "cluster.yaml");
    writeFileSync(
      cluster,
      syntheticCluster({ pods: 10000, policies: 2000 })
        .map((o) => stringify(o))
        .join("---\n"),
    );
    const inputs = [
      { name: "synthetic 10,000 pods / 2,000 policies", files: [cluster] },
      { name: "examples/ (every .yaml file)", files: yamlFiles("examples") },
    ];
    return inputs.flatMap((input) => inputRows(input.name, input.files, rounds));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function inputRows(name: string, files: readonly string[], rounds: number): string[] {
  const names = Object.keys(READERS);
  const runs = new Map(names.map((n) => [n, [] as Array<ReturnType<typeof measure>>]));
  const self = fileURLToPath(import.meta.url);
  for (let r = 0; r < rounds; r++)
    for (let k = 0; k < names.length; k++) {
      const reader = names[(r + k) % names.length] as string;
      const out = execFileSync(process.execPath, [self, "--child", reader, ...files], { encoding: "utf8" });
      runs.get(reader)?.push(JSON.parse(out) as ReturnType<typeof measure>);
    }
  const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
  const first = runs.get(names[0] as string) ?? [];
  const firstMs = median(first.map((x) => x.ms));
  return names.map((n) => {
    const xs = runs.get(n) ?? [];
    const ms = median(xs.map((x) => x.ms));
    const rss = (k: "peakRssMB" | "baseRssMB") => median(xs.map((x) => x[k])).toFixed(0);
    const same = xs[0]?.digest === first[0]?.digest && xs[0]?.issues === first[0]?.issues;
    return `| ${name} | ${(bytes / 1e6).toFixed(2)} MB, ${files.length} file(s), ${xs[0]?.objects} objects | ${n} | ${ms.toFixed(1)} ms | ${rss("peakRssMB")} MB (${rss("baseRssMB")} before reading) | ${(ms / firstMs).toFixed(2)} | ${same ? "same" : "DIFFERENT"} |`;
  });
}

/** Characters that matter to YAML's syntax, for the edits below. */
const EDITS = [..."-:#'\" [ ] { } , & * ! | > ? \n\t", "- ", ": ", "---"];

/**
 * `count` edited copies of the documents of `texts` (deterministic): at a random place, up to three
 * characters deleted and one to three pieces of YAML syntax inserted. Most stay valid YAML; the
 * rest are the malformed documents a reader must reject as the `yaml` package does.
 */
function editedDocuments(texts: readonly string[], count: number): string[] {
  let seed = 7;
  const rand = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const docs = texts.flatMap((t) => t.split(/^---$/m)).filter((d) => d.trim() !== "");
  return Array.from({ length: count }, (_, k) => {
    const doc = docs[k % docs.length] as string;
    const at = Math.floor(rand() * doc.length);
    const insert = Array.from(
      { length: 1 + Math.floor(rand() * 3) },
      () => EDITS[Math.floor(rand() * EDITS.length)],
    );
    return doc.slice(0, at) + insert.join("") + doc.slice(at + Math.floor(rand() * 4));
  });
}

/** What a reading is compared by: the objects with their lines, and whether anything was reported. */
const reading = (p: ParsedInput) =>
  JSON.stringify([p.objects.map((o) => [o.source.line, o.value]), p.issues.length > 0]);

/**
 * For each reader, of `count` edited documents, how many it reads differently from the `yaml`
 * package (other objects or lines, or a problem reported by one and not the other).
 */
export function agreementRows(count: number): string[] {
  const texts = yamlFiles("examples").map((f) => readFileSync(f, "utf8"));
  texts.push(
    syntheticCluster({ pods: 200, policies: 50 })
      .map((o) => stringify(o))
      .join("---\n"),
  );
  const docs = editedDocuments(texts, count);
  const reference = docs.map((d) => reading(parseYamlReference("in.yaml", d)));
  return Object.entries(READERS).map(([name, reader]) => {
    const differ = docs.filter((d, i) => reading(reader("in.yaml", d)) !== reference[i]).length;
    return `| ${name} | ${count} | ${differ} |`;
  });
}

/** The Markdown table of every reader on every input over `rounds` interleaved rounds. */
export function yamlReadersMarkdown(rounds: number): string[] {
  return [
    `| input | size | reader | wall (median of ${rounds}) | peak RSS (median) | time ÷ ${Object.keys(READERS)[0]} | objects, lines, issues |`,
    "|---|---|---|---:|---:|---:|---|",
    ...yamlReadersTable(rounds),
    "",
    "| reader | edited documents | read differently from the yaml package |",
    "|---|---:|---:|",
    ...agreementRows(2000),
  ];
}

// Only as the main module: bench/run.ts imports this one, with arguments of its own.
if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const [flag, reader, ...files] = process.argv.slice(2);
  const r = flag === "--child" ? READERS[reader ?? ""] : undefined;
  if (flag === "--child" && !r) throw new Error(`no reader ${reader}`);
  if (r) process.stdout.write(JSON.stringify(measure(r, files)));
  else if (flag === "--agreement")
    process.stdout.write(`${agreementRows(Number(reader ?? 2000)).join("\n")}\n`);
  else process.stdout.write(`${yamlReadersMarkdown(Number(flag ?? 7)).join("\n")}\n`);
}
