/**
 * Metamorphic laws of the tiered ClusterNetworkPolicy semantics, on the random clusters (with random
 * NetworkPolicies) of test/gen/cluster.ts and random ClusterNetworkPolicies using every field:
 * both tiers, colliding priorities, every subject and peer kind (unknown and unsupported included),
 * port ranges and named ports.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, OTHER_ADDRESSES, PROBES } from "../../test/gen/cluster.js";
import { snapshotOf } from "../../test/support/objects.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { addrKey, parseAddr } from "../net/address.js";
import { type ClusterIndex, indexSnapshot, nodeOwnAddresses } from "./cluster-index.js";
import { cnp, labels, networks, type RuleShape } from "../../test/support/cnp.js";
import {
  NODE_LABELS as SHARED_NODE_LABELS,
  randomCnp,
  randomCnps,
} from "../../test/support/cnp-arbitraries.js";
import { evaluateTiered, type TieredPolicies, tieredPolicies } from "./cnp-evaluate.js";
import { matchCnpRule } from "./cnp-match.js";
import type { TieredVerdict } from "./cnp-verdict.js";
import type { Endpoint } from "./endpoint.js";
import { evaluatePacket } from "./evaluate.js";

const NODE_LABELS = new Map(Object.entries(SHARED_NODE_LABELS));

type PeerShape = RuleShape["peers"][number];

/** A rule matching every packet: every pod, every address. */
const EVERYTHING: PeerShape[] = [{ kind: "namespaces", namespaces: labels() }, networks("0.0.0.0/0", "::/0")];
const everything = (name: string, action: RuleShape["action"]): ClusterNetworkPolicy =>
  cnp(name, {
    priority: 0,
    ingress: [{ action, peers: EVERYTHING }],
    egress: [{ action, peers: EVERYTHING }],
  });

/** Every end a packet can have: each target pod per address and without one, host-network pods, other addresses. */
function endpoints(index: ClusterIndex): Endpoint[] {
  const ends: Endpoint[] = [];
  for (const pod of index.targets) {
    ends.push({ kind: "pod", pod }, ...pod.ips.map((addr) => ({ kind: "pod" as const, pod, addr })));
  }
  for (const pod of index.podsByRef.values()) {
    const node =
      pod.nonTarget === "host-network" && pod.nodeName ? index.snapshot.nodes.get(pod.nodeName) : undefined;
    if (node)
      ends.push(
        ...nodeOwnAddresses(node).map((addr) => ({ kind: "node" as const, node, addr, viaPod: pod })),
      );
  }
  for (const text of OTHER_ADDRESSES) {
    const addr = parseAddr(text);
    if (!addr) continue;
    const node = index.nodeByAddr.get(addrKey(addr));
    ends.push(node ? { kind: "node", node, addr } : { kind: "external", addr });
  }
  return ends;
}

interface Cell {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly protocol: (typeof PROBES)[number]["protocol"];
  readonly port: number;
  readonly key: string;
}

/** Every packet between two ends of the same family (or an address-less pod), at least one a pod. */
function cells(index: ClusterIndex): Cell[] {
  const ends = endpoints(index);
  const name = (e: Endpoint) =>
    `${e.kind === "pod" ? `${e.pod.namespace}/${e.pod.name}` : e.kind}@${e.addr ? addrKey(e.addr) : "-"}`;
  const out: Cell[] = [];
  for (const src of ends) {
    for (const dst of ends) {
      if (src.kind !== "pod" && dst.kind !== "pod") continue;
      if (src.addr && dst.addr && src.addr.family !== dst.addr.family) continue;
      for (const p of PROBES)
        out.push({ src, dst, ...p, key: `${name(src)} > ${name(dst)} ${p.protocol}/${p.port}` });
    }
  }
  return out;
}

const tiered = (index: ClusterIndex, tiers: TieredPolicies, c: Cell): TieredVerdict =>
  evaluateTiered(index, tiers, c.src, c.dst, c.protocol, c.port);

/** The cells whose verdicts differ between two policy sets (keys), for readable failures. */
function differing(
  index: ClusterIndex,
  a: TieredPolicies,
  b: TieredPolicies,
  when: (c: Cell) => boolean = () => true,
) {
  return cells(index)
    .filter(when)
    .filter((c) => {
      const [x, y] = [tiered(index, a, c), tiered(index, b, c)];
      return (
        x.allowed !== y.allowed ||
        x.egress.decidedBy !== y.egress.decidedBy ||
        x.ingress.decidedBy !== y.ingress.decidedBy
      );
    })
    .map((c) => c.key);
}

const indexOfObjs = (objs: Parameters<typeof snapshotOf>[0]) => indexSnapshot(snapshotOf(objs));
const tiers = (ps: readonly ClusterNetworkPolicy[]) => tieredPolicies(ps, NODE_LABELS);

