/**
 * The upstream truth-table rendering of a matrix: one table per port, rows = from, columns = to,
 * `.` allowed, `X` denied, `-` not evaluated (issue 12: "a cell that was not evaluated … never prints
 * as denied: its own symbol in the table with a legend"), or any one-character mark the caller
 * chooses (e.g. for the lab). Tables are produced line by line, so a caller can stream a matrix of
 * thousands of entries without holding it.
 */
import { compareStrings } from "../base/compare.js";
import type { Protocol } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Cell, MatrixEngine } from "../policy/matrix-engine.js";
import type { CliIo } from "./io.js";
import type { Progress } from "./progress.js";
import { writeTableBytes } from "./table-bytes.js";

/** The table's symbols. */
export const MARKS = { allowed: ".", denied: "X", notEvaluated: "-", mixed: "~" } as const;

/** A matrix as marks, computed row by row when printed. */
export interface MarkRows {
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;
  /** The rows and the columns. */
  readonly names: readonly string[];
  /** One mark per column of `names`, for row `row` on `ports[portIndex]`. */
  marks(portIndex: number, row: number): readonly string[];
}

/** The tables' lines, each ending in a newline; tables are separated by an empty line. */
export function* tableLines(src: MarkRows): Generator<string> {
  const width = Math.max(1, ...src.names.map((p) => p.length));
  const padded = new Map<string, string>();
  const pad = (mark: string) => {
    let p = padded.get(mark);
    if (p === undefined) padded.set(mark, (p = mark.padEnd(width)));
    return p;
  };
  const header = `${"-".padEnd(width)}  ${src.names.map((p) => p.padEnd(width)).join("  ")}`.trimEnd();
  for (const [k, { port, protocol }] of src.ports.entries()) {
    if (k > 0) yield "\n";
    yield `${protocol}/${port}\n${header}\n`;
    for (const [row, from] of src.names.entries()) {
      yield `${`${from.padEnd(width)}  ${src.marks(k, row).map(pad).join("  ")}`.trimEnd()}\n`;
    }
  }
}

/** Counts the notes of not-evaluated cells for the legend. */
export interface NoteTally {
  add(note: string, cells?: number): void;
  readonly notes: ReadonlyMap<string, number>;
}

/** An empty tally. */
export function noteTally(): NoteTally {
  const notes = new Map<string, number>();
  return { notes, add: (note, cells = 1) => void notes.set(note, (notes.get(note) ?? 0) + cells) };
}

/** The legend line for `-` (when any cell was not evaluated): the reasons, most frequent first. */
export function notEvaluatedLegend(tally: NoteTally, shown = 5): string[] {
  if (tally.notes.size === 0) return [];
  const ranked = [...tally.notes.entries()].sort(([a, x], [b, y]) => y - x || compareStrings(a, b));
  const listed = ranked
    .slice(0, shown)
    .map(([note, n]) => `${note} (${n} cell${n === 1 ? "" : "s"})`)
    .join("; ");
  const more = ranked.length > shown ? `; and ${ranked.length - shown} other reasons` : "";
  return [`${MARKS.notEvaluated}  not evaluated (never read this as denied): ${listed}${more}`];
}

/** The mark of an engine cell; a not-evaluated cell's note goes to the tally. */
export function cellMark(cell: Cell, tally: NoteTally): string {
  switch (cell.kind) {
    case "evaluated":
      return cell.allowed ? MARKS.allowed : MARKS.denied;
    case "not-evaluated":
      tally.add(cell.note);
      return MARKS.notEvaluated;
  }
}

/** What a table needs: ports, pods, and one result per (port, from, to). */
export interface TableInput<R extends TableCell> {
  readonly ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;
  readonly pods: readonly string[];
  readonly results: readonly R[];
}

/** The identity of a cell. */
export interface TableCell {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
}

/** A materialised result: `allowed: null` is a cell that was not evaluated (why in `note`). */
type Result = TableCell & { readonly allowed?: boolean | null; readonly note?: string };

/** The not-evaluated note of a cell missing from the results (filtered out by --from/--to). */
export const FILTERED_OUT = "filtered out by --from/--to";

/**
 * Renders materialised results. With the default marks a missing result (filtered out) or one with
 * `allowed: null` prints `-`, and the legend follows; a caller's `mark` brings its own legend.
 */
export function formatMatrixTable<R extends Result>(
  m: TableInput<R>,
  mark?: (r: R | undefined) => string,
): string {
  const tally = noteTally();
  const byCell = new Map(m.results.map((r) => [`${r.protocol}/${r.port} ${r.from} ${r.to}`, r]));
  const markOf =
    mark ??
    ((r: R | undefined) => {
      if (r === undefined || r.allowed === null || r.allowed === undefined) {
        tally.add(r?.note ?? FILTERED_OUT);
        return MARKS.notEvaluated;
      }
      return r.allowed ? MARKS.allowed : MARKS.denied;
    });
  const lines = [
    ...tableLines({
      ports: m.ports,
      names: m.pods,
      marks: (k, row) => {
        const { port, protocol } = m.ports[k] as TableInput<R>["ports"][number];
        const from = m.pods[row] as string;
        return m.pods.map((to) => markOf(byCell.get(`${protocol}/${port} ${from} ${to}`)));
      },
    }),
  ];
  const legend = notEvaluatedLegend(tally);
  return lines.join("") + (legend.length > 0 ? `\n${legend.join("\n")}\n` : "");
}

/**
 * The ungrouped `simulate --format table` straight from the engine, row by row: rows and columns
 * are the engine's entries; a row that is not a source or a column that is not a destination prints
 * `-` (filtered out), as does every cell the engine did not evaluate.
 */
export function* engineTableLines(engine: MatrixEngine): Generator<string> {
  const { table, tail } = engineTable(engine);
  yield* tableLines(table);
  const text = tail();
  if (text) yield text;
}

/** The same bytes as `engineTableLines`, written to stdout as bytes (table-bytes.ts). */
export function writeEngineTable(io: CliIo, engine: MatrixEngine, progress?: Progress): Promise<void> {
  const { table, tail } = engineTable(engine);
  return writeTableBytes(io, table, tail, progress);
}

/** The engine's marks, and the legend once every mark was read. */
function engineTable(engine: MatrixEngine): { table: MarkRows; tail: () => string } {
  const tally = noteTally();
  const sources = new Map(engine.sources.map((p) => [refOf(p), p]));
  const destIndex = new Map(engine.destinations.map((p, j) => [refOf(p), j]));
  const columns = engine.entries.map((ref) => destIndex.get(ref) ?? -1);
  const table: MarkRows = {
    ports: engine.ports,
    names: engine.entries,
    marks: (k, row) => {
      const from = sources.get(engine.entries[row] as string);
      if (!from) {
        tally.add(FILTERED_OUT, columns.length);
        return columns.map(() => MARKS.notEvaluated);
      }
      const cells = engine.row(from, k);
      return columns.map((j) => {
        if (j >= 0) return cellMark(cells[j] as Cell, tally);
        tally.add(FILTERED_OUT);
        return MARKS.notEvaluated;
      });
    },
  };
  const tail = (): string => {
    const legend = notEvaluatedLegend(tally);
    return legend.length > 0 ? `\n${legend.join("\n")}\n` : "";
  };
  return { table, tail };
}
