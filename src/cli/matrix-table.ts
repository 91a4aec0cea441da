/**
 * The upstream truth-table rendering of a matrix: one table per port, rows = from, columns = to,
 * `.` allowed and `X` denied.
 */
import type { Matrix } from "../policy/matrix.js";

/** Renders the tables, one per port, separated by a blank line. */
export function formatMatrixTable(m: Matrix): string {
  const width = Math.max(1, ...m.pods.map((p) => p.length));
  const blocks: string[] = [];
  const allowed = new Map(m.results.map((r) => [`${r.protocol}/${r.port} ${r.from} ${r.to}`, r.allowed]));
  for (const { port, protocol } of m.ports) {
    const lines = [`${protocol}/${port}`];
    lines.push(`${"-".padEnd(width)}  ${m.pods.map((p) => p.padEnd(width)).join("  ")}`.trimEnd());
    for (const from of m.pods) {
      const cells = m.pods.map((to) =>
        (allowed.get(`${protocol}/${port} ${from} ${to}`) ? "." : "X").padEnd(width),
      );
      lines.push(`${from.padEnd(width)}  ${cells.join("  ")}`.trimEnd());
    }
    blocks.push(lines.join("\n"));
  }
  return `${blocks.join("\n\n")}\n`;
}