describe("ClusterNetworkPolicy laws", () => {
  it("with no ClusterNetworkPolicy the verdict equals NetworkPolicy's evaluate, side by side", () => {
    fc.assert(
      fc.property(cluster, (objs) => {
        const index = indexOfObjs(objs);
        const wrong = cells(index).filter((c) => {
          const v1 = evaluatePacket(index, c.src, c.dst, c.protocol, c.port);
          const v = tiered(index, tiers([]), c);
          return (
            v.allowed !== v1.allowed ||
            v.egress.allowed !== v1.egress.allowed ||
            v.ingress.allowed !== v1.ingress.allowed
          );
        });
        expect(wrong.map((c) => c.key)).toEqual([]);
      }),
      { numRuns: numRuns(40) },
    );
  });

  it("a Pass-everything Admin policy at the top leaves NetworkPolicy's verdicts unchanged", () => {
    fc.assert(
      fc.property(cluster, randomCnps("Admin"), (objs, admin) => {
        const index = indexOfObjs(objs);
        const top = tiers([everything("0-pass", "Pass"), ...admin]);
        const wrong = cells(index).filter(
          (c) =>
            tiered(index, top, c).allowed !== evaluatePacket(index, c.src, c.dst, c.protocol, c.port).allowed,
        );
        expect(wrong.map((c) => c.key)).toEqual([]);
      }),
      { numRuns: numRuns(30) },
    );
  });

  it("adding an Admin Deny policy never allows a packet that was denied", () => {
    fc.assert(
      fc.property(cluster, randomCnps(), randomCnp("added", "Admin", "Deny"), (objs, ps, deny) => {
        const index = indexOfObjs(objs);
        const [before, after] = [tiers(ps), tiers([...ps, deny])];
        const widened = cells(index).filter(
          (c) => tiered(index, after, c).allowed && !tiered(index, before, c).allowed,
        );
        expect(widened.map((c) => c.key)).toEqual([]);
      }),
      { numRuns: numRuns(30) },
    );
  });

  it("changing the priority of a policy none of whose rules match a packet never changes that packet", () => {
    const moved = randomCnps().chain((ps) =>
      fc.tuple(
        fc.constant(ps),
        fc.nat({ max: Math.max(0, ps.length - 1) }),
        fc.integer({ min: 0, max: 1000 }),
      ),
    );
    fc.assert(
      fc.property(cluster, moved, (objs, [ps, i, priority]) => {
        const index = indexOfObjs(objs);
        const target = ps[i];
        if (!target) return;
        const others = ps.filter((p) => p !== target);
        const unmatched = (c: Cell) => !matchesAny(index, target, c);
        expect(differing(index, tiers(ps), tiers([...others, { ...target, priority }]), unmatched)).toEqual(
          [],
        );
      }),
      { numRuns: numRuns(30) },
    );
  });

  it("an Admin Accept of everything at the top overrides every NetworkPolicy deny", () => {
    fc.assert(
      fc.property(cluster, randomCnps(), (objs, ps) => {
        const index = indexOfObjs(objs);
        const top = tiers([everything("0-accept", "Accept"), ...ps]);
        expect(
          cells(index)
            .filter((c) => !tiered(index, top, c).allowed)
            .map((c) => c.key),
        ).toEqual([]);
      }),
      { numRuns: numRuns(30) },
    );
  });

  it("Baseline policies never change a side whose pod some NetworkPolicy isolates", () => {
    fc.assert(
      fc.property(cluster, randomCnps("Admin"), randomCnps("Baseline"), (objs, admin, baseline) => {
        const index = indexOfObjs(objs);
        const [without, withBaseline] = [tiers(admin), tiers([...admin, ...baseline])];
        const wrong: string[] = [];
        for (const c of cells(index)) {
          const [a, b] = [tiered(index, without, c), tiered(index, withBaseline, c)];
          for (const side of ["egress", "ingress"] as const) {
            const np = b[side].networkPolicy;
            if (np.kind === "pod" && np.isolated && a[side].allowed !== b[side].allowed)
              wrong.push(`${side} ${c.key}`);
          }
        }
        expect(wrong).toEqual([]);
      }),
      { numRuns: numRuns(30) },
    );
  });
});

/** Whether some rule of `p` matches the packet (egress at a source pod, ingress at a destination pod). */
function matchesAny(index: ClusterIndex, p: ClusterNetworkPolicy, c: Cell): boolean {
  const ctx = { index, nodeLabels: NODE_LABELS };
  const packet = { protocol: c.protocol, port: c.port };
  const receiver = c.dst.kind === "pod" ? c.dst.pod : undefined;
  const egress =
    c.src.kind === "pod" && p.egress.some((r) => matchCnpRule(ctx, r, { peer: c.dst, receiver, ...packet }));
  const ingress =
    c.dst.kind === "pod" && p.ingress.some((r) => matchCnpRule(ctx, r, { peer: c.src, receiver, ...packet }));
  return egress || ingress;
}
