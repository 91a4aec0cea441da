import { describe, expect, it } from "vitest";
import {
  cnp,
  labels,
  namedPort,
  networks,
  ports,
  subjectNamespaces,
  subjectPods,
} from "../../../test/support/cnp.js";
import { clusterOf, namespace, pod } from "../../../test/support/lint-testing.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import type { CnpLintContext } from "./cnp-context.js";
import { lintSamePriorityOverlap } from "./cnp-overlap.js";
import { lintShadowedRules } from "./cnp-shadow.js";

const ctxOf = (policies: ClusterNetworkPolicy[], view?: CnpLintContext["view"]): CnpLintContext => ({
  policies: [...policies].sort((a, b) => (a.name < b.name ? -1 : 1)),
  inInput: new Set(policies.map((p) => p.name)),
  ...(view ? { view } : {}),
});
const found = (issues: readonly { code: string; path: string }[]) => issues.map((i) => `${i.code} ${i.path}`);

const team = (t: string) => labels({ team: t });
const everyPod = { namespaces: labels(), pods: labels() };

describe("cnp-rule-shadowed", () => {
  it("reports a rule covered by an earlier rule of the same policy, naming both", () => {
    const p = cnp("p", {
      egress: [
        { action: "Deny", peers: [networks("10.0.0.0/8")] },
        { action: "Accept", peers: [networks("10.1.0.0/16")], protocols: [ports("TCP", 443)] },
      ],
    });
    const issues = lintShadowedRules(p, ctxOf([p]));
    expect(found(issues)).toEqual(["cnp-rule-shadowed spec.egress[1]"]);
    expect(issues[0]?.message).toContain("spec.egress[0] (Deny) before it");
  });

  it("does not report a rule only partly covered: other ports, other peers, a wider CIDR, any protocol", () => {
    const p = cnp("p", {
      ingress: [
        {
          action: "Deny",
          peers: [{ kind: "namespaces", namespaces: team("a") }],
          protocols: [ports("TCP", 80)],
        },
        {
          action: "Accept",
          peers: [{ kind: "namespaces", namespaces: team("a") }],
          protocols: [ports("TCP", 80, 81)],
        },
        {
          action: "Accept",
          peers: [{ kind: "namespaces", namespaces: labels() }],
          protocols: [ports("TCP", 80)],
        },
        {
          action: "Accept",
          peers: [{ kind: "namespaces", namespaces: team("a") }],
          protocols: [ports("UDP", 80)],
        },
        { action: "Accept", peers: [{ kind: "namespaces", namespaces: team("a") }] },
      ],
      egress: [
        { action: "Deny", peers: [networks("10.1.0.0/16")] },
        { action: "Accept", peers: [networks("10.0.0.0/8")] },
        { action: "Accept", peers: [networks("10.1.0.0/16"), { kind: "pods", ...everyPod }] },
      ],
    });
    expect(lintShadowedRules(p, ctxOf([p]))).toEqual([]);
  });

  it("pods and namespaces peers: an empty namespace selector covers any pods peer; named ports by name", () => {
    const p = cnp("p", {
      egress: [
        {
          action: "Pass",
          peers: [{ kind: "namespaces", namespaces: labels() }],
          protocols: [namedPort("dns")],
        },
        {
          action: "Deny",
          peers: [{ kind: "pods", namespaces: team("a"), pods: labels({ app: "x" }) }],
          protocols: [namedPort("dns")],
        },
        {
          action: "Deny",
          peers: [{ kind: "pods", namespaces: team("a"), pods: labels({ app: "x" }) }],
          protocols: [namedPort("web")],
        },
      ],
    });
    expect(found(lintShadowedRules(p, ctxOf([p])))).toEqual(["cnp-rule-shadowed spec.egress[1]"]);
  });

  it("reports a rule covered by a higher-priority policy of the tier that selects every pod it selects", () => {
    const wide = cnp("wide", {
      priority: 5,
      subject: subjectNamespaces(),
      egress: [{ action: "Deny", peers: [networks("0.0.0.0/0")] }],
    });
    const narrow = cnp("narrow", {
      priority: 10,
      subject: subjectPods(team("a"), labels({ app: "x" })),
      egress: [{ action: "Accept", peers: [networks("192.0.2.0/24")] }],
    });
    const issues = lintShadowedRules(narrow, ctxOf([wide, narrow]));
    expect(found(issues)).toEqual(["cnp-rule-shadowed spec.egress[0]"]);
    expect(issues[0]?.message).toContain("Admin ClusterNetworkPolicy wide (priority 5)");
    expect(issues[0]?.message).toContain("spec.egress[0]");
  });

  it("does not report across policies when the earlier one does not select every pod, has the same priority, or is of the other tier", () => {
    const narrow = cnp("narrow", {
      priority: 10,
      subject: subjectNamespaces(),
      egress: [{ action: "Accept", peers: [networks("192.0.2.0/24")] }],
    });
    const rule = { action: "Deny" as const, peers: [networks("0.0.0.0/0")] };
    const partial = cnp("partial", { priority: 5, subject: subjectNamespaces(team("a")), egress: [rule] });
    const same = cnp("same", { priority: 10, egress: [rule] });
    const baseline = cnp("base", { tier: "Baseline", priority: 1, egress: [rule] });
    const after = cnp("after", { priority: 11, egress: [rule] });
    expect(lintShadowedRules(narrow, ctxOf([narrow, partial, same, baseline, after]))).toEqual([]);
  });

  it("never reports rules read fail-closed (their errors are the decoder's)", () => {
    const p = cnp("p", {
      egress: [
        { action: "Deny", peers: [{ kind: "unsupported", fields: ["domainNames"] }] },
        { action: "Accept", peers: [networks("10.0.0.0/8")] },
      ],
    });
    expect(lintShadowedRules(p, ctxOf([p]))).toEqual([]);
  });
});

