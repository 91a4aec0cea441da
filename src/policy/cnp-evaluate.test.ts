/**
 * The tiered semantics, one test per sentence of docs/cluster-network-policy.md ("Evaluation, per
 * direction" and "Other facts"), on a small cluster decoded from YAML-shaped objects.
 */
import { describe, expect, it } from "vitest";
import { indexOf, type Json, namespace, node, pod, policy } from "../../test/support/objects.js";
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import type { Labels, Protocol } from "../k8s/model.js";
import {
  cnp,
  labels,
  namedPort,
  networks,
  ports,
  type RuleShape,
  subjectPods,
} from "../../test/support/cnp.js";
import { evaluateTieredQuery, tieredPolicies } from "./cnp-evaluate.js";
import type { TieredVerdict } from "./cnp-verdict.js";

const http = { name: "http", containerPort: 80 };

/** x/a x/b y/a on n1; y/c on n2; x/h is host-network on n2. */
function cluster(): Json[] {
  return [
    namespace("x", { ns: "x", team: "blue" }),
    namespace("y", { ns: "y", team: "red" }),
    node("n1", "192.168.0.1", ["10.0.0.0/16"]),
    node("n2", "192.168.0.2", ["10.1.0.0/16"]),
    pod("x", "a", { labels: { pod: "a" }, ips: ["10.0.0.11"], ports: [http] }),
    pod("x", "b", {
      labels: { pod: "b" },
      ips: ["10.0.0.12"],
      ports: [
        { name: "http", containerPort: 8080 },
        { name: "dns", containerPort: 53, protocol: "UDP" },
      ],
    }),
    pod("y", "a", { labels: { pod: "a" }, ips: ["10.0.1.11"], ports: [http] }),
    pod("y", "c", { labels: { pod: "c" }, ips: ["10.1.0.3"], node: "n2", ports: [http] }),
    pod("x", "h", { labels: { pod: "h" }, ips: ["192.168.0.2"], node: "n2", hostNetwork: true }),
  ];
}

interface Case {
  readonly objs?: Json[];
  readonly nodeLabels?: ReadonlyMap<string, Labels>;
}

function verdict(
  cnps: ClusterNetworkPolicy[],
  from: string,
  to: string,
  port = 80,
  protocol: Protocol = "TCP",
  c: Case = {},
): TieredVerdict {
  const ref = (s: string) => (s.includes("/") ? { pod: s } : { ip: s });
  const index = indexOf([...cluster(), ...(c.objs ?? [])]);
  const v = evaluateTieredQuery(index, tieredPolicies(cnps, c.nodeLabels), {
    from: ref(from),
    to: ref(to),
    protocol,
    port,
  });
  if (typeof v === "string") throw new Error(v);
  return v;
}

const allowed = (cnps: ClusterNetworkPolicy[], from: string, to: string, port = 80, c: Case = {}) =>
  verdict(cnps, from, to, port, "TCP", c).allowed;

const everyPod = [{ kind: "namespaces" as const, namespaces: labels() }];
const podA = [{ kind: "pods" as const, namespaces: labels(), pods: labels({ pod: "a" }) }];
const ingressRule = (action: RuleShape["action"], extra: Partial<RuleShape> = {}): RuleShape => ({
  action,
  peers: everyPod,
  ...extra,
});
const denyIngressNp = (ns: string) => policy(ns, "deny-ingress", { podSelector: {} });
const allowIngressNp = (ns: string) => policy(ns, "allow-ingress", { podSelector: {}, ingress: [{}] });

