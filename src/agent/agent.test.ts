/**
 * The Agent with fake parts (test/support/agent-fixture.ts): the reconcile loop (coalescing,
 * backoff, readiness) and what the agent reports (Events, a node without pod CIDR, stop).
 */
import { describe, expect, it } from "vitest";
import { fixture, syncs, until } from "../../test/support/agent-fixture.js";
import { node, pod, policy } from "../../test/support/objects.js";
import { APPLY_FAILED_REASON } from "./sync-record.js";
import { FlannelLease } from "./flannel-subnet.js";

describe("Agent: the reconcile loop", () => {
  it("applies nothing before every kind is listed; then syncs at once for the events that waited", async () => {
    const f = fixture();
    await f.agent.start();
    f.source.events.changed("Pod", f.clock.now());
    await f.clock.advance(1000);
    expect(f.kernel.applies).toBe(0);
    expect(f.agent.notReady()).toBe("waiting for the first complete list of every watched kind");
    f.listed(); // the event at 0 waited longer than maxDelay already
    await f.clock.advance(0);
    await until("the first apply", () => f.agent.notReady() === undefined);
    expect(f.kernel.applies).toBe(1);
    expect(await syncs(f)).toEqual({ "full/reconcile": 1 });
    await f.agent.stop();
  });

  it("syncs minInterval after an event when nothing else happens", async () => {
    const f = fixture();
    await f.agent.start();
    f.listed();
    await f.clock.advance(49);
    expect(f.kernel.applies).toBe(0);
    await f.clock.advance(1);
    await until("the first apply", () => f.kernel.applies === 1);
    await f.agent.stop();
  });

  it("coalesces a burst of events into one sync, no later than maxDelay after the first", async () => {
    const f = fixture();
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    for (let i = 0; i < 5; i++) {
      expect(f.kernel.applies).toBe(1);
      f.store.upsert("Pod", pod("x", `b${i}`, { ips: [`10.1.0.${20 + i}`], node: "n1" }));
      f.source.events.changed("Pod", f.clock.now());
      await f.clock.advance(40); // never 50 ms quiet
    }
    // 200 ms after the first event of the burst: one sync for all five.
    await until("the burst's sync", () => f.kernel.applies === 2);
    await f.clock.advance(1000);
    expect(await syncs(f)).toEqual({ "full/reconcile": 1, "incremental/reconcile": 1 });
    await f.agent.stop();
  });

  it("a failed apply leaves the agent not ready and is retried with exponential backoff", async () => {
    const f = fixture();
    await f.agent.start();
    f.kernel.failures = 2;
    f.listed();
    await f.clock.advance(50);
    await until("the failed apply", () => f.kernel.applies === 1);
    expect(f.agent.notReady()).toBe(APPLY_FAILED_REASON);
    await f.clock.advance(499);
    expect(f.kernel.applies).toBe(1);
    await f.clock.advance(1);
    await until("the first retry", () => f.kernel.applies === 2);
    expect(f.agent.notReady()).toBe(APPLY_FAILED_REASON);
    await f.clock.advance(999);
    expect(f.kernel.applies).toBe(2);
    await f.clock.advance(1);
    await until("the second retry", () => f.agent.notReady() === undefined);
    expect(await syncs(f)).toEqual({ "failed/reconcile": 2, "full/reconcile": 1 });
    await f.agent.stop();
  });

  it("a watch that is disconnected makes the agent not ready, and is counted", async () => {
    const f = fixture();
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("ready", () => f.agent.notReady() === undefined);
    f.source.connected = false;
    f.source.events.disconnected("Pod", "watch stream ended", 500);
    expect(f.agent.notReady()).toBe("a watch is disconnected");
    expect((await f.metrics.reconnects.get()).values.map((v) => [v.labels, v.value])).toEqual([
      [{ resource: "Pod" }, 1],
    ]);
    await f.agent.stop();
  });
});

describe("Agent: what it reports", () => {
  it("an invalid policy is posted as an Event once, after a sync", async () => {
    const f = fixture();
    const bad = policy("x", "bad", { podSelector: {}, ingress: [{ ports: [{ protocol: "XTP" }] }] });
    const issues = f.store.upsert("NetworkPolicy", bad);
    expect(issues.length).toBeGreaterThan(0);
    await f.agent.start();
    f.source.events.upserted("NetworkPolicy", { namespace: "x", name: "bad", uid: "u1" }, issues);
    expect(f.posted).toEqual([]);
    f.listed();
    await f.clock.advance(50);
    await until("the Event", () => f.posted.length === 1);
    expect(f.posted).toEqual(["x: bad InvalidNetworkPolicy"]);
    f.store.upsert("Pod", pod("x", "c", { ips: ["10.1.0.30"], node: "n1" }));
    f.source.events.changed("Pod", f.clock.now());
    await f.clock.advance(50);
    await until("the second sync", () => f.kernel.applies === 2);
    expect(f.posted).toHaveLength(1);
    await f.agent.stop();
  });

  it("a Node without a pod CIDR is enforced but not ready, with the reason", async () => {
    const f = fixture();
    f.store.upsert("Node", node("n1", "192.168.0.1", []));
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    expect(f.agent.notReady()).toMatch(/^node n1 has no pod CIDR/);
    await f.agent.stop();
  });

  it("Flannel's lease written after the first sync is noticed by the drift check and enforced", async () => {
    const file: { text?: string } = {};
    const f = fixture({
      driftIntervalMs: 1000,
      lease: new FlannelLease(() => Promise.resolve(file.text), "/run/flannel/subnet.env"),
    });
    f.store.upsert("Node", node("n1", "192.168.0.1", []));
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    expect(f.agent.notReady()).toMatch(/^node n1 has no pod CIDR/);
    file.text = "FLANNEL_NETWORK=10.1.0.0/16\nFLANNEL_SUBNET=10.1.0.1/24\n";
    await f.clock.advance(950); // the drift check reads the lease again: changed
    await f.clock.advance(50);
    await until("the lease's sync", () => f.agent.notReady() === undefined);
    expect(f.kernel.applies).toBe(2);
    await f.agent.stop();
  });

  it("stop leaves the rules in place, cancels every timer and syncs no more", async () => {
    const f = fixture({ driftIntervalMs: 1000 });
    await f.agent.start();
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    const before = f.kernel.state;
    await f.agent.stop();
    expect(f.clock.pending).toBe(0);
    f.source.events.changed("Pod", f.clock.now());
    await f.clock.advance(10_000);
    expect(f.kernel.applies).toBe(1);
    expect(f.kernel.state).toBe(before);
  });
});
