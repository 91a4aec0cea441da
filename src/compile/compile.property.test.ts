/**
 * Differential tests: the compiled IR, run by the interpreter on every node a packet crosses, must
 * agree with the reference evaluator on random clusters, policies and packets.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, OTHER_ADDRESSES, PROBES } from "../../test/gen/cluster.js";
import { snapshotOf } from "../../test/support/objects.js";
import type { Snapshot } from "../k8s/model.js";
import { type Addr, formatAddr, parseAddr } from "../net/address.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { evaluate } from "../policy/evaluate.js";
import { compileAll } from "./compile.js";
import { allowsInCluster, interpreter } from "./interpret.js";

/** Every (src, dst) address pair worth probing: pod↔pod in each common family, and pod↔other. */
function addressPairs(snapshot: Snapshot): Array<[Addr, Addr]> {
  const index = indexSnapshot(snapshot);
  const podAddrs = index.targets.flatMap((p) => p.ips);
  const others = OTHER_ADDRESSES.map((a) => parseAddr(a) as Addr);
  const pairs: Array<[Addr, Addr]> = [];
  for (const a of podAddrs) {
    for (const b of [...podAddrs, ...others]) {
      if (a.family !== b.family) continue;
      pairs.push([a, b]);
      if (!podAddrs.includes(b)) pairs.push([b, a]);
    }
  }
  return pairs;
}

/** Checks compiled == evaluated for every probe; returns the first disagreement. */
function firstDisagreement(snapshot: Snapshot): string | undefined {
  const index = indexSnapshot(snapshot);
  const nodes = [...compileAll(snapshot).values()].map(interpreter);
  for (const [src, dst] of addressPairs(snapshot)) {
    for (const probe of PROBES) {
      const protocol = probe.protocol;
      const expected = evaluate(index, {
        from: { ip: formatAddr(src) },
        to: { ip: formatAddr(dst) },
        protocol,
        port: probe.port,
      });
      if (typeof expected === "string") throw new Error(expected);
      const got = allowsInCluster(nodes, { src, dst, protocol, port: probe.port });
      if (got !== expected.allowed) {
        return `${formatAddr(src)} -> ${formatAddr(dst)} ${protocol}/${probe.port}: compiled ${got}, evaluator ${expected.allowed}\n${expected.reasons.join("\n")}`;
      }
    }
  }
  return undefined;
}

describe("compiled rules agree with the reference evaluator", () => {
  it("on random clusters, policies and packets", () => {
    fc.assert(
      fc.property(cluster, (objs) => {
        const problem = firstDisagreement(snapshotOf(objs));
        expect(problem).toBeUndefined();
      }),
      { numRuns: numRuns(300) },
    );
  });
});
