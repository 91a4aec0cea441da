/**
 * Differential property test on real packets: random policy sets over the 3x3 x/y/z model are
 * enforced in one lab (updates go through incremental syncs) and the probe matrix must equal the
 * evaluator's. A fixed number of runs in CI; FC_NUM_RUNS for more.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { NAMESPACES, NODES, numRuns, randomPolicy } from "./gen/cluster.js";
import { mismatches, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [
  { port: 80, protocol: "TCP" },
  { port: 81, protocol: "TCP" },
  { port: 8080, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
];

/** x/y/z with pods a/b/c, spread over two nodes, a mix of named ports. */
function model(): Json[] {
  const objs: Json[] = [
    namespace("x", { ns: "x", team: "red", env: "prod" }),
    namespace("y", { ns: "y", team: "blue", env: "dev" }),
    namespace("z", { ns: "z", team: "red" }),
    ...NODES.map((n) => node(n.name, n.ip, [n.v4, n.v6])),
  ];
  let i = 0;
  for (const ns of NAMESPACES) {
    for (const name of ["a", "b", "c"]) {
      const n = NODES[i % 2] as (typeof NODES)[number];
      const ports =
        name === "a"
          ? [
              { name: "http", containerPort: 80 },
              { name: "alt", containerPort: 81 },
              { name: "dns", containerPort: 53, protocol: "UDP" },
            ]
          : name === "b"
            ? [{ name: "http", containerPort: 8080 }]
            : [{ name: "alt", containerPort: 80 }];
      objs.push(
        pod(ns, name, {
          labels: { pod: name, ...(name === "c" ? { tier: "be" } : { tier: "fe" }) },
          ips: [`${n.p4}${10 + i}`],
          node: n.name,
          ports,
        }),
      );
      i++;
    }
  }
  return objs;
}

describeAsRoot("lab differential property", () => {
  const runs = numRuns(6);
  it(
    `the real probe matrix equals the evaluator's for random policies (${runs} runs)`,
    { timeout: 30_000 + runs * 5_000 },
    async () => {
      const base = model();
      await withLab(snapshotOf(base), PORTS, async (lab) => {
        const policies = fc
          .array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 4 })
          .chain((ids) => fc.tuple(...ids.map((_, k) => randomPolicy(`np${k}`))));
        await fc.assert(
          fc.asyncProperty(policies, async (ps) => {
            const matrix = await lab.enforceAndProbe(snapshotOf([...base, ...ps]));
            expect(mismatches(matrix)).toEqual([]);
          }),
          { numRuns: runs, endOnFailure: true },
        );
      });
    },
  );
});
