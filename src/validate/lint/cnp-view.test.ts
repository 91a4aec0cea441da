import { describe, expect, it } from "vitest";
import { cnp, labels, networks, ports, subjectNamespaces } from "../../../test/support/cnp.js";
import { clusterOf, manifest, namespace, pod } from "../../../test/support/lint-testing.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { lintBaselineUnreachable } from "./cnp-baseline.js";
import type { CnpLintContext } from "./cnp-context.js";
import { lintExperimentalFields } from "./cnp-experimental.js";
import { lintNetworksCoverPods } from "./cnp-networks.js";
import { lintUselessPass } from "./cnp-pass.js";

const ctxOf = (policies: ClusterNetworkPolicy[], view?: ClusterIndex): CnpLintContext => ({
  policies: [...policies].sort((a, b) => (a.name < b.name ? -1 : 1)),
  inInput: new Set(policies.map((p) => p.name)),
  ...(view ? { view } : {}),
});
const found = (issues: readonly { code: string; path: string }[]) => issues.map((i) => `${i.code} ${i.path}`);

const team = (t: string) => labels({ team: t });
const allPods = { kind: "namespaces" as const, namespaces: labels() };
/** Namespace `a` (team a) with pod a/p, namespace `b` with pod b/q; `a` isolated for ingress when asked. */
function view(isolateA = false): ClusterIndex {
  return clusterOf([
    namespace("a", { team: "a" }),
    namespace("b", { team: "b" }),
    pod("a", "p", "10.244.1.5"),
    pod("b", "q", "10.244.2.5"),
    ...(isolateA ? [manifest({ podSelector: {}, policyTypes: ["Ingress"] }, "iso", "a")] : []),
  ]);
}

describe("cnp-useless-pass", () => {
  it("a Baseline Pass with no later Baseline rule that could deny is the same as no rule", () => {
    const p = cnp("p", { tier: "Baseline", ingress: [{ action: "Pass", peers: [allPods] }] });
    const issues = lintUselessPass(p, ctxOf([p]));
    expect(found(issues)).toEqual(["cnp-useless-pass spec.ingress[0]"]);
    expect(issues[0]?.message).toContain("same effect as no rule");
  });

  it("a Baseline Pass before a Baseline Deny acts as Accept, naming the Deny (in its policy or a later one)", () => {
    const pass = { action: "Pass" as const, peers: [allPods], protocols: [ports("TCP", 53)] };
    const deny = { action: "Deny" as const, peers: [allPods] };
    const own = cnp("own", { tier: "Baseline", ingress: [pass, deny] });
    expect(lintUselessPass(own, ctxOf([own]))[0]?.message).toContain(
      "acts as Accept, exempting the traffic both match from spec.ingress[1]",
    );
    const first = cnp("first", { tier: "Baseline", priority: 1, ingress: [pass] });
    const later = cnp("later", { tier: "Baseline", priority: 2, ingress: [deny] });
    expect(lintUselessPass(first, ctxOf([first, later]))[0]?.message).toContain(
      "spec.ingress[0] of Baseline ClusterNetworkPolicy later (priority 2)",
    );
  });

  it("an Admin Pass is reported only with a view where no pod it selects is isolated or has a Baseline rule that could deny", () => {
    const pass = cnp("pass", { ingress: [{ action: "Pass", peers: [allPods] }] });
    expect(lintUselessPass(pass, ctxOf([pass]))).toEqual([]); // no view: NetworkPolicies unknown
    const issues = lintUselessPass(pass, ctxOf([pass], view()));
    expect(found(issues)).toEqual(["cnp-useless-pass spec.ingress[0]"]);
    expect(issues[0]?.message).toContain("no NetworkPolicy isolates the 2 pods");
    expect(lintUselessPass(pass, ctxOf([pass], view(true)))).toEqual([]); // a/p is isolated
    const baseline = cnp("base", {
      tier: "Baseline",
      subject: subjectNamespaces(team("b")),
      ingress: [{ action: "Deny", peers: [allPods] }],
    });
    expect(lintUselessPass(pass, ctxOf([pass, baseline], view()))).toEqual([]);
    const accepting = cnp("base", { tier: "Baseline", ingress: [{ action: "Accept", peers: [allPods] }] });
    expect(found(lintUselessPass(pass, ctxOf([pass, accepting], view())))).toEqual([
      "cnp-useless-pass spec.ingress[0]",
    ]);
  });

  it("Accept and Deny rules are never reported", () => {
    const p = cnp("p", {
      tier: "Baseline",
      ingress: [
        { action: "Accept", peers: [allPods] },
        { action: "Deny", peers: [allPods] },
      ],
    });
    expect(lintUselessPass(p, ctxOf([p], view()))).toEqual([]);
  });
});

