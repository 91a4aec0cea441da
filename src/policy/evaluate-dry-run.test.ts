/**
 * The evaluator and the matrix engine on what the dry-run adds: entries without an address,
 * workload entries (replica-to-replica self cells), host-network entries and pairs with no IP
 * family in common.
 */
import { describe, expect, it } from "vitest";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import type { Pod, Snapshot } from "../k8s/model.js";
import { indexSnapshot } from "./cluster-index.js";
import { describeEndpoint } from "./endpoint.js";
import { evaluate } from "./evaluate.js";
import { matrixEngine, NO_COMMON_FAMILY } from "./matrix-engine.js";
import { reachabilityMatrix } from "./matrix.js";
import type { Verdict } from "./verdict.js";

/** Pods pending an IP become address-less targets; `workloads` become workload entries. */
function view(objects: Json[], workloads: readonly string[] = []): Snapshot {
  const s = snapshotOf(objects);
  const pods = s.pods.map((p): Pod => {
    const { nonTarget, ...rest } = p;
    const q: Pod = nonTarget === "no-ip" ? rest : p;
    if (!workloads.includes(p.name)) return q;
    const { nodeName: _n, ...noNode } = q;
    return { ...noNode, name: `Deployment/${p.name}`, workload: "Deployment", ips: [] };
  });
  return { ...s, pods };
}

const verdict = (v: Verdict | string): Verdict => {
  if (typeof v === "string") throw new Error(v);
  return v;
};

const base = [namespace("x"), node("n1", "192.168.0.1", ["10.1.0.0/16"])];
const ipBlockIngress = policy("x", "from-block", {
  podSelector: { matchLabels: { app: "db" } },
  ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8" } }], ports: [{ port: 5432 }] }],
});

describe("entries without an address", () => {
  const objs = [
    ...base,
    pod("x", "db", { labels: { app: "db" }, ips: ["10.1.0.5"] }),
    pod("x", "web", { labels: { app: "web" } }),
    ipBlockIngress,
  ];

  it("are matched by no ipBlock, and the verdict says so", () => {
    const index = indexSnapshot(view(objs));
    const v = verdict(
      evaluate(index, { from: { pod: "x/web" }, to: { pod: "x/db" }, protocol: "TCP", port: 5432 }),
    );
    expect(v.allowed).toBe(false);
    expect(v.from).toBe("pod x/web (no address)");
    expect(v.notes).toEqual([
      "ingress: the source, pod x/web, has no address: matched by no ipBlock (x/from-block spec.ingress[0].from[0])",
    ]);
  });

  it("the same pod with an address is matched by the ipBlock (no note)", () => {
    const withIp = objs.map((o) =>
      o === objs[3] ? pod("x", "web", { labels: { app: "web" }, ips: ["10.1.0.6"] }) : o,
    );
    const v = verdict(
      evaluate(indexSnapshot(view(withIp)), {
        from: { pod: "x/web" },
        to: { pod: "x/db" },
        protocol: "TCP",
        port: 5432,
      }),
    );
    expect(v.allowed).toBe(true);
    expect(v.notes).toBeUndefined();
  });

  it("are still refused by explain-style lookups before the dry-run view makes them targets", () => {
    const v = evaluate(indexSnapshot(snapshotOf(objs)), {
      from: { pod: "x/web" },
      to: { pod: "x/db" },
      protocol: "TCP",
      port: 5432,
    });
    expect(v).toMatch(/has no IP address yet/);
  });

  it("two address-less pods are evaluated, with no family", () => {
    const two = [...base, pod("x", "a"), pod("x", "b")];
    const m = reachabilityMatrix(indexSnapshot(view(two)), [{ port: 80, protocol: "TCP" }]);
    expect(m.results.find((r) => r.from === "x/a" && r.to === "x/b")).toEqual({
      from: "x/a",
      to: "x/b",
      port: 80,
      protocol: "TCP",
      allowed: true,
    });
  });
});

describe("a workload's self cell", () => {
  const objs = [
    ...base,
    pod("x", "web", { labels: { app: "web" } }),
    policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
  ];

  it("is replica to replica, evaluated normally, and says so", () => {
    const index = indexSnapshot(view(objs, ["web"]));
    const v = verdict(
      evaluate(index, {
        from: { pod: "x/Deployment/web" },
        to: { pod: "x/Deployment/web" },
        protocol: "TCP",
        port: 80,
      }),
    );
    expect(v.allowed).toBe(false);
    expect(v.exemption).toBeUndefined();
    expect(v.replicas).toBe(true);
    expect(v.reasons[0]).toMatch(/^replica to replica: two different pods of x\/Deployment\/web/);
    expect(describeEndpoint({ kind: "pod", pod: index.podsByRef.get("x/Deployment/web") as Pod })).toBe(
      "workload x/Deployment/web (no address)",
    );
    const engine = matrixEngine(index, [{ port: 80, protocol: "TCP" }]);
    const w = engine.sources[0] as Pod;
    expect(engine.cell(w, w, 0)).toEqual({ kind: "evaluated", allowed: false });
  });

  it("a pod to itself keeps the same-pod exemption", () => {
    const index = indexSnapshot(view(objs));
    const v = verdict(
      evaluate(index, { from: { pod: "x/web" }, to: { pod: "x/web" }, protocol: "TCP", port: 80 }),
    );
    expect(v.allowed).toBe(true);
    expect(v.exemption).toBe("same-pod");
    expect(v.replicas).toBeUndefined();
  });
});

describe("cells that are not evaluated", () => {
  it("a pair with no IP family in common has a note, not a denial", () => {
    const objs = [...base, pod("x", "a", { ips: ["10.1.0.5"] }), pod("x", "b", { ips: ["fd01::5"] })];
    const m = reachabilityMatrix(indexSnapshot(snapshotOf(objs)), [{ port: 80, protocol: "TCP" }]);
    expect(m.results.find((r) => r.from === "x/a" && r.to === "x/b")).toMatchObject({
      allowed: null,
      note: NO_COMMON_FAMILY,
    });
  });

  it("a host-network entry is node traffic: evaluated when its node is known, else a note", () => {
    const objs = [
      ...base,
      pod("x", "a", { ips: ["10.1.0.5"], node: "n1" }),
      pod("x", "agent", { ips: ["192.168.0.1"], node: "n1", hostNetwork: true }),
      pod("x", "far", { ips: ["192.168.9.9"], node: "n9", hostNetwork: true }),
      policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
    ];
    const engine = matrixEngine(indexSnapshot(snapshotOf(objs)), [{ port: 80, protocol: "TCP" }]);
    const [a, agent, far] = engine.sources as [Pod, Pod, Pod];
    expect(engine.entries).toEqual(["x/a", "x/agent", "x/far"]);
    // Own-node exemption: the agent on n1 reaches a pod on n1 despite the default deny.
    expect(engine.cell(agent, a, 0)).toEqual({ kind: "evaluated", allowed: true, family: "IPv4" });
    expect(engine.cell(far, a, 0)).toEqual({
      kind: "not-evaluated",
      note: "host network: its traffic is node traffic, and its node n9 is not in the input",
    });
  });
});
