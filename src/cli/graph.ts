/**
 * `simulate --format dot|mermaid`: allowed connectivity between workloads — an edge from one group
 * to another lists the ports on which at least one pair of their members may connect ("some" when
 * only part of the pairs may). Groups come from the grouped matrix (group-by.ts) with
 * `workloadGroupOf`: the top-level owner or workload entry when the input has them, and for a pod
 * with neither the name heuristic of `workloadOf` (app labels, else the name without generated
 * suffixes), as before issue 12.
 */
import { pushTo } from "../base/multimap.js";
import type { GroupedMatrix } from "./group-by.js";

/** An edge: the ports on which some member pair may connect; `some` when not every pair may. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly ports: ReadonlyArray<{ readonly port: string; readonly some: boolean }>;
}

/**
 * The edges of a grouped matrix; a group of one pod without an owner has no edge to itself (its
 * diagonal is the pod reaching itself), every other group's diagonal is member to member.
 */
export function groupedEdges(g: GroupedMatrix): Edge[] {
  const edges: Edge[] = [];
  for (const row of g.rows) {
    const from = g.groups[row] as GroupedMatrix["groups"][number];
    for (const col of g.columns) {
      if (row === col && from.selfCell) continue;
      const ports = g.ports.flatMap(({ port, protocol }, k) => {
        const c = g.cell(row, col, k);
        const name = `${protocol}/${port}`;
        if (c.kind === "evaluated") return c.allowed ? [{ port: name, some: false }] : [];
        if (c.kind === "not-evaluated") return [];
        const some = c.split.some((p) => p.cell.kind === "evaluated" && p.cell.allowed);
        return some ? [{ port: name, some: true }] : [];
      });
      if (ports.length > 0) edges.push({ from: from.name, to: (g.groups[col] as typeof from).name, ports });
    }
  }
  return edges;
}

function label(e: Edge): string {
  return e.ports.map((p) => (p.some ? `${p.port} (some)` : p.port)).join(", ");
}

/** Every node: the edges' ends and the `others` (groups without an allowed edge never vanish). */
function graphNodes(edges: readonly Edge[], others: readonly string[]): string[] {
  return [...new Set([...others, ...edges.flatMap((e) => [e.from, e.to])])].sort();
}

/** Graphviz DOT, nodes clustered by namespace; `nodes` adds groups that have no edge. */
export function formatDot(edges: readonly Edge[], nodes: readonly string[] = []): string {
  const all = graphNodes(edges, nodes);
  const byNs = new Map<string, string[]>();
  for (const n of all) pushTo(byNs, n.split("/")[0] as string, n);
  const q = (s: string) => JSON.stringify(s);
  const lines = ["digraph netguard {", "  rankdir=LR;", "  node [shape=box];"];
  for (const [ns, members] of byNs) {
    lines.push(
      `  subgraph ${q(`cluster_${ns}`)} {`,
      `    label=${q(ns)};`,
      ...members.map((m) => `    ${q(m)};`),
      "  }",
    );
  }
  for (const e of edges) lines.push(`  ${q(e.from)} -> ${q(e.to)} [label=${q(label(e))}];`);
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

/** A Mermaid flowchart (renders in GitHub Markdown); `nodes` adds groups that have no edge. */
export function formatMermaid(edges: readonly Edge[], nodes: readonly string[] = []): string {
  const all = graphNodes(edges, nodes);
  const ids = new Map(all.map((n, i) => [n, `n${i}`]));
  const id = (n: string) => ids.get(n) as string;
  const text = (s: string) => s.replace(/"/g, "#quot;");
  const lines = [
    "flowchart LR",
    ...all.map((n) => `  ${id(n)}["${text(n)}"]`),
    ...edges.map((e) => `  ${id(e.from)} -->|"${text(label(e))}"| ${id(e.to)}`),
  ];
  return `${lines.join("\n")}\n`;
}
