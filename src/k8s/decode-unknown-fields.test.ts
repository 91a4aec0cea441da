import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { decodeObject } from "./decode-object.js";
import type { NetworkPolicy } from "./model.js";

type Json = Record<string, unknown>;

function policyOf(spec: unknown, extra: Json = {}): { policy: NetworkPolicy; issues: Issue[] } {
  const { decoded, issues } = decodeObject(
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "ns" },
      spec,
      ...extra,
    },
    { file: "kubernetes:NetworkPolicy", line: 0 },
  );
  if (decoded?.kind !== "NetworkPolicy") throw new Error(`not decoded: ${JSON.stringify(issues)}`);
  return { policy: decoded.value, issues };
}

const unknownAt = (issues: readonly Issue[]) =>
  issues.filter((i) => i.code === "unknown-field" && i.severity === "error").map((i) => i.path);

const fromApp = { podSelector: { matchLabels: { app: "a" } } };

describe("an unknown field in a NetworkPolicy is reported and fails closed", () => {
  it("a typed client's `_from` (instead of `from`) drops the rule: it allows nothing, not everyone", () => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [{ _from: [fromApp] }] });
    expect(unknownAt(issues)).toEqual(["spec.ingress[0]._from"]);
    expect(issues.find((i) => i.path === "spec.ingress[0]._from")?.message).toContain("did you mean `from`");
    expect(policy.affectsIngress).toBe(true);
    expect(policy.ingress).toEqual([]);
  });

  it("a `matchLabel` typo in a peer's podSelector drops the rule instead of widening the peer", () => {
    const { policy, issues } = policyOf({
      podSelector: {},
      ingress: [{ from: [{ podSelector: { matchLabel: { app: "a" } } }] }],
    });
    expect(unknownAt(issues)).toEqual(["spec.ingress[0].from[0].podSelector.matchLabel"]);
    expect(policy.ingress).toEqual([]);
  });

  it.each<[string, Json, string]>([
    [
      "in an ipBlock",
      { to: [{ ipBlock: { cidr: "10.0.0.0/8", exept: ["10.1.0.0/16"] } }] },
      "spec.egress[0].to[0].ipBlock.exept",
    ],
    ["in a port", { ports: [{ port: 80, endport: 90 }] }, "spec.egress[0].ports[0].endport"],
    [
      "in a peer",
      { to: [{ podSelector: {}, nameSpaceSelector: {} }] },
      "spec.egress[0].to[0].nameSpaceSelector",
    ],
    ["in a rule", { to: [fromApp], from: [fromApp] }, "spec.egress[0].from"],
    [
      "in a selector requirement",
      { to: [{ podSelector: { matchExpressions: [{ key: "a", operator: "Exists", value: [] }] } }] },
      "spec.egress[0].to[0].podSelector.matchExpressions[0].value",
    ],
  ])("%s: the egress rule is dropped", (_what, rule, path) => {
    const { policy, issues } = policyOf({ podSelector: {}, policyTypes: ["Egress"], egress: [rule] });
    expect(unknownAt(issues)).toEqual([path]);
    expect(policy.affectsEgress).toBe(true);
    expect(policy.egress).toEqual([]);
  });

  it("an unknown spec field isolates the selected pods in both directions and allows nothing", () => {
    const { policy, issues } = policyOf({
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{}],
      action: "Allow",
    });
    expect(unknownAt(issues)).toEqual(["spec.action"]);
    expect(policy.podSelector.matchLabels).toEqual({ app: "db" });
    expect([policy.affectsIngress, policy.affectsEgress]).toEqual([true, true]);
    expect([policy.ingress, policy.egress]).toEqual([[], []]);
  });

  it("an unknown top-level field fails closed the same way", () => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [{}] }, { specs: {} });
    expect(unknownAt(issues)).toEqual(["specs"]);
    expect([policy.affectsIngress, policy.affectsEgress, policy.ingress]).toEqual([true, true, []]);
  });

  it("an unknown field in spec.podSelector selects every pod of the namespace and allows nothing", () => {
    const { policy, issues } = policyOf({ podSelector: { matchLabel: { app: "db" } }, ingress: [{}] });
    expect(unknownAt(issues)).toEqual(["spec.podSelector.matchLabel"]);
    expect(policy.podSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(policy.ingress).toEqual([]);
  });

  it("status and the known fields are accepted silently", () => {
    const { issues } = policyOf(
      { podSelector: {}, policyTypes: ["Ingress"], ingress: [{ from: [fromApp], ports: [{ port: 80 }] }] },
      { status: {} },
    );
    expect(issues).toEqual([]);
  });
});
