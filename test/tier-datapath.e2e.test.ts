/**
 * The tier datapath (src/render/tiers.ts, pod-chains.ts) on real packets in a lab: the cases where
 * the rendered chains' control flow — `jump` to a shared tier chain, `return` for Pass, `goto
 * ingress_phase` for an egress Accept — decides, each checked cell by cell against the evaluator
 * and on the cells that show the semantics. Pods x/a, y/a, z/a on n1; x/b, y/b on n2.
 */
import { expect, it } from "vitest";
import type { LabMatrix } from "../src/lab/session.js";
import { mismatches, type Ports, withLab } from "./support/lab.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "./support/objects.js";
import { describeAsRoot } from "./support/root.js";

const PORTS: Ports = [
  { port: 80, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
];

function cluster(): Json[] {
  const web = [{ name: "http", containerPort: 80 }];
  const at = (ns: string, name: string, n: string, v4: string) =>
    pod(ns, name, { labels: { pod: name }, ips: [v4], node: n, ports: web });
  return [
    namespace("x", { ns: "x" }),
    namespace("y", { ns: "y" }),
    namespace("z", { ns: "z" }),
    node("n1", "192.168.0.1", ["10.1.0.0/24"]),
    node("n2", "192.168.0.2", ["10.2.0.0/24"]),
    at("x", "a", "n1", "10.1.0.10"),
    at("x", "b", "n2", "10.2.0.11"),
    at("y", "a", "n1", "10.1.0.12"),
    at("y", "b", "n2", "10.2.0.13"),
    at("z", "a", "n1", "10.1.0.14"),
  ];
}

type Action = "Accept" | "Deny" | "Pass";

/** A ClusterNetworkPolicy with subject namespace `ns` and one egress and/or ingress rule. */
function cnp(
  name: string,
  tier: "Admin" | "Baseline",
  ns: string,
  rules: { egress?: [Action, string]; ingress?: [Action, string] },
): Json {
  const peer = (to: string) => ({ namespaces: { matchLabels: { ns: to } } });
  return {
    apiVersion: "policy.networking.k8s.io/v1alpha2",
    kind: "ClusterNetworkPolicy",
    metadata: { name },
    spec: {
      tier,
      priority: 10,
      subject: { namespaces: { matchLabels: { ns } } },
      ...(rules.egress ? { egress: [{ action: rules.egress[0], to: [peer(rules.egress[1])] }] } : {}),
      ...(rules.ingress ? { ingress: [{ action: rules.ingress[0], from: [peer(rules.ingress[1])] }] } : {}),
    },
  };
}

/** Every pod of `ns` isolated in both directions, nothing allowed. */
const denyAll = (ns: string) => policy(ns, "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] });

function cell(m: LabMatrix, from: string, to: string): boolean | undefined {
  return m.results.find((r) => r.from === from && r.to === to && r.port === 80)?.allowed;
}

describeAsRoot("tier datapath on real packets", () => {
  it("Accept, Deny and Pass in Admin and Baseline decide as the evaluator says", async () => {
    await withLab(snapshotOf(cluster()), PORTS, async (lab) => {
      const probe = async (objs: Json[]) => {
        const m = await lab.enforceAndProbe(snapshotOf([...cluster(), ...objs]));
        expect(mismatches(m)).toEqual([]);
        return m;
      };

      // Egress Accept skips x's NetworkPolicy egress deny, but y's ingress deny still drops.
      let m = await probe([
        cnp("x-out", "Admin", "x", { egress: ["Accept", "y"] }),
        denyAll("x"),
        denyAll("y"),
      ]);
      expect(cell(m, "x/a", "y/a")).toBe(false);
      expect(cell(m, "x/a", "z/a")).toBe(false);
      m = await probe([cnp("x-out", "Admin", "x", { egress: ["Accept", "z"] }), denyAll("x")]);
      expect(cell(m, "x/a", "z/a")).toBe(true);
      expect(cell(m, "x/b", "z/a")).toBe(true); // across nodes
      expect(cell(m, "x/a", "y/a")).toBe(false); // no match: x's NetworkPolicy decides

      // Admin Deny beats a NetworkPolicy that would allow; Pass hands back to it.
      m = await probe([cnp("y-in", "Admin", "y", { ingress: ["Deny", "z"] })]);
      expect(cell(m, "z/a", "y/a")).toBe(false);
      expect(cell(m, "x/a", "y/a")).toBe(true);
      m = await probe([cnp("y-in", "Admin", "y", { ingress: ["Pass", "z"] }), denyAll("y")]);
      expect(cell(m, "z/a", "y/a")).toBe(false);

      // Baseline Deny applies only where no NetworkPolicy isolates; Baseline Accept after an Admin Pass.
      m = await probe([cnp("floor", "Baseline", "y", { ingress: ["Deny", "z"] })]);
      expect(cell(m, "z/a", "y/a")).toBe(false);
      m = await probe([
        cnp("floor", "Baseline", "y", { ingress: ["Deny", "z"] }),
        policy("y", "from-z", {
          podSelector: {},
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: "z" } } }] }],
        }),
      ]);
      expect(cell(m, "z/a", "y/a")).toBe(true);
      m = await probe([
        cnp("pass", "Admin", "z", { egress: ["Pass", "y"] }),
        cnp("floor", "Baseline", "z", { egress: ["Deny", "y"] }),
      ]);
      expect(cell(m, "z/a", "y/a")).toBe(false);
      expect(cell(m, "z/a", "x/a")).toBe(true);
    });
  });
});
