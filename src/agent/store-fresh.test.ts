import { describe, expect, it } from "vitest";
import { refOf } from "../k8s/model.js";
import { ClusterStore } from "./store.js";

const pol = (name: string, rv: string) => ({
  metadata: { namespace: "x", name, resourceVersion: rv },
  spec: { podSelector: {} },
});
const names = (s: ClusterStore) => s.snapshot().policies.map(refOf);

describe("ClusterStore.upsertFresh (objects read outside the informers)", () => {
  it("never resurrects an object the informer has seen deleted since", () => {
    const s = new ClusterStore();
    s.upsert("NetworkPolicy", pol("p", "5"));
    s.remove("NetworkPolicy", "x", "p", "7");
    s.upsertFresh("NetworkPolicy", pol("p", "5")); // a re-list answered before the deletion
    expect(names(s)).toEqual([]);
    s.upsertFresh("NetworkPolicy", pol("p", "9")); // re-created after the deletion
    expect(names(s)).toEqual(["x/p"]);
  });

  it("never replaces a version with an older or equal one, and adds what the informer has not seen", () => {
    const s = new ClusterStore();
    s.upsert("NetworkPolicy", { ...pol("p", "8"), spec: { podSelector: { matchLabels: { v: "8" } } } });
    s.upsertFresh("NetworkPolicy", { ...pol("p", "6"), spec: { podSelector: { matchLabels: { v: "6" } } } });
    expect(s.snapshot().policies[0]?.podSelector.matchLabels).toEqual({ v: "8" });
    s.upsertFresh("NetworkPolicy", pol("q", "9"));
    expect(names(s)).toEqual(["x/p", "x/q"]);
  });

  it("does not take a non-numeric resourceVersion as newer", () => {
    const s = new ClusterStore();
    s.upsert("NetworkPolicy", pol("p", "abc"));
    s.remove("NetworkPolicy", "x", "p", "abc");
    s.upsertFresh("NetworkPolicy", pol("p", "abd"));
    expect(names(s)).toEqual([]);
  });
});
