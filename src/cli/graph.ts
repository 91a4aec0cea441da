/**
 * `simulate --format dot|mermaid`: allowed connectivity aggregated by namespace and workload — an
 * edge from one workload to another lists the ports on which at least one of their pod pairs may
 * connect ("some" when only part of the pairs may).
 */
import type { Pod } from "../k8s/model.js";
import type { Matrix } from "../policy/matrix.js";
import { workloadOf } from "../policy/diff.js";

interface Edge {
  readonly from: string;
  readonly to: string;
  readonly ports: Map<string, { allowed: number; total: number }>;
}

/** Aggregates the matrix (pod to itself excluded) into workload edges. */
export function workloadEdges(m: Matrix, podsByRef: ReadonlyMap<string, Pod>): Edge[] {
  const group = (ref: string) => {
    const pod = podsByRef.get(ref);
    return pod ? `${pod.namespace}/${workloadOf(pod)}` : ref;
  };
  const edges = new Map<string, Edge>();
  for (const r of m.results) {
    if (r.from === r.to) continue;
    const from = group(r.from);
    const to = group(r.to);
    const key = `${from} -> ${to}`;
    let e = edges.get(key);
    if (!e) edges.set(key, (e = { from, to, ports: new Map() }));
    const port = `${r.protocol}/${r.port}`;
    const c = e.ports.get(port) ?? { allowed: 0, total: 0 };
    c.total++;
    if (r.allowed) c.allowed++;
    e.ports.set(port, c);
  }
  return [...edges.values()]
    .filter((e) => [...e.ports.values()].some((c) => c.allowed > 0))
    .sort((a, b) => (`${a.from} ${a.to}` < `${b.from} ${b.to}` ? -1 : 1));
}

function label(e: Edge): string {
  return [...e.ports.entries()]
    .filter(([, c]) => c.allowed > 0)
    .map(([p, c]) => (c.allowed === c.total ? p : `${p} (some)`))
    .join(", ");
}

/** Graphviz DOT, nodes clustered by namespace. */
export function formatDot(edges: readonly Edge[]): string {
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const byNs = new Map<string, string[]>();
  for (const n of nodes) {
    const ns = n.split("/")[0] as string;
    byNs.set(ns, [...(byNs.get(ns) ?? []), n]);
  }
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

/** A Mermaid flowchart (renders in GitHub Markdown). */
export function formatMermaid(edges: readonly Edge[]): string {
  const nodes = [...new Set(edges.flatMap((e) => [e.from, e.to]))].sort();
  const id = (n: string) => `n${nodes.indexOf(n)}`;
  const text = (s: string) => s.replace(/"/g, "#quot;");
  const lines = [
    "flowchart LR",
    ...nodes.map((n) => `  ${id(n)}["${text(n)}"]`),
    ...edges.map((e) => `  ${id(e.from)} -->|"${text(label(e))}"| ${id(e.to)}`),
  ];
  return `${lines.join("\n")}\n`;
}
