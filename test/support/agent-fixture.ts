/**
 * The Agent's unit-test fixture (imported only by src/agent/agent*.test.ts): fake parts — a cluster
 * source the test drives, helper 1's checking FakeNft as the kernel — with the real reconcile loop,
 * store, CNI handling and sync record on a ManualClock. No timers, sockets or processes.
 */
import { pino } from "pino";
import { Agent } from "../../src/agent/agent.js";
import { ManualClock } from "../../src/agent/clock.js";
import { CniPods } from "../../src/agent/cni-pods.js";
import type { CniHandler } from "../../src/agent/cni-server.js";
import type { CniStateFile } from "../../src/agent/cni-state.js";
import { DropReader } from "../../src/agent/drops.js";
import { PolicyEventReporter } from "../../src/agent/events.js";
import { FlannelLease } from "../../src/agent/flannel-subnet.js";
import { createMetrics } from "../../src/agent/metrics.js";
import type { AgentParts, TableWatchHooks } from "../../src/agent/parts.js";
import { Reconciler } from "../../src/agent/reconciler.js";
import type { ClusterSource, SourceEvents } from "../../src/agent/source.js";
import { ClusterStore } from "../../src/agent/store.js";
import { SyncRecord } from "../../src/agent/sync-record.js";
import { Datapath } from "../../src/datapath/datapath.js";
import type { KubeReader, RawList } from "../../src/api-client/raw-api.js";
import type { NftResult } from "../../src/nft/backend.js";
import { FakeNft } from "../../src/nft/fake.js";
import { OWNED_TABLES, type TableRef } from "../../src/nft/model.js";
import { tableKey } from "../../src/nft/state.js";
import { Transaction } from "../../src/nft/transaction.js";
import { namespace, node, pod } from "./objects.js";

/** helper 1's checking FakeNft, counting applies and failing the next `failures` ones. */
export class Kernel extends FakeNft {
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
export class FakeSource implements ClusterSource {
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

/** The objects every fixture's store starts with (as the API server would hold them). */
export const FIXTURE_OBJECTS = [
  namespace("x"),
  node("n1", "192.168.0.1", ["10.1.0.0/24"]),
  pod("x", "a", { ips: ["10.1.0.10"], node: "n1" }),
];

/**
 * The agent on fake parts. `more` replaces any part; a ManualClock, store or logger given there is
 * the one the fixture uses too.
 */
export function fixture(more: Partial<AgentParts> = {}, state?: CniStateFile) {
  const clock = more.clock instanceof ManualClock ? more.clock : new ManualClock();
  const logger = more.logger ?? pino({ level: "silent" });
  const kernel = new Kernel();
  const store = more.store ?? new ClusterStore();
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
  const [ns, n1, a] = FIXTURE_OBJECTS;
  store.upsert("Namespace", ns);
  store.upsert("Node", n1);
  store.upsert("Pod", a);
  /** Every kind listed: the source reports the change, as KubeSource does after its lists. */
  const listed = () => {
    source.synced = true;
    source.connected = true;
    source.events.changed("Pod", clock.now());
  };
  return { agent, clock, kernel, store, source, metrics, found, posted, listed };
}

/** Lets the agent's promise chains run until `cond` holds (no timers: microtasks only). */
export async function until(what: string, cond: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !cond(); i++) await Promise.resolve();
  if (!cond()) throw new Error(`never happened: ${what}`);
}

/** A promise the test releases: `wait` resolves once `release` is called. */
export function gate(): { wait: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const wait = new Promise<void>((r) => (release = r));
  return { wait, release };
}

/** A CNI ADD (or the registration kept of one) of pod x/a. */
export const cniReq = (containerId: string) => ({
  containerId,
  namespace: "x",
  name: "a",
  ips: ["10.1.0.10"],
});

/** What fixture() returns. */
export type AgentFixture = ReturnType<typeof fixture>;

/** The syncs counted so far, as `kind/trigger` → count. */
export async function syncs(f: AgentFixture): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const v of (await f.metrics.syncs.get()).values)
    out[`${String(v.labels.kind)}/${String(v.labels.trigger)}`] = v.value;
  return out;
}
