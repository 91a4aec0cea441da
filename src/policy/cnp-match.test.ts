/**
 * Peers and protocols of one ClusterNetworkPolicy rule against one packet: `networks`, `nodes`,
 * `namespaces`/`pods`, `tcp`/`udp`/`sctp` ranges and `destinationNamedPort`.
 */
import { describe, expect, it } from "vitest";
import { indexOf, namespace, node, pod } from "../../test/support/objects.js";
import type { CnpRule } from "../k8s/cnp-model.js";
import type { Labels, Pod, Protocol } from "../k8s/model.js";
import { addrKey, parseAddr } from "../net/address.js";
import { cnp, labels, namedPort, networks, ports, type RuleShape } from "../../test/support/cnp.js";
import { type CnpMatchContext, cnpPeerMatches, matchCnpRule } from "./cnp-match.js";
import type { Endpoint } from "./endpoint.js";

const index = indexOf([
  namespace("x", { ns: "x" }),
  node("n1", "192.168.0.1", ["10.0.0.0/16"]),
  node("n2", "192.168.0.2", ["10.1.0.0/16"]),
  pod("x", "a", { labels: { pod: "a" }, ips: ["10.0.0.11"] }),
  pod("x", "b", {
    labels: { pod: "b" },
    ips: ["10.0.0.12"],
    ports: [
      { name: "http", containerPort: 8080 },
      { name: "dns", containerPort: 53, protocol: "UDP" },
    ],
  }),
]);

const ctx = (nodeLabels: ReadonlyMap<string, Labels> = new Map()): CnpMatchContext => ({ index, nodeLabels });

function podEnd(ref: string): Endpoint & { kind: "pod" } {
  const p = index.podsByRef.get(ref) as Pod;
  return { kind: "pod", pod: p, ...(p.ips[0] ? { addr: p.ips[0] } : {}) };
}

function ipEnd(ip: string): Endpoint {
  const addr = parseAddr(ip);
  if (!addr) throw new Error(ip);
  const n = index.nodeByAddr.get(addrKey(addr));
  return n ? { kind: "node", node: n, addr } : { kind: "external", addr };
}

const peerOf = (shape: RuleShape["peers"][number]) => ({ ...shape, index: 0 });

describe("networks peers", () => {
  it("match any address in the CIDRs, pod addresses included, of the same family only", () => {
    const m = (cidr: string, end: Endpoint) => cnpPeerMatches(ctx(), peerOf(networks(cidr)), end);
    expect(m("0.0.0.0/0", podEnd("x/b"))).toBe(true);
    expect(m("10.0.0.12/32", podEnd("x/b"))).toBe(true);
    expect(m("10.0.0.11/32", podEnd("x/b"))).toBe(false);
    expect(m("::/0", podEnd("x/b"))).toBe(false);
    expect(m("203.0.113.0/24", ipEnd("203.0.113.9"))).toBe(true);
    expect(m("0.0.0.0/0", { kind: "pod", pod: podEnd("x/b").pod })).toBe(false);
  });

  it("match when any one of several CIDRs contains the address", () => {
    const peer = peerOf(networks("198.51.100.0/24", "10.0.0.12/32"));
    expect(cnpPeerMatches(ctx(), peer, podEnd("x/b"))).toBe(true);
  });
});

describe("nodes peers", () => {
  const infra = peerOf({ kind: "nodes", nodes: labels({ role: "infra" }) });
  const nodeLabels = new Map([["n2", { role: "infra" }]]);

  it("match the addresses in the selected Nodes' status.addresses", () => {
    expect(cnpPeerMatches(ctx(nodeLabels), infra, ipEnd("192.168.0.2"))).toBe(true);
  });

  it("do not match an unselected Node, a selected Node's pod-CIDR gateway, or a pod", () => {
    expect(cnpPeerMatches(ctx(nodeLabels), infra, ipEnd("192.168.0.1"))).toBe(false);
    expect(cnpPeerMatches(ctx(nodeLabels), infra, ipEnd("10.1.0.1"))).toBe(false);
    expect(cnpPeerMatches(ctx(nodeLabels), infra, podEnd("x/a"))).toBe(false);
  });

  it("select by Node labels: without labels only the empty selector selects a Node", () => {
    expect(cnpPeerMatches(ctx(), infra, ipEnd("192.168.0.2"))).toBe(false);
    expect(cnpPeerMatches(ctx(), peerOf({ kind: "nodes", nodes: labels() }), ipEnd("192.168.0.1"))).toBe(
      true,
    );
  });
});

describe("namespaces and pods peers", () => {
  it("match pods only, by namespace labels and (for pods) pod labels", () => {
    const ns = (l: Record<string, string>) => peerOf({ kind: "namespaces", namespaces: labels(l) });
    expect(cnpPeerMatches(ctx(), ns({ ns: "x" }), podEnd("x/a"))).toBe(true);
    expect(cnpPeerMatches(ctx(), ns({ ns: "y" }), podEnd("x/a"))).toBe(false);
    expect(cnpPeerMatches(ctx(), ns({}), ipEnd("192.168.0.1"))).toBe(false);
    const pods = peerOf({ kind: "pods", namespaces: labels(), pods: labels({ pod: "b" }) });
    expect(cnpPeerMatches(ctx(), pods, podEnd("x/b"))).toBe(true);
    expect(cnpPeerMatches(ctx(), pods, podEnd("x/a"))).toBe(false);
  });
});

function ruleOf(shape: RuleShape): CnpRule {
  return cnp("p", { egress: [shape] }).egress[0] as CnpRule;
}

const egressTo = (rule: CnpRule, ref: string, port: number, protocol: Protocol = "TCP") => {
  const to = podEnd(ref);
  return matchCnpRule(ctx(), rule, { peer: to, receiver: to.pod, protocol, port });
};

describe("protocols", () => {
  const everyPod = [{ kind: "namespaces" as const, namespaces: labels() }];

  it("absent means every protocol and port", () => {
    const rule = ruleOf({ action: "Deny", peers: everyPod });
    expect(egressTo(rule, "x/b", 9000, "SCTP")).toEqual({ action: "Deny", peer: 0 });
  });

  it("a port range includes both ends and needs the same protocol", () => {
    const rule = ruleOf({
      action: "Deny",
      peers: everyPod,
      protocols: [ports("UDP", 1), ports("TCP", 80, 90)],
    });
    expect([79, 80, 90, 91].map((p) => egressTo(rule, "x/b", p)?.port)).toEqual([undefined, 1, 1, undefined]);
    expect(egressTo(rule, "x/b", 80, "UDP")).toBeUndefined();
  });

  it("destinationNamedPort resolves against the destination pod's container ports, whatever their protocol", () => {
    const rule = (name: string) => ruleOf({ action: "Deny", peers: everyPod, protocols: [namedPort(name)] });
    expect(egressTo(rule("http"), "x/b", 8080)?.port).toBe(0);
    expect(egressTo(rule("http"), "x/b", 80)).toBeUndefined();
    expect(egressTo(rule("dns"), "x/b", 53, "UDP")?.port).toBe(0);
    expect(egressTo(rule("dns"), "x/b", 53, "TCP")).toBeUndefined();
    expect(egressTo(rule("http"), "x/a", 8080)).toBeUndefined();
  });
});
