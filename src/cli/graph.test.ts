import { describe, expect, it } from "vitest";
import type { Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Json, namespace, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { matrixEngine } from "../policy/matrix-engine.js";
import { workloadGroupOf } from "../policy/workload.js";
import { formatDot, formatMermaid, groupedEdges } from "./graph.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { groupMatrix } from "./group-by.js";
import { runCli } from "./main.js";

const TCP80 = [{ port: 80, protocol: "TCP" as const }];

function edgesOf(objects: Json[], owners: Record<string, string> = {}, extra: Pod[] = []) {
  const s = snapshotOf(objects);
  const snapshot: Snapshot = {
    ...s,
    pods: [...s.pods.map((p) => (owners[refOf(p)] ? { ...p, owner: owners[refOf(p)] } : p)), ...extra],
  };
  return groupedEdges(groupMatrix(matrixEngine(indexSnapshot(snapshot), TCP80), workloadGroupOf));
}

describe("simulate --format dot|mermaid", () => {
  it("draws pods by their top-level owner when the input has one, not by their labels", () => {
    const edges = edgesOf(
      [
        namespace("x"),
        pod("x", "api-7f9c8d6b5-abcde", { labels: { app: "backend" }, ips: ["10.0.0.1"] }),
        pod("x", "api-7f9c8d6b5-fghij", { labels: { app: "backend" }, ips: ["10.0.0.2"] }),
        pod("x", "client", { labels: { app: "client" }, ips: ["10.0.0.3"] }),
        policy("x", "api", {
          podSelector: { matchLabels: { app: "backend" } },
          ingress: [{ from: [{ podSelector: { matchLabels: { app: "client" } } }] }],
        }),
      ],
      { "x/api-7f9c8d6b5-abcde": "x/Deployment/api", "x/api-7f9c8d6b5-fghij": "x/Deployment/api" },
    );
    expect(edges).toEqual([
      { from: "x/Deployment/api", to: "x/client", ports: [{ port: "TCP/80", some: false }] },
      { from: "x/client", to: "x/Deployment/api", ports: [{ port: "TCP/80", some: false }] },
    ]);
  });

  it("keeps the name heuristic for pods with neither owner nor workload entry, without self loops", () => {
    const edges = edgesOf([
      namespace("x"),
      pod("x", "web-5d8f7c9b4-x2k8p", { labels: {}, ips: ["10.0.0.1"] }),
      pod("x", "web-5d8f7c9b4-q9z7m", { labels: {}, ips: ["10.0.0.2"] }),
      pod("x", "db", { labels: { app: "db" }, ips: ["10.0.0.3"] }),
      policy("x", "db", { podSelector: { matchLabels: { app: "db" } }, policyTypes: ["Ingress"] }),
    ]);
    // web's two pods are one node (web to web is pod to pod); db's self cell is no edge.
    expect(edges.map((e) => `${e.from} -> ${e.to}`)).toEqual(["x/db -> x/web", "x/web -> x/web"]);
  });

  it("draws a workload entry, and marks ports where only part of the pairs may connect", () => {
    const entry: Pod = {
      namespace: "x",
      name: "Deployment/web",
      labels: { app: "web" },
      ips: [],
      ports: [],
      workload: "Deployment",
    };
    const edges = edgesOf(
      [
        namespace("x"),
        pod("x", "db-0", { labels: { app: "db", role: "primary" }, ips: ["10.0.0.3"] }),
        pod("x", "db-1", { labels: { app: "db", role: "replica" }, ips: ["10.0.0.4"] }),
        policy("x", "primary", {
          podSelector: { matchLabels: { role: "primary" } },
          policyTypes: ["Ingress"],
        }),
      ],
      { "x/db-0": "x/StatefulSet/db", "x/db-1": "x/StatefulSet/db" },
      [entry],
    );
    const dot = formatDot(edges);
    expect(dot).toContain('"x/Deployment/web" -> "x/StatefulSet/db" [label="TCP/80 (some)"];');
    expect(dot).toContain('"x/Deployment/web" -> "x/Deployment/web" [label="TCP/80"];');
    expect(formatMermaid(edges)).toContain('n0 -->|"TCP/80 (some)"| n1');
  });
});

describe("a group with no allowed edge in dot and mermaid", () => {
  it("is still drawn, so an isolated workload never vanishes from the graph", () => {
    const s = snapshotOf([
      namespace("x"),
      pod("x", "a", { labels: { app: "a" }, ips: ["10.0.0.1"] }),
      pod("x", "b", { labels: { app: "b" }, ips: ["10.0.0.2"] }),
      pod("x", "lonely", { labels: { app: "lonely" }, ips: ["10.0.0.3"] }),
      policy("x", "deny-lonely", {
        podSelector: { matchLabels: { app: "lonely" } },
        policyTypes: ["Ingress", "Egress"],
      }),
    ]);
    const g = groupMatrix(matrixEngine(indexSnapshot(s), TCP80), workloadGroupOf);
    const names = g.groups.map((x) => x.name);
    expect(formatDot(groupedEdges(g), names)).toContain('"x/lonely";');
    expect(formatMermaid(groupedEdges(g), names)).toContain('["x/lonely"]');
  });
});

describe("simulate --format dot with ClusterNetworkPolicies", () => {
  const cluster = [
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}",
    "apiVersion: v1\nkind: Namespace\nmetadata: {name: y}",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {nodeName: n1}\nstatus: {podIP: 10.0.0.1}",
    "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: y}\nspec: {nodeName: n1}\nstatus: {podIP: 10.0.0.2}",
  ];
  const denyXtoY = [
    "apiVersion: policy.networking.k8s.io/v1alpha2",
    "kind: ClusterNetworkPolicy",
    "metadata: {name: no-x-to-y}",
    "spec:",
    "  tier: Admin",
    "  priority: 1",
    "  subject: {namespaces: {matchLabels: {kubernetes.io/metadata.name: x}}}",
    "  egress:",
    "    - {action: Deny, to: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: y}}}]}",
  ].join("\n");

  it("drops the edge an Admin Deny removes and keeps the other direction", async () => {
    const io = memoryIo({ "/in/c.yaml": [...cluster, denyXtoY].join("\n---\n") });
    expect(await runCli(io, ["simulate", "-f", "dot", "--port", "80/TCP", "/in"])).toBe(0);
    expect(io.stdout()).toContain('  "y/b" -> "x/a" [label="TCP/80"];\n');
    expect(io.stdout()).not.toContain('"x/a" -> "y/b"');
  });
});
