import { describe, expect, it } from "vitest";
import { memoryIo } from "../../test/support/memory-io.js";
import { issuesAtFieldLines } from "./issue-lines.js";
import { loadSnapshot } from "./sources.js";

const text = (...lines: string[]): string => `${lines.join("\n")}\n`;

describe("loadSnapshot: issues at the line of their field, for every command", () => {
  it("an unknown field of a policy in the middle of a stream is reported at its own line", async () => {
    const t = text(
      "apiVersion: v1", // 1
      "kind: Namespace", // 2
      "metadata: {name: shop}", // 3
      "---", // 4
      "apiVersion: networking.k8s.io/v1", // 5
      "kind: NetworkPolicy", // 6
      "metadata:", // 7
      "  name: api", // 8
      "  namespace: shop", // 9
      "spec:", // 10
      "  podSelector:", // 11
      "    matchLabel: {app: api}", // 12
    );
    const { issues } = await loadSnapshot(memoryIo({ "in.yaml": t }).fs, ["in.yaml"], [], {
      unknownFields: "drop",
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: "spec.podSelector.matchLabel",
        source: { file: "in.yaml", line: 12 },
      }),
    );
  });

  it("JSON List items too", async () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      items: [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } },
        {
          apiVersion: "networking.k8s.io/v1",
          kind: "NetworkPolicy",
          metadata: { name: "api", namespace: "shop" },
          spec: { podSelector: {}, ingress: [{ ports: [{ port: 80, protocl: "TCP" }] }] },
        },
      ],
    };
    const t = JSON.stringify(list, null, 2);
    const line = t.split("\n").findIndex((l) => l.includes('"protocl"')) + 1;
    const { issues } = await loadSnapshot(memoryIo({ "l.json": t }).fs, ["l.json"], [], {
      unknownFields: "drop",
    });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: "spec.ingress[0].ports[0].protocl",
        source: { file: "l.json", line },
      }),
    );
  });
});

describe("issuesAtFieldLines", () => {
  const t = text("kind: Pod", "metadata:", "  name: a", "spec:", "  x: 1");
  const issue = (path: string, file = "p.yaml") => ({
    code: "c",
    severity: "error" as const,
    message: "m",
    path,
    source: { file, line: 1 },
  });

  it("moves field issues to their field's line and leaves the rest alone", () => {
    const texts = new Map([["p.yaml", t]]);
    const out = issuesAtFieldLines([issue("spec.x"), issue(""), issue("spec.x", "other.yaml")], texts);
    expect(out.map((i) => i.source?.line)).toEqual([5, 1, 1]);
  });
});
