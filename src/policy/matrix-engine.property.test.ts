/**
 * The matrix engine agrees with the reference evaluator cell by cell: for every ordered pair of
 * entries (distinct ones and self cells) on every probe port and family, on random clusters with
 * pods without an address, workload entries, host-network entries (on known and unknown nodes),
 * ipBlock peers and dual-stack pods — with NetworkPolicies alone (`evaluate`), and with random
 * ClusterNetworkPolicies of both tiers among them (`evaluateTiered`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cluster, numRuns, PROBES } from "../../test/gen/cluster.js";
import { randomCnps, withClusterPolicies } from "../../test/support/cnp-arbitraries.js";
import { snapshotOf } from "../../test/support/objects.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { type Pod, refOf, type Snapshot } from "../k8s/model.js";
import type { Addr } from "../net/address.js";
import { type ClusterIndex, indexSnapshot, nodeOwnAddresses } from "./cluster-index.js";
import { commonFamilies } from "./endpoint.js";
import { evaluateTieredQuery, snapshotTiers } from "./cnp-evaluate.js";
import { evaluate, type Query } from "./evaluate.js";
import { type Cell, matrixEngine } from "./matrix-engine.js";

/**
 * What a random entry becomes: as decoded, without an address, a workload entry, off its node, or
 * carrying its node's address (what a ClusterNetworkPolicy `nodes` peer matches).
 */
type Mutation = "as-is" | "no-address" | "workload" | "unknown-node" | "node-address";

const mutation = fc.constantFrom<Mutation>(
  "as-is",
  "as-is",
  "no-address",
  "workload",
  "unknown-node",
  "node-address",
);

/** The dry-run's view of the snapshot, with each pod mutated (pods pending an IP become address-less targets). */
function mutate(snapshot: Snapshot, ms: readonly Mutation[]): Snapshot {
  const pods = snapshot.pods.map((p, i): Pod => {
    const m = ms[i % ms.length] ?? "as-is";
    const base: Pod = p.nonTarget === "no-ip" ? { ...p, nonTarget: undefined, ips: [] } : p;
    const { nonTarget, ...rest } = base;
    const keep = nonTarget ? { nonTarget } : {};
    switch (m) {
      case "as-is":
        return { ...rest, ...keep };
      case "no-address":
        return { ...rest, ...keep, ips: [] };
      case "workload": {
        const { nodeName: _n, ...noNode } = rest;
        return { ...noNode, ...keep, name: `Deployment/${p.name}`, workload: "Deployment", ips: [] };
      }
      case "unknown-node":
        return { ...rest, ...keep, nodeName: "n9" };
      case "node-address": {
        const node = rest.nodeName ? snapshot.nodes.get(rest.nodeName) : undefined;
        return { ...rest, ...keep, ips: node && !nonTarget ? node.addresses.slice(0, 1) : rest.ips };
      }
    }
  });
  return { ...snapshot, pods };
}

/** The addresses an entry's packets carry: its node's for a host-network entry. */
function addrsOf(index: ClusterIndex, p: Pod): readonly Addr[] {
  if (p.nonTarget !== "host-network") return p.ips;
  const node = p.nodeName ? index.snapshot.nodes.get(p.nodeName) : undefined;
  return node ? nodeOwnAddresses(node) : [];
}

/** A reference evaluator: a verdict, or why the pair is not evaluated. */
type Oracle = (index: ClusterIndex, q: Query) => { readonly allowed: boolean } | string;

/** NetworkPolicy's evaluate(), or the tiered one when the snapshot has ClusterNetworkPolicies. */
const oracle: Oracle = (index, q) => {
  const cnps = index.snapshot.clusterPolicies;
  if (cnps.length === 0) return evaluate(index, q);
  return evaluateTieredQuery(index, snapshotTiers(index.snapshot), q);
};

