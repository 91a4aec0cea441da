/**
 * The bundled examples double as documentation: each has a hand-derived expected matrix
 * (expected.txt) that the reference evaluator, and the compiled rules, must reproduce exactly.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exampleDirs } from "./support/examples.js";
import { declaredPorts } from "../src/cli/probe-port.js";
import { compileAll } from "../src/compile/compile.js";
import { allowsInCluster, interpreter } from "../src/compile/interpret.js";
import { nodeInputFs } from "../src/load/node-fs.js";
import { loadSnapshot } from "../src/load/sources.js";
import { indexSnapshot } from "../src/policy/cluster-index.js";
import { reachabilityMatrix } from "../src/policy/matrix.js";
import { parseTruthTable } from "./support/truth-table.js";

const dirs = exampleDirs();

describe.each(dirs)("example %s", (dir) => {
  it("loads without errors or warnings", async () => {
    const { issues } = await loadSnapshot(nodeInputFs, [dir]);
    expect(issues).toEqual([]);
  });

  it("the evaluator reproduces expected.txt cell for cell, and so do the compiled rules", async () => {
    const expected = parseTruthTable(readFileSync(join(dir, "expected.txt"), "utf8"));
    const { snapshot } = await loadSnapshot(nodeInputFs, [dir]);
    const index = indexSnapshot(snapshot);
    const matrix = reachabilityMatrix(index, declaredPorts(snapshot));
    expect(matrix.pods).toEqual(expected.pods);
    expect(matrix.ports.map((p) => `${p.protocol}/${p.port}`)).toEqual(expected.ports);
    const got = new Map(matrix.results.map((r) => [`${r.protocol}/${r.port} ${r.from} ${r.to}`, r.allowed]));
    expect(Object.fromEntries(got)).toEqual(Object.fromEntries(expected.cells));

    const nodes = [...compileAll(snapshot).values()].map(interpreter);
    for (const r of matrix.results) {
      const from = index.podsByRef.get(r.from);
      const to = index.podsByRef.get(r.to);
      const src = from?.ips.find((a) => a.family === r.family);
      const dst = to?.ips.find((a) => a.family === r.family);
      if (!src || !dst) throw new Error(`no ${r.family} address for ${r.from} -> ${r.to}`);
      const compiled = allowsInCluster(nodes, { src, dst, protocol: r.protocol, port: r.port });
      expect(compiled, `compiled ${r.protocol}/${r.port} ${r.from} -> ${r.to}`).toBe(r.allowed);
    }
  });
});
