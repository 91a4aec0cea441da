/**
 * The upstream truth-table rendering of a matrix: one table per port, rows = from, columns = to,
 * `.` allowed and `X` denied (or any one-character mark the caller chooses, e.g. for the lab).
 */
import type { Protocol } from "../k8s/model.js";

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

/** Renders the tables, one per port, separated by a blank line; `mark` gives each cell's character. */
export function formatMatrixTable<R extends TableCell & { readonly allowed?: boolean }>(
  m: TableInput<R>,
  mark: (r: R | undefined) => string = (r) => (r?.allowed ? "." : "X"),
): string {
  const width = Math.max(1, ...m.pods.map((p) => p.length));
  const byCell = new Map(m.results.map((r) => [`${r.protocol}/${r.port} ${r.from} ${r.to}`, r]));
  const blocks = m.ports.map(({ port, protocol }) => {
    const lines = [
      `${protocol}/${port}`,
      `${"-".padEnd(width)}  ${m.pods.map((p) => p.padEnd(width)).join("  ")}`.trimEnd(),
    ];
    for (const from of m.pods) {
      const cells = m.pods.map((to) => mark(byCell.get(`${protocol}/${port} ${from} ${to}`)).padEnd(width));
      lines.push(`${from.padEnd(width)}  ${cells.join("  ")}`.trimEnd());
    }
    return lines.join("\n");
  });
  return `${blocks.join("\n\n")}\n`;
}