describe("cnp-baseline-unreachable", () => {
  const base = cnp("base", {
    tier: "Baseline",
    subject: subjectNamespaces(team("a")),
    ingress: [{ action: "Deny", peers: [allPods] }],
    egress: [{ action: "Deny", peers: [allPods] }],
  });

  it("reports a direction whose every subject pod is isolated by a NetworkPolicy, naming it", () => {
    const issues = lintBaselineUnreachable(base, ctxOf([base], view(true)));
    expect(found(issues)).toEqual(["cnp-baseline-unreachable spec.ingress"]);
    expect(issues[0]?.message).toContain("a/iso");
  });

  it("is silent without a view, when a subject pod is not isolated, or when the subject selects no pod", () => {
    expect(lintBaselineUnreachable(base, ctxOf([base]))).toEqual([]);
    expect(lintBaselineUnreachable(base, ctxOf([base], view(false)))).toEqual([]);
    const wide = cnp("wide", { tier: "Baseline", ingress: [{ action: "Deny", peers: [allPods] }] });
    expect(lintBaselineUnreachable(wide, ctxOf([wide], view(true)))).toEqual([]); // b/q is not isolated
    const none = cnp("none", {
      tier: "Baseline",
      subject: subjectNamespaces(team("z")),
      ingress: [{ action: "Deny", peers: [allPods] }],
    });
    expect(lintBaselineUnreachable(none, ctxOf([none], view(true)))).toEqual([]);
    expect(lintBaselineUnreachable({ ...base, tier: "Admin" }, ctxOf([base], view(true)))).toEqual([]);
  });
});

describe("cnp-networks-cover-pods", () => {
  const p = cnp("p", { egress: [{ action: "Deny", peers: [networks("192.0.2.0/24", "10.0.0.0/8")] }] });

  it("reports a networks entry holding pod addresses, naming the pods", () => {
    const issues = lintNetworksCoverPods(p, view());
    expect(found(issues)).toEqual(["cnp-networks-cover-pods spec.egress[0].to[0].networks[1]"]);
    expect(issues[0]?.message).toContain("a/p, b/q");
  });

  it("prefers the Nodes' pod CIDRs when the view has them", () => {
    const node = {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: "n1" },
      spec: { podCIDR: "10.244.1.0/24", podCIDRs: ["10.244.1.0/24"] },
      status: { addresses: [{ type: "InternalIP", address: "192.168.0.10" }] },
    };
    const issues = lintNetworksCoverPods(p, clusterOf([node]));
    expect(issues[0]?.message).toContain("10.244.1.0/24 of Node n1");
  });

  it("is silent without a view or when no pod address is covered", () => {
    expect(lintNetworksCoverPods(p, undefined)).toEqual([]);
    const outside = cnp("o", { egress: [{ action: "Deny", peers: [networks("192.0.2.0/24", "fd00::/8")] }] });
    expect(lintNetworksCoverPods(outside, view())).toEqual([]);
  });
});

describe("cnp-experimental-field", () => {
  it("reports nodes peers, domainNames and destinationNamedPort at their paths, as written", () => {
    const p = {
      spec: {
        ingress: [
          { action: "Accept", from: [{ namespaces: {} }], protocols: [{ destinationNamedPort: "m" }] },
        ],
        egress: [
          { action: "Accept", to: [{ networks: ["10.0.0.0/8"] }, { nodes: {} }] },
          { action: "Accept", to: [{ domainNames: ["example.com"] }] },
          { action: "Deny", to: [{ nodes: {} }], protocols: [{ tcp: { destinationPort: { number: 0 } } }] },
        ],
      },
    };
    expect(found(lintExperimentalFields(p))).toEqual([
      "cnp-experimental-field spec.ingress[0].protocols[0].destinationNamedPort",
      "cnp-experimental-field spec.egress[0].to[1].nodes",
      "cnp-experimental-field spec.egress[1].to[0].domainNames",
      "cnp-experimental-field spec.egress[2].to[0].nodes",
    ]);
  });

  it("reports nothing for standard-channel fields or malformed lists", () => {
    expect(lintExperimentalFields({ spec: { egress: "x", ingress: [1, { from: null }] } })).toEqual([]);
    expect(lintExperimentalFields({})).toEqual([]);
  });
});
