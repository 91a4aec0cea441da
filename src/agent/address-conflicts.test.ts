import { describe, expect, it } from "vitest";
import { refOf } from "../k8s/model.js";
import { addrKey, formatAddr, parseAddr } from "../net/address.js";
import { namespace, node, pod, snapshotOf } from "../../test/support/objects.js";
import { resolveAddressConflicts } from "./address-conflicts.js";

const base = [namespace("x"), node("n1", "192.168.0.1", ["10.1.0.0/24"])];
const key = (ip: string) => addrKey(parseAddr(ip) as NonNullable<ReturnType<typeof parseAddr>>);
const ipsOf = (s: ReturnType<typeof snapshotOf>) =>
  Object.fromEntries(s.pods.map((p) => [refOf(p), p.ips.map(formatAddr).join(",") || p.nonTarget]));

describe("resolveAddressConflicts (two local pods, one IP)", () => {
  it("the pod whose CNI ADD reported the address keeps it; the lingering pod loses it", () => {
    // "old" sorts after "new": before the fix the last pod set the address map.
    const snap = snapshotOf([
      ...base,
      pod("x", "new", { ips: ["10.1.0.5"] }),
      pod("x", "old", { ips: ["10.1.0.5", "fd00::6"] }),
    ]);
    const r = resolveAddressConflicts(snap, "n1", (ref) =>
      ref === "x/new" ? { seq: 1, addrs: new Set([key("10.1.0.5")]) } : undefined,
    );
    expect(r.conflicts).toEqual([{ address: "10.1.0.5", pods: ["x/new", "x/old"], owner: "x/new" }]);
    expect(ipsOf(r.snapshot)).toEqual({ "x/new": "10.1.0.5", "x/old": "fd00::6" });
  });

  it("without a registration deciding, nobody keeps the address (a pod left with none is no-ip)", () => {
    const snap = snapshotOf([
      ...base,
      pod("x", "a", { ips: ["10.1.0.5"] }),
      pod("x", "b", { ips: ["10.1.0.5"] }),
    ]);
    const r = resolveAddressConflicts(snap, "n1", () => undefined);
    expect(r.conflicts).toEqual([{ address: "10.1.0.5", pods: ["x/a", "x/b"] }]);
    expect(ipsOf(r.snapshot)).toEqual({ "x/a": "no-ip", "x/b": "no-ip" });
  });

  it("of two registered claimants the newest ADD wins, whatever the names", () => {
    const snap = snapshotOf([
      ...base,
      pod("x", "a", { ips: ["10.1.0.5"] }),
      pod("x", "z", { ips: ["10.1.0.5"] }),
    ]);
    const regs = { "x/a": 7, "x/z": 3 } as Record<string, number>;
    const r = resolveAddressConflicts(snap, "n1", (ref) => ({
      seq: regs[ref] ?? 0,
      addrs: new Set([key("10.1.0.5")]),
    }));
    expect(r.conflicts[0]?.owner).toBe("x/a");
    expect(ipsOf(r.snapshot)).toEqual({ "x/a": "10.1.0.5", "x/z": "no-ip" });
  });

  it("ignores other nodes' pods and non-targets, and returns the same snapshot when nothing conflicts", () => {
    const snap = snapshotOf([
      ...base,
      pod("x", "a", { ips: ["10.1.0.5"] }),
      pod("x", "done", { ips: ["10.1.0.5"], phase: "Succeeded" }),
      pod("x", "far", { ips: ["10.1.0.5"], node: "n2" }),
    ]);
    const r = resolveAddressConflicts(snap, "n1", () => undefined);
    expect(r.conflicts).toEqual([]);
    expect(r.snapshot).toBe(snap);
  });
});
