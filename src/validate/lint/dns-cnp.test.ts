import { describe, expect, it } from "vitest";
import { cnp, labels, ports, subjectNamespaces, subjectPods } from "../../../test/support/cnp.js";
import {
  clusterOf,
  decodePolicyObject,
  found,
  manifest,
  namespace,
  pod,
} from "../../../test/support/lint-testing.js";
import type { ClusterNetworkPolicy } from "../../k8s/cnp-model.js";
import type { ClusterIndex } from "../../policy/cluster-index.js";
import { lintDnsEgress } from "./dns.js";

const raw = manifest({ podSelector: {}, policyTypes: ["Egress"] }, "deny", "ns");
const policy = decodePolicyObject(raw);
const lint = (cnps: ClusterNetworkPolicy[], cluster?: ClusterIndex) =>
  found(
    lintDnsEgress(policy, { policies: [policy], clusterPolicies: cnps, ...(cluster ? { cluster } : {}) }),
  );

const dns = [ports("UDP", 53), ports("TCP", 53)];
const toDns = [{ kind: "pods" as const, namespaces: labels(), pods: labels({ k8s: "dns" }) }];
const accept = (subject = subjectNamespaces()) =>
  cnp("dns", { subject, egress: [{ action: "Accept", peers: toDns, protocols: dns }] });

describe("no-dns-egress with ClusterNetworkPolicies", () => {
  it("is silenced by an Admin policy Accepting DNS egress for the pods (the NetworkPolicy is not consulted)", () => {
    expect(lint([])).toEqual(["no-dns-egress spec.egress"]);
    expect(lint([accept()])).toEqual([]);
  });

  it("is not silenced by a Deny, a Baseline Accept (never consulted for isolated pods), other ports, or another namespace", () => {
    const others = [
      cnp("d", { egress: [{ action: "Deny", peers: toDns, protocols: dns }] }),
      cnp("b", { tier: "Baseline", egress: [{ action: "Accept", peers: toDns, protocols: dns }] }),
      cnp("p", { egress: [{ action: "Accept", peers: toDns, protocols: [ports("TCP", 443)] }] }),
      accept(subjectNamespaces(labels({ "kubernetes.io/metadata.name": "other" }))),
    ];
    for (const c of others) expect(lint([c])).toEqual(["no-dns-egress spec.egress"]);
  });

  it("with a cluster, counts only the pods the Admin policy selects", () => {
    const cluster = clusterOf([
      namespace("ns"),
      pod("ns", "web", "10.0.0.1", { app: "web" }),
      pod("ns", "db", "10.0.0.2", { app: "db" }),
      raw,
    ]);
    const issues = lintDnsEgress(policy, {
      policies: [policy],
      clusterPolicies: [accept(subjectPods(labels(), labels({ app: "web" })))],
      cluster,
    });
    expect(found(issues)).toEqual(["no-dns-egress spec.egress"]);
    expect(issues[0]?.message).toContain("pods ns/db cannot");
    expect(lint([accept()], cluster)).toEqual([]);
  });
});
