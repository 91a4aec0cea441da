/**
 * KubeSource over the library's real ListWatch, with a fake Watch and a fake LIST reader: lists
 * fill the store, watch events update it, a 410 Gone re-lists, a failure is retried with backoff
 * on the injected clock.
 */
import { describe, expect, it } from "vitest";
import { fakeSource, settle } from "../../test/support/agent-source.js";
import { ManualClock } from "./clock.js";
import { type SourceEvents, WATCH_PATHS } from "./source.js";
import { ClusterStore, type WatchedKind } from "./store.js";

const ns = (name: string, rv = "5", labels: Record<string, string> = {}) => ({
  metadata: { name, resourceVersion: rv, labels },
});

function setup() {
  const clock = new ManualClock();
  const store = new ClusterStore();
  const log: string[] = [];
  const events: SourceEvents = {
    changed: (kind, at) => log.push(`changed ${kind} @${at}`),
    upserted: (kind, o, issues) => log.push(`upserted ${kind} ${o.name}${issues.length ? " !" : ""}`),
    removed: (kind, o) => log.push(`removed ${kind} ${o.name}`),
    disconnected: (kind, error, retry) => log.push(`disconnected ${kind} ${retry}: ${error}`),
    connected: (kind) => log.push(`connected ${kind}`),
    availability: (kind, a) =>
      log.push(
        `${kind} ${a.state === "watched" ? "watched" : `${a.why} dropped=${a.dropped} recheck=${a.recheckInMs}`}`,
      ),
  };
  return { clock, store, log, ...fakeSource(store, events, clock) };
}

const NS = WATCH_PATHS.Namespace;

describe("KubeSource", () => {
  it("lists every kind through the reader, then watches from the list's resourceVersion", async () => {
    const s = setup();
    s.lists.items.set(NS, [ns("a"), ns("b")]);
    expect(s.source.synced).toBe(false);
    await s.source.start();
    expect(s.source.synced).toBe(true);
    expect(s.source.connected).toBe(true);
    expect(s.store.counts().Namespace).toBe(2);
    expect([...s.lists.calls].sort()).toEqual(Object.values(WATCH_PATHS).sort());
    expect(s.watch.started).toContain(`${NS}@100`);
    const kinds = Object.keys(WATCH_PATHS) as WatchedKind[];
    for (const k of kinds) expect(s.log).toContain(`connected ${k}`);
    await s.source.stop();
  });

  it("reports and skips a listed item without a name; the rest of the list is used", async () => {
    const s = setup();
    s.lists.items.set(NS, [{ metadata: {} }, ns("a")]);
    await s.source.start();
    expect(s.log).toContain("upserted Namespace #0 !");
    expect(s.store.counts().Namespace).toBe(1);
    await s.source.stop();
  });

  it("applies watch events to the store and reports each as a change at the clock's time", async () => {
    const s = setup();
    await s.source.start();
    await s.clock.advance(1234);
    s.log.length = 0;
    s.watch.emit(NS, "ADDED", ns("a", "101", { team: "x" }));
    s.watch.emit(NS, "MODIFIED", ns("a", "102", { team: "y" }));
    expect(s.store.snapshot().namespaces.get("a")?.labels.team).toBe("y");
    s.watch.emit(NS, "DELETED", ns("a", "103"));
    expect(s.store.counts().Namespace).toBe(0);
    expect(s.log).toEqual([
      "upserted Namespace a",
      "changed Namespace @1234",
      "upserted Namespace a",
      "changed Namespace @1234",
      "removed Namespace a",
      "changed Namespace @1234",
    ]);
    await s.source.stop();
  });

  it("a 410 Gone re-lists without a disconnection; what the new list lacks is deleted", async () => {
    const s = setup();
    s.lists.items.set(NS, [ns("a"), ns("b")]);
    await s.source.start();
    s.lists.items.set(NS, [ns("b")]);
    s.log.length = 0;
    s.watch.end(NS, { statusCode: 410 });
    await settle();
    expect(s.lists.calls.filter((p) => p === NS)).toHaveLength(2);
    expect(s.store.counts().Namespace).toBe(1);
    expect(s.log).toContain("removed Namespace a");
    expect(s.log.some((l) => l.startsWith("disconnected"))).toBe(false);
    expect(s.source.connected).toBe(true);
    await s.source.stop();
  });

  it("a failed watch is reported and restarted with exponential backoff on the injected clock", async () => {
    const s = setup();
    await s.source.start();
    s.lists.fail.set(NS, 2);
    s.watch.end(NS, new Error("watch stream ended"));
    await settle();
    // The informer re-uses its resourceVersion: the restart's LIST fails twice, then succeeds.
    expect(s.source.connected).toBe(false);
    expect(s.source.synced).toBe(true); // the first list happened; the rules in force stay
    expect(s.log.at(-1)).toBe("disconnected Namespace 500: watch stream ended");
    await s.clock.advance(499);
    expect(s.clock.pending).toBe(1);
    await s.clock.advance(1);
    await settle();
    expect(s.source.connected).toBe(true); // resumed the watch from its resourceVersion
    expect(s.lists.calls.filter((p) => p === NS)).toHaveLength(1);
    s.watch.end(NS, { statusCode: 410 }); // now a re-list is needed, and it fails twice
    await settle();
    expect(s.log.at(-1)).toBe("disconnected Namespace 500: connect ECONNREFUSED (/api/v1/namespaces)");
    await s.clock.advance(500);
    await settle();
    expect(s.log.at(-1)).toBe("disconnected Namespace 1000: connect ECONNREFUSED (/api/v1/namespaces)");
    await s.clock.advance(999);
    expect(s.source.connected).toBe(false);
    await s.clock.advance(1);
    await settle();
    expect(s.source.connected).toBe(true);
    expect(s.log.at(-1)).toBe("changed Namespace @2000");
    await s.source.stop();
  });

  it("a watch request that rejects after the LIST is a failure: disconnected, retried after the backoff", async () => {
    const s = setup();
    s.watch.reject = 1;
    await s.source.start();
    expect(s.source.synced).toBe(false);
    expect(s.source.connected).toBe(false);
    const failed = s.log.filter((l) => l.startsWith("disconnected"));
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatch(/^disconnected \w+ 500: exec auth plugin failed$/);
    expect(s.clock.pending).toBe(1);
    await s.clock.advance(500);
    await settle();
    expect(s.source.synced).toBe(true);
    expect(s.source.connected).toBe(true);
    expect(s.clock.pending).toBe(0);
    await s.source.stop();
  });

  it("stop cancels pending retries and reports nothing more", async () => {
    const s = setup();
    s.lists.fail.set(NS, 1);
    await s.source.start();
    expect(s.source.synced).toBe(false);
    expect(s.clock.pending).toBe(1);
    await s.source.stop();
    expect(s.clock.pending).toBe(0);
    const before = s.log.length;
    s.watch.end(WATCH_PATHS.Pod, new Error("aborted"));
    await s.clock.advance(60_000);
    expect(s.log).toHaveLength(before);
  });
});
