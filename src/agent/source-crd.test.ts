/**
 * KubeSource and a CRD kind (ClusterNetworkPolicy) whose API may be absent: over the library's real
 * ListWatch with a fake Watch and LIST reader, on a ManualClock (no sleeps).
 */
import { describe, expect, it } from "vitest";
import { clusterPolicy, denyIngressTo, podsOf } from "../../test/support/agent-cnp.js";
import { fakeSource, settle } from "../../test/support/agent-source.js";
import { ManualClock } from "./clock.js";
import { type SourceEvents, WATCH_PATHS } from "./source.js";
import { ClusterStore } from "./store.js";

const CNP = WATCH_PATHS.ClusterNetworkPolicy;
const NS = WATCH_PATHS.Namespace;
const listed = (o: Record<string, unknown>, rv: string) => ({
  ...o,
  metadata: { ...(o.metadata as object), resourceVersion: rv },
});

function setup() {
  const clock = new ManualClock();
  const store = new ClusterStore();
  const log: string[] = [];
  const events: SourceEvents = {
    changed: (kind) => log.push(`changed ${kind}`),
    upserted: (kind, o, issues) => log.push(`upserted ${kind} ${o.name}${issues.length ? " !" : ""}`),
    removed: (kind, o) => log.push(`removed ${kind} ${o.name}`),
    disconnected: (kind, error, retry) => log.push(`disconnected ${kind} ${retry}: ${error}`),
    connected: (kind) => log.push(`connected ${kind}`),
    availability: (kind, a) =>
      log.push(
        `${kind} ${a.state === "watched" ? "watched" : `${a.why} dropped=${a.dropped} recheck=${a.recheckInMs}`}`,
      ),
  };
  const s = fakeSource(store, events, clock, { baseMs: 1000, maxMs: 8000 });
  const cnpLists = () => s.lists.calls.filter((p) => p === CNP).length;
  const reports = () =>
    log.filter((l) => l.startsWith("ClusterNetworkPolicy ") || l.startsWith("disconnected"));
  return { clock, store, log, cnpLists, reports, ...s };
}

