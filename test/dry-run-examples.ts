/**
 * Helpers of the examples tests (test/dry-run-examples*.test.ts): the CLI run in process on
 * examples/chart and examples/dump, and the workload-grouped tables of `simulate` and expected.txt.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { CliIo, ExitCode } from "../src/cli/io.js";
import { runCli } from "../src/cli/main.js";
import { nodeInputFs } from "../src/load/node-fs.js";

const examples = join(import.meta.dirname, "..", "examples");
export const CHART = join(examples, "chart");
export const DUMP = join(examples, "dump");

/** The CLI run in process on the real files, stdout and stderr captured. */
export async function netguard(
  argv: readonly string[],
): Promise<{ code: ExitCode; out: string; err: string }> {
  let out = "";
  let err = "";
  const io: CliIo = {
    fs: nodeInputFs,
    out: (s) => {
      out += s;
    },
    err: (s) => {
      err += s;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
  };
  const code = await runCli(io, argv);
  return { code, out, err };
}

const MARKS = new Set([".", "X", "-", "~"]);

/** A workload-grouped table: `PROTO/port`, a header row of group names, one row per group. */
export interface GroupedTables {
  readonly ports: string[];
  readonly groups: string[];
  /** "TCP/80 from to" → mark. */
  readonly cells: Map<string, string>;
}

/**
 * Parses the tables of `simulate --format table` (or expected.txt): blocks headed `PROTO/port`;
 * rows end at the first line that is not one (the legend and footer follow the tables).
 */
export function parseTables(text: string): GroupedTables {
  const lines = text.split("\n");
  const ports: string[] = [];
  let groups: string[] = [];
  const cells = new Map<string, string>();
  for (let i = 0; i < lines.length; i++) {
    const port = (lines[i] ?? "").trim();
    if (!/^(TCP|UDP|SCTP)\/\d+$/.test(port)) continue;
    const header = (lines[i + 1] ?? "").trim().split(/\s+/);
    if (header[0] !== "-") throw new Error(`table ${port}: header row must start with '-'`);
    const names = header.slice(1);
    if (ports.length > 0 && names.join(" ") !== groups.join(" "))
      throw new Error(`table ${port}: other columns than the first table`);
    groups = names;
    ports.push(port);
    for (let r = i + 2; r < lines.length; r++) {
      const [from, ...marks] = (lines[r] ?? "").trim().split(/\s+/);
      if (
        !from ||
        !names.includes(from) ||
        marks.length !== names.length ||
        !marks.every((m) => MARKS.has(m))
      )
        break;
      marks.forEach((m, c) => cells.set(`${port} ${from} ${names[c]}`, m));
    }
  }
  return { ports, groups, cells };
}

export function expectedOf(dir: string): GroupedTables {
  const t = parseTables(readFileSync(join(dir, "expected.txt"), "utf8"));
  expect(t.cells.size).toBe(t.ports.length * t.groups.length ** 2);
  return t;
}

/** The differing cells, as lines a reader can check against the README. */
export function differences(got: GroupedTables, want: GroupedTables): string[] {
  const out: string[] = [];
  for (const [key, mark] of want.cells) {
    const g = got.cells.get(key);
    if (g !== mark) out.push(`${key}: expected ${mark}, got ${g ?? "(missing)"}`);
  }
  for (const key of got.cells.keys()) if (!want.cells.has(key)) out.push(`${key}: not expected`);
  return out;
}

export interface GroupedResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly allowed: boolean | null | "mixed";
  readonly note?: string;
  readonly split?: unknown;
}

/** The grouped JSON's cells as table marks. */
export function jsonMarks(results: readonly GroupedResult[]): Map<string, string> {
  const mark = (a: GroupedResult["allowed"]) => (a === "mixed" ? "~" : a === null ? "-" : a ? "." : "X");
  return new Map(results.map((r) => [`${r.protocol}/${r.port} ${r.from} ${r.to}`, mark(r.allowed)]));
}

/** The graph edges expected.txt implies: ports with `.`, or `~` as "(some)"; no pod-to-itself edge. */
export function expectedEdges(t: GroupedTables): string[] {
  const edges: string[] = [];
  for (const from of t.groups) {
    for (const to of t.groups) {
      if (from === to && from.split("/").length === 2) continue;
      const ports = t.ports.flatMap((p) => {
        const mark = t.cells.get(`${p} ${from} ${to}`);
        return mark === "." ? [p] : mark === "~" ? [`${p} (some)`] : [];
      });
      if (ports.length > 0) edges.push(`${from} -> ${to}: ${ports.join(", ")}`);
    }
  }
  return edges.sort();
}
