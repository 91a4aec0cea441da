/**
 * The matrix with ClusterNetworkPolicies: each tier sentence on a small cluster, and the classes
 * split where a policy tells entries apart that NetworkPolicies alone would not (a `networks` CIDR
 * holding one of two look-alike pods, a pod carrying a Node's address).
 */
import { describe, expect, it } from "vitest";
import { cnp, labels, networks, ports, subjectPods } from "../../test/support/cnp.js";
import { type Json, namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import { indexSnapshot } from "./cluster-index.js";
import { type MatrixEngine, matrixEngine } from "./matrix-engine.js";

const http = { name: "http", containerPort: 80 };
const TCP80 = [{ port: 80, protocol: "TCP" as const }];

/** x/a, x/b (look-alikes but for their address), y/c; x/h host-network on n2 (labelled role=infra). */
function objects(): Json[] {
  const n2 = node("n2", "192.168.0.2", ["10.1.0.0/16"]);
  return [
    namespace("x", { ns: "x" }),
    namespace("y", { ns: "y" }),
    node("n1", "192.168.0.1", ["10.0.0.0/16"]),
    { ...n2, metadata: { name: "n2", labels: { role: "infra" } } },
    pod("x", "a", { labels: { app: "web" }, ips: ["10.0.0.11"], ports: [http] }),
    pod("x", "b", { labels: { app: "web" }, ips: ["10.0.0.200"], ports: [http] }),
    pod("y", "c", { labels: { app: "db" }, ips: ["10.0.1.3"], ports: [http] }),
    pod("x", "h", { labels: { app: "agent" }, node: "n2", hostNetwork: true }),
  ];
}

/** An isolating NetworkPolicy: y/c accepts ingress from x/a only. */
const dbFromA = policy("y", "db", {
  podSelector: {},
  policyTypes: ["Ingress"],
  ingress: [
    {
      from: [
        { namespaceSelector: { matchLabels: { ns: "x" } }, podSelector: { matchLabels: { app: "web" } } },
      ],
    },
  ],
});

function engineOf(cnps: ClusterNetworkPolicy[], extra: Json[] = []): MatrixEngine {
  const snapshot = snapshotOf([...objects(), ...extra]);
  return matrixEngine(indexSnapshot({ ...snapshot, clusterPolicies: cnps }), TCP80);
}

/** `from -> to` on TCP/80: true (allowed), false (denied) or the note. */
function allowed(e: MatrixEngine, from: string, to: string): boolean | string {
  const find = (ref: string) => e.sources.find((p) => `${p.namespace}/${p.name}` === ref);
  const [a, b] = [find(from), find(to)];
  if (!a || !b) throw new Error(`no entry ${from} or ${to}`);
  const c = e.cell(a, b, 0);
  return c.kind === "evaluated" ? c.allowed : c.note;
}

const toY = [{ kind: "namespaces" as const, namespaces: labels({ ns: "y" }) }];
const fromX = [{ kind: "namespaces" as const, namespaces: labels({ ns: "x" }) }];

describe("matrix engine with ClusterNetworkPolicies", () => {
  it("an Admin Deny overrides a NetworkPolicy allow", () => {
    const deny = cnp("deny-x", {
      subject: subjectPods(labels({ ns: "y" }), labels()),
      ingress: [{ action: "Deny", peers: fromX }],
    });
    expect(allowed(engineOf([], [dbFromA]), "x/a", "y/c")).toBe(true);
    expect(allowed(engineOf([deny], [dbFromA]), "x/a", "y/c")).toBe(false);
  });

  it("an Admin Accept at the source's egress ends egress checks, but the destination's ingress still applies", () => {
    const accept = cnp("egress-ok", { egress: [{ action: "Accept", peers: toY }] });
    const egressDeny = policy("x", "no-egress", { podSelector: {}, policyTypes: ["Egress"] });
    const e = engineOf([accept], [egressDeny, dbFromA]);
    expect(allowed(e, "x/a", "y/c")).toBe(true);
    expect(allowed(e, "x/a", "x/b")).toBe(false);
    expect(
      allowed(
        engineOf(
          [accept],
          [egressDeny, policy("y", "closed", { podSelector: {}, policyTypes: ["Ingress"] })],
        ),
        "x/a",
        "y/c",
      ),
    ).toBe(false);
  });

  it("a Baseline Deny applies only to pods no NetworkPolicy isolates", () => {
    const deny = cnp("default-deny", { tier: "Baseline", ingress: [{ action: "Deny", peers: fromX }] });
    const isolated = engineOf([deny], [dbFromA]);
    expect(allowed(isolated, "x/a", "y/c")).toBe(true); // y/c is isolated: its NetworkPolicy decides
    const open = engineOf([deny]);
    expect(allowed(open, "x/a", "y/c")).toBe(false);
    expect(allowed(open, "x/b", "x/a")).toBe(false);
    expect(allowed(open, "y/c", "x/a")).toBe(true); // the rule names sources in x only
  });

  it("Pass skips the rest of the Admin tier and leaves the packet to NetworkPolicy, then Baseline", () => {
    const pass = cnp("pass", { priority: 1, ingress: [{ action: "Pass", peers: fromX }] });
    const deny = cnp("deny", { priority: 2, ingress: [{ action: "Deny", peers: fromX }] });
    const baseline = cnp("baseline", { tier: "Baseline", ingress: [{ action: "Deny", peers: fromX }] });
    expect(allowed(engineOf([pass, deny], [dbFromA]), "x/a", "y/c")).toBe(true);
    expect(allowed(engineOf([pass, deny, baseline]), "x/a", "y/c")).toBe(false);
    expect(allowed(engineOf([pass, deny]), "x/a", "y/c")).toBe(true);
  });

  it("the lower priority number decides; the protocols entry must match", () => {
    const accept = (priority: number) =>
      cnp("a-accept", { priority, ingress: [{ action: "Accept", peers: fromX }] });
    const deny = (priority: number) =>
      cnp("b-deny", { priority, ingress: [{ action: "Deny", peers: fromX, protocols: [ports("TCP", 80)] }] });
    expect(allowed(engineOf([accept(1), deny(2)]), "x/a", "y/c")).toBe(true);
    expect(allowed(engineOf([accept(3), deny(2)]), "x/a", "y/c")).toBe(false);
    const deny443 = cnp("deny-443", {
      ingress: [{ action: "Deny", peers: fromX, protocols: [ports("TCP", 443)] }],
    });
    expect(allowed(engineOf([deny443]), "x/a", "y/c")).toBe(true);
  });

  it("a networks CIDR holding one of two look-alike pods tells them apart", () => {
    const egress = cnp("no-low", { egress: [{ action: "Deny", peers: [networks("10.0.0.0/25")] }] });
    const e = engineOf([egress]);
    expect(allowed(e, "y/c", "x/a")).toBe(false); // 10.0.0.11 is in 10.0.0.0/25
    expect(allowed(e, "y/c", "x/b")).toBe(true); // 10.0.0.200 is not
    expect(allowed(engineOf([]), "y/c", "x/a")).toBe(true);
  });

  it("a nodes peer matches the selected Nodes' addresses: host-network entries there, and a pod carrying one", () => {
    const noInfra = cnp("no-infra", {
      egress: [{ action: "Deny", peers: [{ kind: "nodes", nodes: labels({ role: "infra" }) }] }],
    });
    const e = engineOf(
      [noInfra],
      [pod("y", "d", { labels: { app: "db" }, ips: ["192.168.0.2"], ports: [http] })],
    );
    expect(allowed(e, "y/c", "x/h")).toBe(false);
    expect(allowed(e, "x/a", "y/d")).toBe(false); // y/d carries n2's address
    expect(allowed(e, "x/a", "y/c")).toBe(true); // y/c and y/d are otherwise alike
  });

  it("an unsupported peer fails closed: an Accept rule matches nothing, a Pass rule denies everything", () => {
    const unsupported = { kind: "unsupported" as const, fields: ["domainNames"] };
    const accept = cnp("accept", { ingress: [{ action: "Accept", peers: [unsupported] }] });
    expect(
      allowed(
        engineOf([accept], [policy("y", "closed", { podSelector: {}, policyTypes: ["Ingress"] })]),
        "x/a",
        "y/c",
      ),
    ).toBe(false);
    const pass = cnp("pass", { ingress: [{ action: "Pass", peers: [unsupported] }] });
    expect(allowed(engineOf([pass]), "x/a", "y/c")).toBe(false);
  });

  it("with no ClusterNetworkPolicy the look-alike pods share a class; a networks CIDR between them splits it", () => {
    const classes = (e: MatrixEngine) =>
      ["x/a", "x/b"].map((r) => e.classOf(e.sources.find((p) => `${p.namespace}/${p.name}` === r) as never));
    const [a, b] = classes(engineOf([]));
    expect(a).toBe(b);
    const [c, d] = classes(
      engineOf([cnp("split", { egress: [{ action: "Deny", peers: [networks("10.0.0.0/25")] }] })]),
    );
    expect(c).not.toBe(d);
  });
});
