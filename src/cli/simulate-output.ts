/**
 * What simulate prints besides the cells: the JSON contract's `owners`, `notes` and `errors` keys,
 * and the table's footer (policies with errors, notes), so no result reads as clean when the
 * input had errors.
 */
import type { Matrix } from "../policy/matrix.js";
import type { DryRunInput } from "./dry-run-input.js";
import { errorEntries, errorFooter } from "./input-errors.js";
import { formatMatrixTable } from "./matrix-table.js";

/** The keys every simulate JSON output ends with. */
export function jsonExtras(input: DryRunInput): Record<string, unknown> {
  return {
    owners: Object.fromEntries(input.owners),
    notes: input.notes,
    errors: errorEntries(input.issues),
  };
}

/** The whole JSON document: `ports`, `pods`, `results`, then `owners`, `notes`, `errors`. */
export function matrixJson(matrix: Matrix, input: DryRunInput): string {
  return `${JSON.stringify({ ...matrix, ...jsonExtras(input) })}\n`;
}

/** Footer lines under a table or graph: errors first, then notes. */
export function footerLines(input: DryRunInput): string[] {
  return [...errorFooter(input.issues), ...input.notes];
}

/** The legend of `-`: the notes of the cells that were not evaluated, most frequent first. */
function legend(matrix: Matrix): string[] {
  const notes = new Map<string, number>();
  for (const r of matrix.results)
    if (r.allowed === null) notes.set(r.note ?? "", (notes.get(r.note ?? "") ?? 0) + 1);
  if (notes.size === 0) return [];
  const ranked = [...notes.entries()].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : 1));
  const listed = ranked.map(([note, n]) => `${note} (${n} cell${n === 1 ? "" : "s"})`).join("; ");
  return [`-  not evaluated (never read this as denied): ${listed}`];
}

/** The truth tables (`.` allowed, `X` denied, `-` not evaluated), the footer and the legend under them. */
export function tableWithFooter(matrix: Matrix, input: DryRunInput): string {
  const footer = [...footerLines(input), ...legend(matrix)];
  const table = formatMatrixTable(matrix, (r) => (r?.allowed === null ? "-" : r?.allowed ? "." : "X"));
  return table + (footer.length > 0 ? `\n${footer.join("\n")}\n` : "");
}

/** The footer as comment lines of a DOT (`//`) or Mermaid (`%%`) graph. */
export function graphFooter(comment: string, input: DryRunInput): string {
  return footerLines(input)
    .map((l) => `${comment} ${l}\n`)
    .join("");
}
