/**
 * Every bundled example, enforced in a lab by the real datapath and probed with real packets,
 * must match the reference evaluator cell for cell (`netguard lab run` with zero mismatches).
 */
import { describe, expect, it } from "vitest";
import { exampleDirs } from "./support/examples.js";
import { declaredPorts } from "../src/cli/probe-port.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { loadSnapshot } from "../src/load/sources.js";
import { mismatches, withLab } from "./support/lab.js";
import { describeAsRoot } from "./support/root.js";

const dirs = exampleDirs();

describeAsRoot("every example in a lab", () => {
  describe.each(dirs)("lab: %s", (dir) => {
    it("real packets match the evaluator on every pod pair and port", async () => {
      const { snapshot } = await loadSnapshot(nodeInputFs, [dir]);
      const ports = declaredPorts(snapshot);
      const matrix = await withLab(snapshot, ports, (lab) => lab.enforceAndProbe(snapshot));
      expect(mismatches(matrix)).toEqual([]);
      expect(matrix.results.filter((r) => r.skipped && r.protocol !== "SCTP")).toEqual([]);
      expect(matrix.results.some((r) => r.allowed === false)).toBe(true);
      expect(matrix.results.some((r) => r.allowed === true)).toBe(true);
    });
  });
});
