/**
 * Metamorphic laws of NetworkPolicy semantics, checked on random clusters.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES, randomPolicy, selector } from "../../test/gen/cluster.js";
import { type Json, policy, snapshotOf } from "../../test/support/objects.js";
import { type Direction, refOf } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot } from "./cluster-index.js";
import type { Endpoint } from "./endpoint.js";
import { decideSide, policiesSelecting, sideAllows } from "./evaluate.js";
import { reachabilityMatrix } from "./matrix.js";
import { selectorMatches } from "./selector.js";

const DIRECTIONS: Direction[] = ["ingress", "egress"];

/** Side verdicts of every target pod against every other target pod, per probe. */
function sides(
  index: ClusterIndex,
  direction: Direction,
): Map<string, { isolated: boolean; allowed: boolean }> {
  const out = new Map<string, { isolated: boolean; allowed: boolean }>();
  for (const pod of index.targets) {
    for (const other of index.targets) {
      for (const addr of other.ips) {
        const peer: Endpoint = { kind: "pod", pod: other, addr };
        for (const p of PROBES) {
          const v = decideSide(index, pod, direction, peer, p.protocol, p.port);
          if (v.kind === "pod")
            out.set(`${refOf(pod)} ${refOf(other)} ${addr.value} ${p.protocol}/${p.port}`, v);
        }
      }
    }
  }
  return out;
}

describe("NetworkPolicy laws", () => {
  it("adding a policy never removes an allowance from a pod that was already isolated", () => {
    fc.assert(
      fc.property(cluster, randomPolicy("added"), (objs, extra) => {
        const before = indexSnapshot(snapshotOf(objs));
        const after = indexSnapshot(snapshotOf([...objs, extra]));
        for (const direction of DIRECTIONS) {
          const b = sides(before, direction);
          const a = sides(after, direction);
          for (const [key, v] of b) {
            if (v.isolated && v.allowed) expect(a.get(key)?.allowed, `${direction} ${key}`).toBe(true);
          }
        }
      }),
      { numRuns: numRuns(150) },
    );
  });

  it("a default-deny policy isolates exactly the pods it selects, and nothing else changes", () => {
    const ns = fc.constantFrom("x", "y", "z");
    const types = fc.constantFrom<string[]>(["Ingress"], ["Egress"], ["Ingress", "Egress"]);
    fc.assert(
      fc.property(cluster, ns, selector, types, (objs, namespace, podSelector, policyTypes) => {
        const deny: Json = policy(namespace, "deny", { podSelector, policyTypes });
        const before = indexSnapshot(snapshotOf(objs));
        const after = indexSnapshot(snapshotOf([...objs, deny]));
        const denyPolicy = after.policiesByNamespace.get(namespace)?.find((p) => p.name === "deny");
        for (const direction of DIRECTIONS) {
          const covers = policyTypes.includes(direction === "ingress" ? "Ingress" : "Egress");
          const b = sides(before, direction);
          for (const [key, v] of sides(after, direction)) {
            const pod = after.podsByRef.get(key.split(" ")[0] as string);
            const selected =
              covers &&
              !!pod &&
              !!denyPolicy &&
              pod.namespace === namespace &&
              selectorMatches(denyPolicy.podSelector, pod.labels);
            const old = b.get(key);
            expect(v.isolated).toBe(old?.isolated || selected);
            if (!selected || old?.isolated) expect(v.allowed).toBe(old?.allowed);
            else expect(v.allowed).toBe(false);
          }
        }
      }),
      { numRuns: numRuns(150) },
    );
  });

  it("a side allows when it is not isolated or some rule allows it, with or without the reasons", () => {
    fc.assert(
      fc.property(cluster, (objs) => {
        const index = indexSnapshot(snapshotOf(objs));
        const peers: Endpoint[] = index.targets.flatMap((other) => [
          { kind: "pod" as const, pod: other },
          ...other.ips.map((addr) => ({ kind: "pod" as const, pod: other, addr })),
        ]);
        const wrong: string[] = [];
        for (const direction of DIRECTIONS) {
          for (const pod of index.targets) {
            const selected = policiesSelecting(index, pod, direction);
            for (const peer of peers) {
              for (const p of PROBES) {
                const v = decideSide(index, pod, direction, peer, p.protocol, p.port);
                const fast = sideAllows(index, pod, direction, peer, p.protocol, p.port, selected);
                const law =
                  v.kind === "pod" &&
                  v.isolated === selected.length > 0 &&
                  v.allowed === (!v.isolated || v.allowedBy.length > 0) &&
                  fast === v.allowed;
                if (!law)
                  wrong.push(
                    `${direction} ${refOf(pod)} ${JSON.stringify(peer.addr)} ${p.protocol}/${p.port}`,
                  );
              }
            }
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: numRuns(100) },
    );
  });

  it("the order of policies in the input never matters", () => {
    fc.assert(
      fc.property(
        cluster.chain((objs) =>
          fc.tuple(
            fc.constant(objs),
            fc.shuffledSubarray(objs, { minLength: objs.length, maxLength: objs.length }),
          ),
        ),
        ([objs, shuffled]) => {
          const ports = PROBES.map((p) => ({ port: p.port, protocol: p.protocol }));
          const a = reachabilityMatrix(indexSnapshot(snapshotOf(objs)), ports);
          const b = reachabilityMatrix(indexSnapshot(snapshotOf(shuffled)), ports);
          expect(b).toEqual(a);
          const sel = (idx: ClusterIndex) =>
            idx.targets.map((p) => policiesSelecting(idx, p, "ingress").map(refOf).join(","));
          expect(sel(indexSnapshot(snapshotOf(shuffled)))).toEqual(sel(indexSnapshot(snapshotOf(objs))));
        },
      ),
      { numRuns: numRuns(100) },
    );
  });
});
