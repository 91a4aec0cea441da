import { describe, expect, it } from "vitest";
import { refOf } from "../k8s/model.js";
import { formatAddr } from "../net/address.js";
import { namespace, node, pod, snapshotOf } from "../../test/support/objects.js";
import { CniRegistry } from "./cni-registry.js";

const reg = (containerId: string, name: string, ip: string, more: Record<string, unknown> = {}) => ({
  containerId,
  namespace: "x",
  name,
  ips: [ip],
  hostVeth: `veth${containerId}`,
  ...more,
});
const pending = (name: string, nodeName = "n1") => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "x", labels: { app: name } },
  spec: { nodeName, containers: [{ name: "c" }] },
  status: { phase: "Pending" },
});
const base = [namespace("x"), node("n1", "192.168.0.1", ["10.1.0.0/24"])];
const ips = (r: CniRegistry, objs: Array<Record<string, unknown>>) =>
  Object.fromEntries(
    r
      .overlay(snapshotOf([...base, ...objs]), "n1")
      .pods.map((p) => [refOf(p), p.ips.map(formatAddr).join(",")]),
  );

describe("CniRegistry: the newest ADD of a pod is its sandbox", () => {
  it("a later ADD replaces the pod's older registration, even when its container id sorts first", () => {
    const r = new CniRegistry();
    r.add(reg("zzz", "web", "10.1.0.5")); // DEL lost while the agent was down
    const replaced = r.add(reg("aaa", "web", "10.1.0.9"));
    expect(replaced.map((p) => p.containerId)).toEqual(["zzz"]);
    expect(r.list().map((p) => p.containerId)).toEqual(["aaa"]);
    expect(ips(r, [pending("web")])).toEqual({ "x/web": "10.1.0.9" });
    expect(r.interfaces()).toEqual(new Map([["x/web", "vethaaa"]]));
  });

  it("the arrival order survives a restart through the state file", () => {
    const r = new CniRegistry();
    r.add(reg("b", "one", "10.1.0.5"));
    r.add(reg("a", "two", "10.1.0.6"));
    const back = CniRegistry.fromJSON(JSON.parse(JSON.stringify(r.toJSON())));
    expect(back.list().map((p) => [p.containerId, p.seq])).toEqual([
      ["a", 2],
      ["b", 1],
    ]);
    back.add(reg("c", "three", "10.1.0.7"));
    expect(back.get("c")?.seq).toBe(3);
  });

  it("a version-1 state file (a bare array) keeps only the last entry of each pod, in file order", () => {
    const back = CniRegistry.fromJSON([reg("zzz", "web", "10.1.0.9"), reg("aaa", "web", "10.1.0.5")]);
    expect(back.list().map((p) => p.containerId)).toEqual(["aaa"]);
    expect(back.toJSON().seq).toBe(2);
  });

  it("state entries with malformed fields are skipped (an interface name nft would have to escape)", () => {
    const back = CniRegistry.fromJSON({
      version: 2,
      seq: 5,
      pods: [
        { ...reg("a", "web", "10.1.0.5"), seq: 1, hostVeth: 'x" accept #' },
        { ...reg("b", "db", "not-an-ip"), seq: 2 },
        { ...reg("c", "ok", "10.1.0.7"), seq: 3 },
      ],
    });
    expect(back.list().map((p) => p.containerId)).toEqual(["c"]);
    expect(back.toJSON().seq).toBe(5);
  });

  it("a veth claimed by two registrations belongs to the newest ADD", () => {
    const r = new CniRegistry();
    r.add({ ...reg("a", "old", "10.1.0.5"), hostVeth: "veth1" });
    r.add({ ...reg("b", "new", "10.1.0.6"), hostVeth: "veth1" });
    expect(r.interfaces()).toEqual(new Map([["x/new", "veth1"]]));
  });
});

describe("CniRegistry: GC and prune forget sandboxes that are gone", () => {
  it("GC drops every sandbox not in the runtime's valid attachments", () => {
    const r = new CniRegistry();
    r.add(reg("a", "one", "10.1.0.5"));
    r.add(reg("b", "two", "10.1.0.6"));
    r.add(reg("c", "three", "10.1.0.7"));
    expect(r.gc(new Set(["a", "c", "unknown"])).map((p) => p.containerId)).toEqual(["b"]);
    expect(r.list().map((p) => p.containerId)).toEqual(["a", "c"]);
  });

  it("prune drops registrations whose pod left the API, moved to another node, or was re-created", () => {
    const r = new CniRegistry();
    r.add({ ...reg("a", "kept", "10.1.0.5"), podUid: "u1", at: 1 });
    r.add({ ...reg("b", "gone", "10.1.0.6"), at: 1 });
    r.add({ ...reg("c", "moved", "10.1.0.7"), at: 1 });
    r.add({ ...reg("d", "web-0", "10.1.0.8"), podUid: "old-uid", at: 1 });
    r.add({ ...reg("e", "fresh", "10.1.0.9"), at: 50 });
    const pods = [
      { namespace: "x", name: "kept", nodeName: "n1", uid: "u1" },
      { namespace: "x", name: "moved", nodeName: "n2" },
      { namespace: "x", name: "web-0", nodeName: "n1", uid: "new-uid" },
    ];
    expect(r.prune(pods, "n1", 10).map((p) => p.containerId)).toEqual(["b", "c", "d"]);
    expect(r.list().map((p) => p.containerId)).toEqual(["a", "e"]);
  });

  it("a registration never moves a pod the API binds to another node onto this one", () => {
    const r = new CniRegistry();
    r.add(reg("a", "web", "10.1.0.5"));
    const snap = r.overlay(snapshotOf([...base, pending("web", "n2")]), "n1");
    expect(snap.pods[0]).toMatchObject({ nodeName: "n2", ips: [], nonTarget: "no-ip" });
  });

  it("overlay resolves an address shared with a lingering pod in favour of the registered one", () => {
    const r = new CniRegistry();
    r.add(reg("a", "new", "10.1.0.5"));
    const out = r.overlayWithConflicts(
      snapshotOf([...base, pending("new"), pod("x", "old", { ips: ["10.1.0.5"] })]),
      "n1",
    );
    expect(out.conflicts).toEqual([{ address: "10.1.0.5", pods: ["x/new", "x/old"], owner: "x/new" }]);
    expect(out.snapshot.pods.map((p) => [refOf(p), p.ips.map(formatAddr), p.nonTarget])).toEqual([
      ["x/new", ["10.1.0.5"], undefined],
      ["x/old", [], "no-ip"],
    ]);
  });
});
