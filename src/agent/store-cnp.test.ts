import { describe, expect, it } from "vitest";
import { clusterPolicy, denyIngressTo, namespacesOf, podsOf } from "../../test/support/agent-cnp.js";
import { ClusterStore } from "./store.js";

/** A list item: no kind or apiVersion, as the API server sends them. */
const item = (o: Record<string, unknown>, rv = "1") => ({
  metadata: { ...(o.metadata as object), resourceVersion: rv },
  spec: o.spec,
});
const names = (s: ClusterStore) =>
  s.snapshot().clusterPolicies.map((p) => `${p.tier}/${p.name}/${p.priority}`);

describe("ClusterStore: ClusterNetworkPolicies", () => {
  it("holds them by name and the snapshot carries them, sorted by name", () => {
    const s = new ClusterStore();
    s.upsert("ClusterNetworkPolicy", item(denyIngressTo("zeta", "web", 30)));
    s.upsert(
      "ClusterNetworkPolicy",
      item(
        clusterPolicy("alpha", {
          tier: "Baseline",
          priority: 3,
          subject: namespacesOf(),
          egress: [{ action: "Deny", to: [{ networks: ["169.254.169.254/32"] }] }],
        }),
      ),
    );
    expect(names(s)).toEqual(["Baseline/alpha/3", "Admin/zeta/30"]);
    expect(s.counts().ClusterNetworkPolicy).toBe(2);
    s.upsert("ClusterNetworkPolicy", item(denyIngressTo("zeta", "web", 40), "2"));
    expect(names(s)).toEqual(["Baseline/alpha/3", "Admin/zeta/40"]);
    s.remove("ClusterNetworkPolicy", undefined, "zeta", "3");
    expect(names(s)).toEqual(["Baseline/alpha/3"]);
  });

  it("keeps a policy with an unknown peer field, the peer read as unsupported (the compiler fails it closed)", () => {
    const s = new ClusterStore();
    const issues = s.upsert(
      "ClusterNetworkPolicy",
      item(
        clusterPolicy("future", {
          tier: "Admin",
          priority: 1,
          subject: podsOf({ app: "db" }),
          ingress: [{ action: "Accept", from: [{ serviceAccounts: { name: "x" } }] }],
        }),
      ),
    );
    expect(issues.some((i) => i.severity === "error")).toBe(true);
    expect(issues[0]?.object).toMatchObject({ kind: "ClusterNetworkPolicy", name: "future" });
    const p = s.snapshot().clusterPolicies[0];
    expect(p?.ingress[0]?.peers.map((x) => x.kind)).toEqual(["unsupported"]);
  });

  it("clear drops every object of the kind (a CRD deleted) and nothing else", () => {
    const s = new ClusterStore();
    s.upsert("ClusterNetworkPolicy", item(denyIngressTo("a", "web")));
    s.upsert("ClusterNetworkPolicy", item(denyIngressTo("b", "web")));
    s.upsert("NetworkPolicy", { metadata: { name: "np", namespace: "x" }, spec: { podSelector: {} } });
    s.remove("ClusterNetworkPolicy", undefined, "b", "9");
    expect(s.clear("ClusterNetworkPolicy")).toBe(1);
    expect(s.snapshot().clusterPolicies).toEqual([]);
    expect(s.counts().NetworkPolicy).toBe(1);
    // The tombstone went with the kind: the same object, re-created with the CRD, is taken.
    s.upsertFresh("ClusterNetworkPolicy", item(denyIngressTo("b", "web"), "5"));
    expect(names(s)).toEqual(["Admin/b/10"]);
  });
});
