import { describe, expect, it } from "vitest";
import { error, type Issue, warning } from "../issue/issue.js";
import { clusterPoliciesWithErrors, errorFooter } from "./input-errors.js";

const on = (i: Issue, kind: string, name?: string, namespace?: string): Issue => ({
  ...i,
  object: { kind, ...(name ? { name } : {}), ...(namespace ? { namespace } : {}) },
});

describe("the error footer", () => {
  it("names NetworkPolicies and ClusterNetworkPolicies with errors, and counts the other errors", () => {
    const issues = [
      on(error("invalid-value", "spec.priority", "x"), "ClusterNetworkPolicy", "deny-b"),
      on(error("invalid-value", "spec.egress[0]", "x"), "ClusterNetworkPolicy", "deny-a"),
      on(error("invalid-value", "spec.tier", "x"), "ClusterNetworkPolicy", "deny-b"),
      on(warning("fail-closed", "spec.subject", "x"), "ClusterNetworkPolicy", "warned"),
      on(error("invalid-value", "spec", "x"), "NetworkPolicy", "api", "shop"),
      on(error("wrong-type", "", "x"), "Pod", "p", "shop"),
    ];
    expect(clusterPoliciesWithErrors(issues)).toEqual(["deny-a", "deny-b"]);
    expect(errorFooter(issues)).toEqual([
      "policies with errors (their verdicts may not match the cluster): shop/api",
      "ClusterNetworkPolicies with errors, read fail-closed (their verdicts may not match the cluster): deny-a, deny-b",
      "1 other input error (see stderr): the result may not match the cluster",
    ]);
  });

  it("is empty without errors", () => {
    expect(errorFooter([on(warning("w", "", "x"), "ClusterNetworkPolicy", "a")])).toEqual([]);
  });
});