describe("cnp-same-priority-overlap", () => {
  const deny = { action: "Deny" as const, peers: [networks("10.0.0.0/8")] };
  const accept = { action: "Accept" as const, peers: [networks("10.1.0.0/16")] };

  it("reports two policies of a tier and priority whose rules may match one packet with different actions, once", () => {
    const a = cnp("a", { egress: [deny] });
    const b = cnp("b", { egress: [accept] });
    const ctx = ctxOf([a, b]);
    expect(lintSamePriorityOverlap(a, ctx)).toEqual([]);
    const issues = lintSamePriorityOverlap(b, ctx);
    expect(found(issues)).toEqual(["cnp-same-priority-overlap spec.egress[0]"]);
    expect(issues[0]?.message).toContain("spec.egress[0] (Deny) of ClusterNetworkPolicy a");
    expect(issues[0]?.message).toContain("netguard applies a first");
  });

  it("does not report same actions, other priorities or tiers, disjoint subjects, disjoint traffic", () => {
    const a = cnp("a", { subject: subjectNamespaces(team("a")), egress: [deny] });
    const cases = [
      cnp("b", {
        subject: subjectNamespaces(team("a")),
        egress: [{ ...deny, peers: [networks("10.2.0.0/16")] }],
      }),
      cnp("c", { priority: 11, egress: [accept] }),
      cnp("d", { tier: "Baseline", egress: [accept] }),
      cnp("e", { subject: subjectNamespaces(team("b")), egress: [accept] }),
      cnp("f", { egress: [{ action: "Accept", peers: [networks("192.168.0.0/16")] }] }),
      cnp("g", { ingress: [{ action: "Accept", peers: [{ kind: "namespaces", namespaces: labels() }] }] }),
    ];
    for (const other of cases) expect(lintSamePriorityOverlap(other, ctxOf([a, other]))).toEqual([]);
  });

  it("reports against a policy that is only in the cluster, on the input's policy", () => {
    const a = cnp("z-input", { egress: [deny] });
    const b = cnp("a-cluster", { egress: [accept] });
    const ctx: CnpLintContext = { policies: [b, a], inInput: new Set(["z-input"]) };
    expect(found(lintSamePriorityOverlap(a, ctx))).toEqual(["cnp-same-priority-overlap spec.egress[0]"]);
  });

  it("with a view holding pods, reports only subjects sharing a pod there", () => {
    const a = cnp("a", { subject: subjectNamespaces(labels({ tenant: "a" })), egress: [deny] });
    const b = cnp("b", { subject: subjectNamespaces(labels({ env: "prod" })), egress: [accept] });
    const cluster = (prod: Record<string, string>) =>
      clusterOf([
        namespace("na", { tenant: "a", ...prod }),
        namespace("nb", { env: "prod" }),
        pod("na", "p", "10.0.0.1"),
      ]);
    expect(lintSamePriorityOverlap(b, ctxOf([a, b], cluster({})))).toEqual([]);
    expect(found(lintSamePriorityOverlap(b, ctxOf([a, b], cluster({ env: "prod" }))))).toEqual([
      "cnp-same-priority-overlap spec.egress[0]",
    ]);
    expect(found(lintSamePriorityOverlap(b, ctxOf([a, b], clusterOf([]))))).toEqual([
      "cnp-same-priority-overlap spec.egress[0]",
    ]);
  });
});
