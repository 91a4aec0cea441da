/**
 * The Agent with fake parts: a cluster source the test drives, a fake nft kernel, the real
 * reconcile loop, store, CNI handling and sync record on a ManualClock. No timers, sockets or
 * processes: coalescing, backoff, readiness, CNI ADD syncs and drift repair run in microseconds.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { namespace, node, pod, policy } from "../../test/support/objects.js";
import { Datapath } from "../datapath/datapath.js";
import type { KubeReader, RawList } from "../kube/raw-api.js";
import type { NftResult } from "../nft/backend.js";
import { FakeNft } from "../nft/fake.js";
import { OWNED_TABLES, type TableRef } from "../nft/model.js";
import { tableKey } from "../nft/state.js";
import { Transaction } from "../nft/transaction.js";
import { Agent } from "./agent.js";
import { ManualClock } from "./clock.js";
import { CniPods } from "./cni-pods.js";
import type { CniStateFile } from "./cni-state.js";
import type { CniHandler } from "./cni-server.js";
import { DropReader } from "./drops.js";
import { PolicyEventReporter } from "./events.js";
import { FlannelLease } from "./flannel-subnet.js";
import { createMetrics } from "./metrics.js";
import type { AgentParts, TableWatchHooks } from "./parts.js";
import { Reconciler } from "./reconciler.js";
import type { ClusterSource, SourceEvents } from "./source.js";
import { ClusterStore } from "./store.js";
import { APPLY_FAILED_REASON, SyncRecord, TABLES_LOST_REASON } from "./sync-record.js";

/** helper 1's checking FakeNft, counting applies and failing the next `failures` ones. */
class Kernel extends FakeNft {
  applies = 0;
  failures = 0;

  override apply(txn: Transaction): Promise<NftResult> {
    this.applies++;
    if (this.failures > 0) {
      this.failures--;
      this.failNext = "Error: Could not process rule: No such file or directory";
    }
    return super.apply(txn);
  }

  /** Removes a table behind the agent's back (`nft delete table`). */
  async lose(table: TableRef): Promise<void> {
    const r = await super.apply(new Transaction().add({ op: "delete-table", table }));
    if (!r.ok) throw new Error(r.error);
  }

  /** Our tables the kernel holds. */
  tables(): TableRef[] {
    return OWNED_TABLES.filter((t) => this.state.has(tableKey(t)));
  }
}

/** The watches, driven by the test. */
class FakeSource implements ClusterSource {
  synced = false;
  connected = false;
  constructor(readonly events: SourceEvents) {}
  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
}

/** The API server as the CNI path reads it: every pod exists, no namespace has policies. */
const reader: KubeReader = {
  get: (path) => Promise.resolve({ metadata: { name: path.split("/").pop(), namespace: "x", uid: "u" } }),
  list: (): Promise<RawList> => Promise.resolve({ items: [], resourceVersion: "1" }),
};

function fixture(more: Partial<AgentParts> = {}, state?: CniStateFile) {
  const clock = new ManualClock();
  const logger = pino({ level: "silent" });
  const kernel = new Kernel();
  const store = new ClusterStore();
  const metrics = createMetrics();
  const found: { source?: FakeSource; cni?: CniHandler; tableWatch?: TableWatchHooks } = {};
  const posted: string[] = [];
  const parts: AgentParts = {
    nodeName: "n1",
    netns: undefined,
    clock,
    logger,
    metrics,
    store,
    datapath: new Datapath(kernel),
    record: new SyncRecord(metrics, logger, () => store.counts()),
    lease: new FlannelLease(() => Promise.resolve(undefined), undefined),
    veths: undefined,
    policyEvents: new PolicyEventReporter(
      "n1",
      (ns, event) => (
        posted.push(`${ns}: ${event.involvedObject.name ?? ""} ${event.reason ?? ""}`),
        Promise.resolve()
      ),
      () => undefined,
    ),
    driftIntervalMs: 0,
    source: (events) => (found.source = new FakeSource(events)),
    reconciler: (deps) =>
      new Reconciler(
        { ...deps, clock },
        { minIntervalMs: 50, maxDelayMs: 200, retryBaseMs: 500, retryMaxMs: 4000 },
      ),
    cni: (hooks) =>
      new CniPods({
        reader,
        store,
        nodeName: "n1",
        state,
        log: logger,
        hooks,
        now: () => clock.now(),
      }),
    cniServer: (handler) => {
      found.cni = handler;
      return { start: () => Promise.resolve(), stop: () => Promise.resolve() };
    },
    http: undefined,
    chaining: undefined,
    drops: (owners) => new DropReader(kernel, clock, 1000, owners),
    tableWatch: (hooks) => {
      found.tableWatch = hooks;
      return { start: () => undefined, stop: () => undefined };
    },
    listTables: () => Promise.resolve(kernel.tables()),
    ...more,
  };
  const agent = new Agent(parts);
  const source = found.source as FakeSource;
  store.upsert("Namespace", namespace("x"));
  store.upsert("Node", node("n1", "192.168.0.1", ["10.1.0.0/24"]));
  store.upsert("Pod", pod("x", "a", { ips: ["10.1.0.10"], node: "n1" }));
  /** Every kind listed: the source reports the change, as KubeSource does after its lists. */
  const listed = () => {
    source.synced = true;
    source.connected = true;
    source.events.changed("Pod", clock.now());
  };
  return { agent, clock, kernel, store, source, metrics, found, posted, listed };
}

