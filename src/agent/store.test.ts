import { describe, expect, it } from "vitest";
import { ClusterStore } from "./store.js";

describe("ClusterStore", () => {
  it("decodes API objects that lack kind and apiVersion (list items) and assembles a sorted snapshot", () => {
    const s = new ClusterStore();
    s.upsert("Pod", { metadata: { name: "b", namespace: "x" }, status: { podIP: "10.0.0.2" } });
    s.upsert("Pod", {
      metadata: { name: "a", namespace: "x", labels: { app: "a" } },
      status: { podIP: "10.0.0.1" },
    });
    s.upsert("NetworkPolicy", { metadata: { name: "deny", namespace: "x" }, spec: { podSelector: {} } });
    const snap = s.snapshot();
    expect(snap.pods.map((p) => p.name)).toEqual(["a", "b"]);
    expect(snap.policies.map((p) => p.name)).toEqual(["deny"]);
    expect(snap.namespaces.get("x")?.declared).toBe(false);
    expect(s.counts()).toEqual({ Pod: 2, Namespace: 0, Node: 0, NetworkPolicy: 1, ClusterNetworkPolicy: 0 });
  });

  it("replaces on update and forgets on delete", () => {
    const s = new ClusterStore();
    s.upsert("Namespace", { metadata: { name: "x", labels: { team: "a" } } });
    s.upsert("Namespace", { metadata: { name: "x", labels: { team: "b" } } });
    expect(s.snapshot().namespaces.get("x")?.labels.team).toBe("b");
    s.remove("Namespace", undefined, "x");
    s.remove("Namespace", undefined, "x");
    expect(s.counts().Namespace).toBe(0);
  });

  it("reports a malformed policy naming it, and keeps it fail-closed", () => {
    const s = new ClusterStore();
    const issues = s.upsert("NetworkPolicy", {
      metadata: { name: "bad", namespace: "x" },
      spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }] },
    });
    expect(issues.find((i) => i.severity === "error")).toMatchObject({
      path: "spec.ingress[0].from[0].ipBlock.cidr",
      object: { kind: "NetworkPolicy", namespace: "x", name: "bad" },
    });
    const p = s.snapshot().policies[0];
    expect(p?.affectsIngress).toBe(true);
    expect(p?.ingress).toEqual([]);
  });
});