describe("Admin tier", () => {
  it("every Admin CNP whose subject selects the pod is consulted in ascending priority", () => {
    const deny = (p: number) => cnp("deny", { priority: p, ingress: [ingressRule("Deny")] });
    const accept = (p: number) => cnp("accept", { priority: p, ingress: [ingressRule("Accept")] });
    expect(allowed([deny(5), accept(10)], "x/a", "x/b", 8080)).toBe(false);
    expect(allowed([deny(50), accept(10)], "x/a", "x/b", 8080)).toBe(true);
  });

  it("a policy whose subject does not select the pod is not consulted", () => {
    const deny = cnp("deny", {
      subject: subjectPods(labels(), labels({ pod: "a" })),
      ingress: [ingressRule("Deny")],
    });
    expect(allowed([deny], "x/a", "x/b", 8080)).toBe(true);
    expect(allowed([deny], "x/b", "x/a")).toBe(false);
    const inY = cnp("y", {
      subject: subjectPods(labels({ ns: "y" }), labels({ pod: "a" })),
      ingress: [ingressRule("Deny")],
    });
    expect(allowed([inY], "x/b", "y/a")).toBe(false);
    expect(allowed([inY], "x/b", "x/a")).toBe(true);
  });

  it("inside a policy, its rules of that direction are taken in written order", () => {
    const first = (a: RuleShape["action"], b: RuleShape["action"]) =>
      cnp("p", { ingress: [ingressRule(a), ingressRule(b)] });
    expect(allowed([first("Deny", "Accept")], "x/a", "y/a")).toBe(false);
    expect(allowed([first("Accept", "Deny")], "x/a", "y/a")).toBe(true);
  });

  it("the first rule whose peers and protocols match decides: a rule for another port is skipped", () => {
    const p = cnp("p", {
      ingress: [ingressRule("Accept", { protocols: [ports("TCP", 81)] }), ingressRule("Deny")],
    });
    expect(allowed([p], "x/a", "y/a", 80)).toBe(false);
    expect(allowed([p], "x/a", "y/a", 81)).toBe(true);
  });

  it("Accept allows and nothing below is consulted: it overrides a NetworkPolicy deny and a Baseline deny", () => {
    const accept = cnp("accept", { ingress: [ingressRule("Accept")] });
    const baselineDeny = cnp("b", { tier: "Baseline", ingress: [ingressRule("Deny")] });
    const v = verdict([accept, baselineDeny], "x/a", "y/a", 80, "TCP", { objs: [denyIngressNp("y")] });
    expect(v.allowed).toBe(true);
    expect(v.ingress.decidedBy).toBe("admin");
    expect(v.ingress.baseline).toBeUndefined();
  });

  it("for egress, an Accept still leaves the destination's ingress decision to apply", () => {
    const accept = cnp("accept", { egress: [{ action: "Accept", peers: everyPod }] });
    const v = verdict([accept], "x/a", "y/a", 80, "TCP", { objs: [denyIngressNp("y")] });
    expect(v.egress.allowed).toBe(true);
    expect(v.ingress.decidedBy).toBe("network-policy");
    expect(v.allowed).toBe(false);
  });

  it("Deny drops, even what a NetworkPolicy allows", () => {
    const deny = cnp("deny", { ingress: [ingressRule("Deny")] });
    expect(allowed([deny], "x/a", "y/a", 80, { objs: [allowIngressNp("y")] })).toBe(false);
  });

  it("Pass skips the rest of the Admin tier and goes to the NetworkPolicy tier", () => {
    const pass = cnp("pass", { priority: 1, ingress: [ingressRule("Pass")] });
    const deny = cnp("deny", { priority: 2, ingress: [ingressRule("Deny")] });
    const v = verdict([pass, deny], "x/a", "y/a");
    expect(v.allowed).toBe(true);
    expect(v.ingress.admin.hit?.action).toBe("Pass");
    expect(v.ingress.decidedBy).toBe("default");
    expect(allowed([pass, deny], "x/a", "y/a", 80, { objs: [denyIngressNp("y")] })).toBe(false);
  });
});

describe("NetworkPolicy tier", () => {
  it("if a NetworkPolicy isolates the pod in this direction its answer is final; Baseline is not consulted", () => {
    const baselineDeny = cnp("b", { tier: "Baseline", ingress: [ingressRule("Deny")] });
    const baselineAccept = cnp("b", { tier: "Baseline", ingress: [ingressRule("Accept")] });
    const allow = verdict([baselineDeny], "x/a", "y/a", 80, "TCP", { objs: [allowIngressNp("y")] });
    expect(allow.allowed).toBe(true);
    expect(allow.ingress.decidedBy).toBe("network-policy");
    expect(allow.ingress.baseline).toBeUndefined();
    expect(allowed([baselineAccept], "x/a", "y/a", 80, { objs: [denyIngressNp("y")] })).toBe(false);
  });

  it("a NetworkPolicy isolating the other direction does not stop Baseline", () => {
    const baselineDeny = cnp("b", { tier: "Baseline", ingress: [ingressRule("Deny")] });
    const egressOnly = policy("y", "eg", { podSelector: {}, policyTypes: ["Egress"] });
    expect(allowed([baselineDeny], "x/a", "y/a", 80, { objs: [egressOnly] })).toBe(false);
  });
});

