/**
 * `simulate --group-by workload --format table`: the grouped matrix in the layout of the ungrouped
 * table (matrix-table.ts), `~` for a mixed cell, and under the tables the legend of every symbol
 * other than `.` and `X` that appears and, for each mixed cell, which member sub-groups get what.
 */
import type { Cell } from "../policy/matrix-engine.js";
import type { GroupedMatrix, SplitPart, SubGroup } from "./group-by.js";
import type { CliIo } from "./io.js";
import { cellMark, MARKS, type MarkRows, noteTally, notEvaluatedLegend, tableLines } from "./matrix-table.js";
import type { Progress } from "./progress.js";
import { writeTableBytes } from "./table-bytes.js";

/** How many mixed cells the table explains; the JSON output has every split. */
const MIXED_SHOWN = 50;

/** The grouped tables, then the legend and the mixed cells' splits; line by line. */
export function* groupedTableLines(g: GroupedMatrix, mixedShown = MIXED_SHOWN): Generator<string> {
  const { table, tail } = groupedTable(g, mixedShown);
  yield* tableLines(table);
  const text = tail();
  if (text) yield text;
}

/** The same bytes as `groupedTableLines`, written to stdout as bytes (table-bytes.ts). */
export function writeGroupedTable(io: CliIo, g: GroupedMatrix, progress?: Progress): Promise<void> {
  const { table, tail } = groupedTable(g, MIXED_SHOWN);
  return writeTableBytes(io, table, tail, progress);
}

/** The grouped marks, and what goes under the tables once every mark was read. */
function groupedTable(g: GroupedMatrix, mixedShown: number): { table: MarkRows; tail: () => string } {
  const tally = noteTally();
  const mixed: string[] = [];
  let mixedCount = 0;
  const table: MarkRows = {
    ports: g.ports,
    names: g.groups.map((x) => x.name),
    marks: (k, row) =>
      g.groups.map((_, col) => {
        const cell = g.cell(row, col, k);
        if (cell.kind !== "mixed") return cellMark(cell, tally);
        mixedCount++;
        if (mixed.length < mixedShown) {
          const { port, protocol } = g.ports[k] as GroupedMatrix["ports"][number];
          const from = (g.groups[row] as GroupedMatrix["groups"][number]).name;
          const to = (g.groups[col] as GroupedMatrix["groups"][number]).name;
          mixed.push(`  ${protocol}/${port} ${from} -> ${to}: ${cell.split.map(partText).join("; ")}`);
        }
        return MARKS.mixed;
      }),
  };
  const tail = (): string => {
    const legend = [
      ...notEvaluatedLegend(tally),
      ...(mixedCount > 0 ? [`${MARKS.mixed}  mixed: the members' verdicts differ, as follows`] : []),
    ];
    if (legend.length === 0) return "";
    const more =
      mixedCount > mixed.length
        ? `  … and ${mixedCount - mixed.length} more mixed cells (--format json lists every split)\n`
        : "";
    return `\n${legend.join("\n")}\n${mixed.map((line) => `${line}\n`).join("")}${more}`;
  };
  return { table, tail };
}

function partText(p: SplitPart): string {
  return `${sub(p.from)} -> ${sub(p.to)} ${verdictText(p.cell)}`;
}

function sub(s: SubGroup): string {
  return `${s.name} (${s.members.length} member${s.members.length === 1 ? "" : "s"})`;
}

function verdictText(c: Cell): string {
  switch (c.kind) {
    case "evaluated":
      return c.allowed ? "allowed" : "denied";
    case "not-evaluated":
      return `not evaluated (${c.note})`;
  }
}