/** Lets the agent's promise chains run until `cond` holds (no timers: microtasks only). */
async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await Promise.resolve();
  if (!cond()) throw new Error(`never happened: ${what}`);
}

/** A promise the test releases: `wait` resolves once `release` is called. */
function gate(): { wait: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const wait = new Promise<void>((r) => (release = r));
  return { wait, release };
}

/** A CNI ADD (or the registration kept of one) of pod x/a. */
const cniReq = (containerId: string) => ({ containerId, namespace: "x", name: "a", ips: ["10.1.0.10"] });

/** The syncs counted so far, as `kind/trigger` → count. */
async function syncs(f: ReturnType<typeof fixture>): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await f.metrics.syncs.get()).values)
    out[`${String(v.labels.kind)}/${String(v.labels.trigger)}`] = v.value;
  return out;
}

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

describe("Agent: stop during start", () => {
  it("stop during the source's start waits for it, then stops the source and closes the socket", async () => {
    const log: string[] = [];
    const listed = gate();
    const f = fixture({
      driftIntervalMs: 1000,
      cniServer: () => ({
        start: () => (log.push("cni listen"), Promise.resolve()),
        stop: () => (log.push("cni close"), Promise.resolve()),
      }),
    });
    f.source.start = async () => {
      log.push("source start");
      await listed.wait;
      log.push("source listed");
    };
    f.source.stop = () => (log.push("source stop"), Promise.resolve());
    const started = f.agent.start();
    await until("the source starts", () => log.includes("source start"));
    const stopped = f.agent.stop();
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(log).toEqual(["cni listen", "source start"]);
    listed.release();
    await Promise.all([started, stopped]);
    expect(log).toEqual(["cni listen", "source start", "source listed", "source stop", "cni close"]);
    expect(f.clock.pending).toBe(0); // no drift timer armed after the stop
  });

  it("stop while the CNI socket is being bound leaves it closed", async () => {
    const bound = gate();
    let open = false;
    const f = fixture({
      cniServer: () => ({
        start: async () => {
          await bound.wait;
          open = true;
        },
        stop: () => ((open = false), Promise.resolve()),
      }),
    });
    let sourceStarted = false;
    f.source.start = () => ((sourceStarted = true), Promise.resolve());
    const started = f.agent.start();
    const stopped = f.agent.stop();
    bound.release();
    await Promise.all([started, stopped]);
    expect(open).toBe(false);
    expect(sourceStarted).toBe(false); // nothing more is started once stopped
  });
});

describe("Agent: the CNI state file and socket", () => {
  /** A state file whose reads and writes wait for `open`, logging each step. */
  function gatedFile(log: string[]) {
    const g = { read: gate(), write: gate(), text: undefined as string | undefined };
    const file: CniStateFile = {
      path: "memory",
      read: async () => {
        log.push("state read");
        await g.read.wait;
        log.push("state loaded");
        return g.text;
      },
      write: async (text) => {
        await g.write.wait;
        g.text = text;
        log.push("state written");
      },
    };
    return { g, file };
  }
  /** A CNI endpoint logging its start and stop; `handler()` is what it would serve. */
  function loggingServer(log: string[]) {
    let served: CniHandler | undefined;
    const parts: Partial<AgentParts> = {
      cniServer: (h) => {
        served = h;
        return {
          start: () => (log.push("cni listen"), Promise.resolve()),
          stop: () => (log.push("cni close"), Promise.resolve()),
        };
      },
    };
    return { parts, handler: () => served as CniHandler };
  }

  it("the registrations are loaded before the CNI socket opens", async () => {
    const log: string[] = [];
    const { g, file } = gatedFile(log);
    g.text = JSON.stringify({ version: 2, seq: 1, pods: [{ ...cniReq("c0"), seq: 1 }] });
    const server = loggingServer(log);
    const f = fixture(server.parts, file);
    const started = f.agent.start();
    await until("the state read", () => log.includes("state read"));
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(log).toEqual(["state read"]);
    g.read.release();
    await started;
    expect(log).toEqual(["state read", "state loaded", "cni listen"]);
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    expect(await server.handler().cniCheck({ containerId: "c0" })).toEqual({ ok: true }); // loaded
    await f.agent.stop();
  });

  it("stop closes the CNI socket and waits for the state writes asked for", async () => {
    const log: string[] = [];
    const { g, file } = gatedFile(log);
    g.read.release();
    const server = loggingServer(log);
    const f = fixture(server.parts, file);
    await f.agent.start();
    f.listed();
    g.write.release();
    const cni = server.handler();
    expect(await cni.cniAdd(cniReq("c1"))).toEqual({ ok: true });
    const held = gate();
    g.write = held;
    const deleted = cni.cniDel({ containerId: "c1" });
    const stopped = f.agent.stop().then(() => log.push("stopped"));
    await until("the socket closed", () => log.includes("cni close"));
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(log.includes("stopped")).toBe(false);
    held.release();
    await Promise.all([deleted, stopped]);
    expect(log.slice(-3)).toEqual(["cni close", "state written", "stopped"]);
    expect(g.text).toBe(JSON.stringify({ version: 2, seq: 1, pods: [] }));
  });
});

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
