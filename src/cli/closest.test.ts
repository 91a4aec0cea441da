import { describe, expect, it } from "vitest";
import { editDistance } from "../k8s/suggest.js";
import { closestNames, namesByCloseness } from "./closest.js";

describe("closest names", () => {
  it("counts insertions, deletions and substitutions", () => {
    expect(editDistance("webb", "web")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("finds a workload by its ns/name spelling, the pod written that way first", () => {
    const names = ["frontend", "frontend/web", "frontend/Deployment/web", "backend/api"];
    expect(closestNames("frontend/webb", names)).toEqual(["frontend/web", "frontend/Deployment/web"]);
  });

  it("ranks every candidate for listing, closest first", () => {
    expect(namesByCloseness("node-b", ["node-a", "worker-1", "node-bb"])).toEqual([
      "node-a",
      "node-bb",
      "worker-1",
    ]);
  });

  it("compares only the start of a huge value (a pasted 2 MB string)", () => {
    expect(closestNames(`x/${"a".repeat(2_000_000)}`, ["x/a", "y/b"])).toEqual(["x/a"]);
  });
});
