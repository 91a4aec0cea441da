import { describe, expect, it } from "vitest";
import type { RawObject } from "../load/documents.js";
import { describeInput, summarizeInput } from "./input-summary.js";

const obj = (value: unknown): RawObject => ({ value, source: { file: "in.yaml", line: 1 } });
const cnp = (tier?: unknown) =>
  obj({
    kind: "ClusterNetworkPolicy",
    metadata: { name: "x" },
    ...(tier === undefined ? {} : { spec: { tier } }),
  });

describe("the input summary", () => {
  it("counts objects by kind", () => {
    const s = summarizeInput(1, [
      obj({ kind: "NetworkPolicy" }),
      obj({ kind: "Service" }),
      obj({ kind: "Service" }),
    ]);
    expect(describeInput(s)).toBe("1 file with 3 objects (1 NetworkPolicy, 2 Service)");
  });

  it("counts ClusterNetworkPolicies by tier as written", () => {
    const s = summarizeInput(2, [
      cnp("Admin"),
      cnp("Baseline"),
      cnp("Admin"),
      obj({ kind: "NetworkPolicy" }),
    ]);
    expect(describeInput(s)).toBe(
      "2 files with 4 objects (3 ClusterNetworkPolicy (2 Admin, 1 Baseline), 1 NetworkPolicy)",
    );
  });

  it("names a tier the API does not know, and a missing one", () => {
    const s = summarizeInput(1, [cnp("admin"), cnp(), cnp(7)]);
    expect(describeInput(s)).toBe("1 file with 3 objects (3 ClusterNetworkPolicy (2 no tier, 1 tier admin))");
  });
});
