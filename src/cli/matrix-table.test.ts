import { describe, expect, it } from "vitest";
import type { Pod } from "../k8s/model.js";
import { namespace, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { matrixEngine } from "../policy/matrix-engine.js";
import { reachabilityMatrix } from "../policy/matrix.js";
import { engineTableLines, formatMatrixTable } from "./matrix-table.js";

const TCP80 = [{ port: 80, protocol: "TCP" as const }];
const cell = (from: string, to: string, allowed: boolean | null, note?: string) => ({
  from,
  to,
  port: 80,
  protocol: "TCP" as const,
  allowed,
  ...(note ? { note } : {}),
});

const objs = [
  namespace("x"),
  pod("x", "a", { labels: { app: "a" }, ips: ["10.0.0.1"] }),
  pod("x", "b", { labels: { app: "b" }, ips: ["10.0.0.2"] }),
  pod("x", "v6", { labels: { app: "v6" }, ips: ["fd00::6"] }),
  policy("x", "b-from-a", {
    podSelector: { matchLabels: { app: "b" } },
    ingress: [{ from: [{ podSelector: { matchLabels: { app: "a" } } }] }],
  }),
  policy("x", "a-closed", { podSelector: { matchLabels: { app: "a" } }, policyTypes: ["Ingress"] }),
];

describe("formatMatrixTable", () => {
  it("prints a cell missing from the results (filtered out) as -, never X, with a legend", () => {
    const text = formatMatrixTable({
      ports: TCP80,
      pods: ["x/a", "x/b"],
      results: [cell("x/a", "x/a", true), cell("x/a", "x/b", false)],
    });
    expect(text).toBe(
      [
        "TCP/80",
        "-    x/a  x/b",
        "x/a  .    X",
        "x/b  -    -",
        "",
        "-  not evaluated (never read this as denied): filtered out by --from/--to (2 cells)",
        "",
      ].join("\n"),
    );
  });

  it("prints a result with allowed: null as -, with its note in the legend", () => {
    const text = formatMatrixTable({
      ports: TCP80,
      pods: ["x/a"],
      results: [cell("x/a", "x/a", null, "no IP family in common")],
    });
    expect(text).toContain("x/a  -\n");
    expect(text).toContain("-  not evaluated (never read this as denied): no IP family in common (1 cell)\n");
  });

  it("prints no legend when every cell was evaluated", () => {
    const text = formatMatrixTable({ ports: TCP80, pods: ["x/a"], results: [cell("x/a", "x/a", true)] });
    expect(text).toBe("TCP/80\n-    x/a\nx/a  .\n");
  });

  it("leaves marks and legend to a caller that brings its own marks (the lab)", () => {
    const text = formatMatrixTable({ ports: TCP80, pods: ["x/a"], results: [] }, (r) => (r ? "!" : "?"));
    expect(text).toBe("TCP/80\n-    x/a\nx/a  ?\n");
  });
});

describe("engineTableLines", () => {
  it("streams the same table as the materialised matrix", () => {
    const index = indexSnapshot(snapshotOf(objs));
    const streamed = [...engineTableLines(matrixEngine(index, TCP80))].join("");
    expect(streamed).toBe(formatMatrixTable(reachabilityMatrix(index, TCP80)));
    expect(streamed).toBe(
      [
        "TCP/80",
        "-     x/a   x/b   x/v6",
        "x/a   .     .     -",
        "x/b   X     .     -",
        "x/v6  -     -     .",
        "",
        "-  not evaluated (never read this as denied): no IP family in common (4 cells)",
        "",
      ].join("\n"),
    );
  });

  it("prints rows that --from filtered out as -, never X (simulate --from x/a)", () => {
    const index = indexSnapshot(snapshotOf(objs));
    const engine = matrixEngine(index, TCP80, { from: (p: Pod) => p.name === "a" });
    const text = [...engineTableLines(engine)].join("");
    expect(text).toContain("x/b   -     -     -\n");
    expect(text).toContain("filtered out by --from/--to (6 cells)");
    expect(text.split("\n").filter((l) => l.includes("X"))).toEqual([]);
  });

  it("yields one line at a time, so a large table is never held whole", () => {
    const index = indexSnapshot(snapshotOf(objs));
    const lines = [...engineTableLines(matrixEngine(index, TCP80))];
    expect(lines.length).toBeGreaterThan(4);
    expect(lines.slice(1, 4).every((l) => l.endsWith("\n") && l.split("\n").length === 2)).toBe(true);
  });
});