describe("Baseline tier and default", () => {
  it("Baseline decides like Admin for a pod no NetworkPolicy isolates, in ascending priority", () => {
    const deny = (p: number) =>
      cnp("deny", { tier: "Baseline", priority: p, ingress: [ingressRule("Deny")] });
    const accept = cnp("accept", { tier: "Baseline", priority: 10, ingress: [ingressRule("Accept")] });
    const v = verdict([deny(5), accept], "x/a", "y/a");
    expect(v.allowed).toBe(false);
    expect(v.ingress.decidedBy).toBe("baseline");
    expect(allowed([deny(20), accept], "x/a", "y/a")).toBe(true);
  });

  it("Pass in the Baseline tier moves on to the default: allowed", () => {
    const pass = cnp("pass", { tier: "Baseline", priority: 1, ingress: [ingressRule("Pass")] });
    const deny = cnp("deny", { tier: "Baseline", priority: 2, ingress: [ingressRule("Deny")] });
    const v = verdict([pass, deny], "x/a", "y/a");
    expect(v.allowed).toBe(true);
    expect(v.ingress.decidedBy).toBe("default");
  });

  it("the default is allowed", () => {
    const v = verdict([], "x/a", "y/a");
    expect(v.allowed).toBe(true);
    expect([v.egress.decidedBy, v.ingress.decidedBy]).toEqual(["default", "default"]);
  });
});

describe("other facts", () => {
  it("a CNP never isolates by itself: a selected pod whose CNP rules match nothing is unaffected", () => {
    const p = cnp("p", { ingress: [ingressRule("Accept", { peers: podA, protocols: [ports("TCP", 9)] })] });
    const v = verdict([p], "x/b", "y/a");
    expect(v.allowed).toBe(true);
    expect(v.ingress.admin.policies).toEqual(["p"]);
    expect(v.ingress.decidedBy).toBe("default");
  });

  it("a CNP with no ingress rules does not affect ingress", () => {
    const p = cnp("p", { egress: [{ action: "Deny", peers: everyPod }] });
    const v = verdict([p], "y/a", "x/a");
    expect(v.ingress.allowed).toBe(true);
    expect(v.egress.allowed).toBe(false);
  });

  it("two policies of the same tier and priority are taken by name, deterministically", () => {
    const named = (n: string, action: RuleShape["action"]) => cnp(n, { ingress: [ingressRule(action)] });
    expect(allowed([named("b", "Accept"), named("a", "Deny")], "x/a", "y/a")).toBe(false);
    expect(allowed([named("a", "Accept"), named("b", "Deny")], "x/a", "y/a")).toBe(true);
  });

  it("host-network pods are never selected by subject", () => {
    const deny = cnp("deny", { egress: [{ action: "Deny", peers: [networks("0.0.0.0/0")] }] });
    const v = verdict([deny], "x/h", "y/a");
    expect(v.egress.decidedBy).toBe("not-a-pod");
    expect(v.allowed).toBe(true);
  });

  it("host-network pods are never matched by namespaces or pods peers, but networks peers match their address", () => {
    const byNamespace = cnp("ns", { ingress: [ingressRule("Deny")] });
    expect(allowed([byNamespace], "x/h", "y/a")).toBe(true);
    const byNetwork = cnp("net", { ingress: [ingressRule("Deny", { peers: [networks("192.168.0.0/24")] })] });
    expect(allowed([byNetwork], "x/h", "y/a")).toBe(false);
  });

  it("an unsupported peer fails closed: Accept matches nothing, Deny denies everything", () => {
    const unsupported = { kind: "unsupported" as const, fields: ["domainNames"] };
    const rule = (action: RuleShape["action"]) =>
      cnp("p", { egress: [{ action, peers: [unsupported, ...everyPod], protocols: [ports("UDP", 5353)] }] });
    expect(
      allowed([rule("Accept")], "x/a", "y/a", 80, {
        objs: [policy("x", "deny", { podSelector: {}, policyTypes: ["Egress"] })],
      }),
    ).toBe(false);
    const deny = verdict([rule("Deny")], "x/a", "203.0.113.9", 443);
    expect(deny.allowed).toBe(false);
    expect(deny.egress.admin.hit?.failClosed).toContain("domainNames");
  });

  it("an Accept rule with an unsupported peer matches no traffic at all, even where another of its peers would", () => {
    const unsupported = { kind: "unsupported" as const, fields: ["domainNames"] };
    const accept = cnp("p", { egress: [{ action: "Accept", peers: [unsupported, ...everyPod] }] });
    const isolated = { objs: [policy("x", "deny", { podSelector: {}, policyTypes: ["Egress"] })] };
    expect(allowed([accept], "x/a", "y/a", 80, isolated)).toBe(false);
  });

  it("an unsupported peer in a Pass rule makes it a 'Deny all' rule, as the API's fail-closed sentence says", () => {
    const unsupported = { kind: "unsupported" as const, fields: [] };
    const pass = cnp("p", { egress: [{ action: "Pass", peers: [unsupported] }] });
    const v = verdict([pass], "x/a", "y/a");
    expect(v.allowed).toBe(false);
    expect(v.egress.admin.hit?.action).toBe("Deny");
  });

  it("an unknown subject selects every pod and fails closed: Accept matches nothing, Deny and Pass deny what they match", () => {
    const unknown = { kind: "unknown" as const, fields: ["serviceAccounts"] };
    const withAction = (action: RuleShape["action"]) =>
      cnp("u", { subject: unknown, ingress: [ingressRule(action, { peers: podA })] });
    const np = { objs: [denyIngressNp("y")] };
    expect(allowed([withAction("Accept")], "x/a", "y/c", 80, np)).toBe(false);
    expect(allowed([withAction("Deny")], "x/a", "y/c")).toBe(false);
    expect(allowed([withAction("Deny")], "x/b", "y/c")).toBe(true);
    expect(allowed([withAction("Pass")], "x/a", "y/c")).toBe(false);
  });

  it("a pod reaching itself and a pod and its own node stay allowed, as in NetworkPolicy", () => {
    const deny = cnp("deny", { ingress: [ingressRule("Deny", { peers: [networks("0.0.0.0/0")] })] });
    expect(verdict([deny], "x/a", "x/a").exemption).toBe("same-pod");
    expect(allowed([deny], "192.168.0.1", "x/a")).toBe(true);
    expect(allowed([deny], "192.168.0.2", "x/a")).toBe(false);
  });
});

