/**
 * The Agent with fake parts (test/support/agent-fixture.ts): drop metrics, CNI ADD syncs, drift
 * repair and lost tables.
 */
import { describe, expect, it } from "vitest";
import { fixture, syncs, until } from "../../test/support/agent-fixture.js";
import { pod, policy } from "../../test/support/objects.js";
import { OWNED_TABLES } from "../nft/model.js";
import { tableKey } from "../nft/state.js";
import type { CniHandler } from "./cni-server.js";
import { APPLY_FAILED_REASON, TABLES_LOST_REASON } from "./sync-record.js";

describe("Agent: metrics", () => {
  it("reports each isolated pod's drops from the applied ruleset's counters, read at most once a second", async () => {
    const f = fixture();
    f.store.upsert("NetworkPolicy", policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }));
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    const inet = tableKey({ family: "inet", name: "netguard" });
    const counters = [...(f.kernel.state.get(inet)?.counters ?? [])];
    expect(counters.length).toBeGreaterThan(0);
    const setAll = (packets: number) =>
      f.kernel.counterValues.set(inet, new Map(counters.map((c) => [c, { packets, bytes: packets * 100 }])));
    setAll(7);
    const dropped = async () =>
      (await f.agent.metricsText()).body
        .split("\n")
        .filter((l) => l.startsWith("netguard_pod_dropped_packets{"));
    expect(await dropped()).toEqual(['netguard_pod_dropped_packets{pod="x/a",direction="ingress"} 7']);
    setAll(9);
    expect(await dropped()).toEqual(['netguard_pod_dropped_packets{pod="x/a",direction="ingress"} 7']);
    await f.clock.advance(1000);
    expect(await dropped()).toEqual(['netguard_pod_dropped_packets{pod="x/a",direction="ingress"} 9']);
    await f.agent.stop();
  });
});

describe("Agent: CNI, drift and lost tables", () => {
  it("a CNI ADD syncs at once (not through the loop) and is confirmed once its pod's rules apply", async () => {
    const f = fixture();
    await f.agent.start();
    const cni = f.found.cni as CniHandler;
    expect(
      await cni.cniAdd({ containerId: "c1", namespace: "x", name: "a", ips: ["10.1.0.10"] }),
    ).toMatchObject({
      ok: false,
      retry: true,
    });
    f.listed();
    const reply = await cni.cniAdd({ containerId: "c1", namespace: "x", name: "a", ips: ["10.1.0.10"] });
    expect(reply).toEqual({ ok: true });
    expect(f.clock.now()).toBe(0);
    expect(await syncs(f)).toEqual({ "full/cni-add": 1 });
    expect(await cni.cniCheck({ containerId: "c1" })).toEqual({ ok: true });
    await f.agent.stop();
  });

  it("a CNI ADD whose apply fails is refused for retry and hands the retry to the loop", async () => {
    const f = fixture();
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    f.kernel.failures = 1;
    f.store.upsert("Pod", pod("x", "b", { ips: ["10.1.0.11"], node: "n1" }));
    const cni = f.found.cni as CniHandler;
    const reply = await cni.cniAdd({ containerId: "c2", namespace: "x", name: "b", ips: ["10.1.0.11"] });
    expect(reply).toMatchObject({ ok: false, retry: true });
    expect(reply.ok ? "accepted" : reply.error).toMatch(/applying the pod's rules failed/);
    expect(f.agent.notReady()).toBe(APPLY_FAILED_REASON);
    await f.clock.advance(50);
    await until("the loop's retry", () => f.agent.notReady() === undefined);
    expect(await syncs(f)).toEqual({ "full/reconcile": 2, "failed/cni-add": 1 });
    await f.agent.stop();
  });

  it("the drift timer leaves matching tables alone and re-applies what the kernel lost", async () => {
    const f = fixture({ driftIntervalMs: 1000 });
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    await f.clock.advance(950);
    expect(f.kernel.applies).toBe(1); // the kernel holds what was applied: no drift
    await f.kernel.lose({ family: "bridge", name: "netguard" });
    await f.clock.advance(1000);
    await until("the drift repair", () => f.kernel.applies === 2);
    expect(f.kernel.tables()).toEqual(OWNED_TABLES);
    expect(await syncs(f)).toEqual({ "full/reconcile": 1, "full/drift": 1 });
    await f.agent.stop();
    expect(f.clock.pending).toBe(0);
  });

  it("tables found missing by the table watch: not ready, then restored by a full replace", async () => {
    const f = fixture();
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    await f.kernel.lose({ family: "inet", name: "netguard" });
    f.kernel.failures = 1;
    await f.found.tableWatch?.check("poll");
    expect(f.agent.notReady()).toBe(TABLES_LOST_REASON);
    expect(f.kernel.tables()).toEqual([{ family: "bridge", name: "netguard" }]);
    await f.clock.advance(500);
    await until("restored", () => f.agent.notReady() === undefined);
    expect(f.kernel.tables()).toEqual(OWNED_TABLES);
    expect(await syncs(f)).toEqual({ "full/reconcile": 2, "failed/tables-lost": 1 });
    expect((await f.metrics.tablesLost.get()).values.map((v) => [v.labels, v.value])).toEqual([
      [{ detectedBy: "poll" }, 1],
    ]);
    await f.agent.stop();
  });
});