describe("KubeSource: ClusterNetworkPolicies, whose CRD may be absent", () => {
  it("lists them raw and holds them: the store's snapshot carries them", async () => {
    const s = setup();
    s.lists.items.set(CNP, [listed(denyIngressTo("b", "web"), "7"), listed(denyIngressTo("a", "db"), "8")]);
    await s.source.start();
    expect(s.source.synced).toBe(true);
    expect(s.store.snapshot().clusterPolicies.map((p) => p.name)).toEqual(["a", "b"]);
    expect(s.reports()).toEqual(["ClusterNetworkPolicy watched"]);
    expect(s.watch.started).toContain(`${CNP}@100`);
    s.watch.emit(CNP, "DELETED", listed(denyIngressTo("a", "db"), "9"));
    expect(s.store.snapshot().clusterPolicies.map((p) => p.name)).toEqual(["b"]);
    await s.source.stop();
  });

  it("CRD absent at start: said once, every other kind synced and watched, looked for again with a backoff", async () => {
    const s = setup();
    s.statuses.set(CNP, 404);
    s.lists.items.set(NS, [{ metadata: { name: "x", resourceVersion: "5" } }]);
    await s.source.start();
    expect(s.source.synced).toBe(true);
    expect(s.source.connected).toBe(true);
    expect(s.store.counts().Namespace).toBe(1);
    expect(s.watch.started).toContain(`${NS}@100`);
    expect(s.log).toContain("changed ClusterNetworkPolicy"); // the agent may sync without them
    expect(s.reports()).toEqual(["ClusterNetworkPolicy not-installed dropped=0 recheck=1000"]);
    // Re-checks after 1, 2, 4, 8, 8 s: one LIST each, nothing more said.
    expect(s.cnpLists()).toBe(1);
    for (const [wait, lists] of [
      [999, 1],
      [1, 2],
      [1999, 2],
      [1, 3],
      [4000, 4],
      [8000, 5],
      [8000, 6],
    ]) {
      await s.clock.advance(wait as number);
      await settle();
      expect(s.cnpLists()).toBe(lists);
    }
    expect(s.reports()).toHaveLength(1);
    expect(s.clock.pending).toBe(1);
    await s.source.stop();
    expect(s.clock.pending).toBe(0);
  });

  it("CRD installed later: the next re-check lists and watches them, said once", async () => {
    const s = setup();
    s.statuses.set(CNP, 404);
    await s.source.start();
    await s.clock.advance(1000);
    await settle();
    s.statuses.delete(CNP);
    s.lists.items.set(CNP, [listed(denyIngressTo("a", "db"), "20")]);
    s.log.length = 0;
    await s.clock.advance(2000);
    await settle();
    expect(s.store.snapshot().clusterPolicies.map((p) => p.name)).toEqual(["a"]);
    expect(s.reports()).toEqual(["ClusterNetworkPolicy watched"]);
    expect(s.log).toContain("changed ClusterNetworkPolicy");
    expect(s.watch.started.at(-1)).toBe(`${CNP}@100`);
    s.watch.emit(CNP, "ADDED", listed(denyIngressTo("c", "web"), "101"));
    expect(s.store.counts().ClusterNetworkPolicy).toBe(2);
    expect(s.clock.pending).toBe(0); // no more re-checks
    await s.source.stop();
  });

  it("CRD deleted while watched (a 404 on the re-watch): their enforcement is dropped, said once; re-installed, read afresh", async () => {
    const s = setup();
    s.lists.items.set(CNP, [listed(denyIngressTo("a", "db"), "7"), listed(denyIngressTo("b", "web"), "8")]);
    await s.source.start();
    s.store.upsert("NetworkPolicy", { metadata: { namespace: "x", name: "np" }, spec: { podSelector: {} } });
    s.log.length = 0;
    s.statuses.set(CNP, 404);
    s.watch.end(CNP, null); // the server ends the watch; the informer re-watches from its version
    await settle();
    expect(s.store.counts().ClusterNetworkPolicy).toBe(0);
    expect(s.store.counts().NetworkPolicy).toBe(1);
    expect(s.reports()).toEqual(["ClusterNetworkPolicy not-installed dropped=2 recheck=1000"]);
    expect(s.log).toContain("changed ClusterNetworkPolicy");
    expect(s.source.connected).toBe(true);
    await s.clock.advance(3000);
    await settle();
    expect(s.reports()).toHaveLength(1);
    // Re-installed with one of the same objects (same name and resourceVersion): a fresh informer.
    s.statuses.delete(CNP);
    s.lists.items.set(CNP, [listed(denyIngressTo("a", "db"), "7")]);
    await s.clock.advance(4000);
    await settle();
    expect(s.store.snapshot().clusterPolicies.map((p) => p.name)).toEqual(["a"]);
    expect(s.reports().at(-1)).toBe("ClusterNetworkPolicy watched");
    await s.source.stop();
  });

  it("forbidden (403): said once; what is held stays; not a disconnection", async () => {
    const s = setup();
    s.lists.items.set(CNP, [listed(denyIngressTo("a", "db"), "7")]);
    await s.source.start();
    s.statuses.set(CNP, 403);
    s.watch.end(CNP, null);
    await settle();
    await s.clock.advance(10_000);
    await settle();
    expect(s.reports()).toEqual([
      "ClusterNetworkPolicy watched",
      "ClusterNetworkPolicy forbidden dropped=0 recheck=1000",
    ]);
    expect(s.store.counts().ClusterNetworkPolicy).toBe(1);
    expect(s.source.connected).toBe(true);
    await s.source.stop();
  });

  it("any other failure of their watch is a disconnection like every kind's, and leaves the other kinds alone", async () => {
    const s = setup();
    s.lists.fail.set(CNP, 1);
    await s.source.start();
    expect(s.source.synced).toBe(false); // the rules in force stay until they are known
    expect(s.reports()).toEqual([`disconnected ClusterNetworkPolicy 500: connect ECONNREFUSED (${CNP})`]);
    expect(s.watch.started).toContain(`${NS}@100`);
    await s.clock.advance(500);
    await settle();
    expect(s.source.synced).toBe(true);
    expect(s.reports().at(-1)).toBe("ClusterNetworkPolicy watched");
    await s.source.stop();
  });

  it("a policy with an unknown field is held in the decoder's fail-closed reading, its issues reported", async () => {
    const s = setup();
    const odd = clusterPolicy("odd", {
      tier: "Baseline",
      priority: 5,
      subject: podsOf({ app: "db" }),
      ingress: [{ action: "Accept", from: [{ namespaces: {} }] }],
      futureField: true,
    });
    s.lists.items.set(CNP, [listed(odd, "7")]);
    await s.source.start();
    expect(s.log).toContain("upserted ClusterNetworkPolicy odd !");
    const [p] = s.store.snapshot().clusterPolicies;
    expect(p?.tier).toBe("Admin");
    expect(p?.ingress.map((r) => r.action)).toEqual(["Deny"]);
    expect(p?.egress.map((r) => r.action)).toEqual(["Deny"]);
    await s.source.stop();
  });
});