describe("named ports", () => {
  it("an egress destinationNamedPort names the destination pod's container port, not the source's", () => {
    const deny = cnp("p", { egress: [{ action: "Deny", peers: everyPod, protocols: [namedPort("http")] }] });
    expect(allowed([deny], "x/a", "x/b", 8080)).toBe(false);
    expect(allowed([deny], "x/a", "x/b", 80)).toBe(true);
  });
});

describe("reasons", () => {
  it("name the tier, policy, priority, rule path and name, peer and protocols entry", () => {
    const p = cnp("guard", {
      priority: 7,
      egress: [
        { action: "Accept", peers: podA, protocols: [ports("TCP", 9)] },
        {
          action: "Deny",
          name: "no-y",
          peers: [...podA, { kind: "namespaces", namespaces: labels({ ns: "y" }) }],
          protocols: [ports("UDP", 1), ports("TCP", 80)],
        },
      ],
    });
    const v = verdict([p], "x/a", "y/c");
    expect(v.egress.admin.hit).toEqual({
      policy: "guard",
      tier: "Admin",
      priority: 7,
      rule: "spec.egress[1]",
      name: "no-y",
      action: "Deny",
      peer: "spec.egress[1].to[1]",
      port: "spec.egress[1].protocols[1]",
    });
    expect(v.reasons).toContain(
      'egress: pod x/a: Admin ClusterNetworkPolicy guard (priority 7) spec.egress[1] "no-y" (to[1], protocols[1]): Deny, denied',
    );
  });

  it("say when Pass hands over to NetworkPolicy and what NetworkPolicy decided", () => {
    const pass = cnp("pass", { ingress: [ingressRule("Pass")] });
    const v = verdict([pass], "x/a", "y/a", 80, "TCP", { objs: [denyIngressNp("y")] });
    expect(v.reasons[1]).toBe(
      "ingress: pod y/a: Admin ClusterNetworkPolicy pass (priority 10) spec.ingress[0] (from[0]): Pass, on to the next tier; isolated by NetworkPolicy y/deny-ingress; no rule allows it: denied",
    );
  });
});