/** The reference per family, in the engine's Cell shape. */
function reference(index: ClusterIndex, from: Pod, to: Pod, port: (typeof PROBES)[number]): Cell {
  const q = { from: { pod: refOf(from) }, to: { pod: refOf(to) }, protocol: port.protocol, port: port.port };
  const v = oracle(index, q);
  if (typeof v === "string") return { kind: "not-evaluated", note: v };
  const fams = commonFamilies(addrsOf(index, from), addrsOf(index, to)) ?? [];
  const per = fams.map((family) => {
    const w = oracle(index, { ...q, family });
    if (typeof w === "string") throw new Error(w);
    return [family, w.allowed] as const;
  });
  return {
    kind: "evaluated",
    allowed: v.allowed,
    ...(fams[0] ? { family: fams[0] } : {}),
    ...(per.length > 1 ? { families: Object.fromEntries(per) } : {}),
  };
}

/** Every cell of the engine equals the reference's, and a row holds the same (interned) cells. */
function checkCells(index: ClusterIndex): void {
  const engine = matrixEngine(index, PROBES);
  for (const [pi, port] of PROBES.entries()) {
    for (const from of engine.sources) {
      const row = engine.row(from, pi);
      engine.destinations.forEach((to, j) => {
        const got = engine.cell(from, to, pi);
        expect(row[j]).toBe(got);
        const want = reference(index, from, to, port);
        const label = `${refOf(from)} -> ${refOf(to)} ${port.protocol}/${port.port}`;
        if (want.kind === "not-evaluated") expect(got.kind, label).toBe("not-evaluated");
        else expect(got, label).toEqual(want);
      });
    }
  }
}

const mutations = fc.array(mutation, { minLength: 1, maxLength: 8 });

/** The mutated snapshot with the ClusterNetworkPolicies (and labelled Nodes). */
const tieredIndex = (
  objs: Parameters<typeof snapshotOf>[0],
  ms: readonly Mutation[],
  cnps: ClusterNetworkPolicy[],
) => indexSnapshot(withClusterPolicies(mutate(snapshotOf(objs), ms), cnps));

describe("matrix engine", () => {
  it("gives evaluate()'s verdict for every ordered pair of entries, self cells included", () => {
    fc.assert(
      fc.property(cluster, mutations, (objs, ms) => checkCells(indexSnapshot(mutate(snapshotOf(objs), ms)))),
      { numRuns: numRuns(200) },
    );
  });

  it("with ClusterNetworkPolicies among the NetworkPolicies, gives evaluateTiered()'s verdict for every pair", () => {
    fc.assert(
      fc.property(cluster, mutations, randomCnps(undefined, 5), (objs, ms, cnps) =>
        checkCells(tieredIndex(objs, ms, cnps)),
      ),
      { numRuns: numRuns(300) },
    );
  });

  it("entries of one class get the same cell against every entry", () => {
    fc.assert(
      fc.property(cluster, mutations, randomCnps(undefined, 3), (objs, ms, cnps) => {
        const engine = matrixEngine(tieredIndex(objs, ms, cnps), PROBES);
        const all = engine.sources;
        for (const a of all) {
          for (const b of all) {
            if (a === b || engine.classOf(a) !== engine.classOf(b)) continue;
            for (const other of all) {
              if (other === a || other === b) continue;
              for (const pi of PROBES.keys())
                expect(engine.classCell(engine.classOf(a), engine.classOf(other), pi)).toBe(
                  engine.cell(a, other, pi),
                );
              for (const pi of PROBES.keys()) {
                expect(engine.cell(a, other, pi)).toBe(engine.cell(b, other, pi));
                expect(engine.cell(other, a, pi)).toBe(engine.cell(other, b, pi));
              }
            }
            for (const pi of PROBES.keys()) expect(engine.cell(a, b, pi)).toBe(engine.cell(b, a, pi));
          }
        }
      }),
      { numRuns: numRuns(100) },
    );
  });
});
