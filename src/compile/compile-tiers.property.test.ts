/**
 * Differential test of the ClusterNetworkPolicy tiers: the compiled IR (tier chains, NetworkPolicy
 * chains, sets), run by the interpreter on every node a packet crosses, must agree with the
 * reference evaluator `evaluateTiered` on random mixes of ClusterNetworkPolicies and NetworkPolicies.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns, PROBES } from "../../test/gen/cluster.js";
import {
  randomCnps,
  snapshotWithCnps,
  TIERED_OTHER_ADDRESSES,
  tieredCluster,
} from "../../test/support/cnp-arbitraries.js";
import type { Snapshot } from "../k8s/model.js";
import { type Addr, formatAddr, parseAddr } from "../net/address.js";
import { indexSnapshot } from "../policy/cluster-index.js";
import { evaluateTieredQuery, tieredPolicies } from "../policy/cnp-evaluate.js";
import { compileAll } from "./compile.js";
import { allowsInCluster, interpreter } from "./interpret.js";

/** Every (src, dst) pair worth probing: pod↔pod in each common family, and pod↔other address. */
function addressPairs(snapshot: Snapshot): Array<[Addr, Addr]> {
  const podAddrs = indexSnapshot(snapshot).targets.flatMap((p) => p.ips);
  const others = TIERED_OTHER_ADDRESSES.map((a) => parseAddr(a) as Addr);
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
export function firstTieredDisagreement(snapshot: Snapshot): string | undefined {
  const index = indexSnapshot(snapshot);
  const nodeLabels = new Map([...snapshot.nodes.values()].map((n) => [n.name, n.labels]));
  const tiers = tieredPolicies(snapshot.clusterPolicies, nodeLabels);
  const nodes = [...compileAll(snapshot).values()].map(interpreter);
  for (const [src, dst] of addressPairs(snapshot)) {
    for (const { protocol, port } of PROBES) {
      const q = { from: { ip: formatAddr(src) }, to: { ip: formatAddr(dst) }, protocol, port };
      const expected = evaluateTieredQuery(index, tiers, q);
      if (typeof expected === "string") throw new Error(expected);
      const got = allowsInCluster(nodes, { src, dst, protocol, port });
      if (got !== expected.allowed) {
        return `${formatAddr(src)} -> ${formatAddr(dst)} ${protocol}/${port}: compiled ${got}, evaluator ${expected.allowed}\n${expected.reasons.join("\n")}`;
      }
    }
  }
  return undefined;
}

describe("compiled ClusterNetworkPolicy tiers agree with the reference evaluator", () => {
  it("on random clusters, NetworkPolicies, ClusterNetworkPolicies and packets", () => {
    fc.assert(
      fc.property(tieredCluster, randomCnps(undefined, 4), (objs, cnps) => {
        expect(firstTieredDisagreement(snapshotWithCnps(objs, cnps))).toBeUndefined();
      }),
      { numRuns: numRuns(60) },
    );
  });
});
