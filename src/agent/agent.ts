/**
 * The node agent: watches the cluster, compiles the rules for its own node and keeps them applied.
 * It receives every collaborator (parts.ts; the entry point builds them) and constructs none; each
 * concern lives in its own file (store, source, reconciler, datapath, metrics, sync-record,
 * table-watch, flannel-subnet, cni-chaining). Every sync, whatever starts it, is recorded through
 * one path (sync-record.ts). Stopping leaves the rules in place: a restart must never open the node.
 */
import type { Server } from "node:http";
import { compile, compileContext } from "../compile/compile.js";
import type { NodeRules } from "../compile/ir.js";
import type { Datapath, SyncResult } from "../datapath/datapath.js";
import type { CniChaining } from "./cni-chaining.js";
import { AGENT_POD_LABEL, reportingNode } from "./events.js";
import type { TableRef } from "../nft/model.js";
import { type CounterOwner, renderNode } from "../render/ruleset.js";
import type { TimerHandle } from "./clock.js";
import type { CniAgentHooks, CniPods } from "./cni-pods.js";
import type { DropReader } from "./drops.js";
import { type AgentMetrics, recordClusterPolicies, recordRuleset } from "./metrics.js";
import type { AgentParts, Endpoint } from "./parts.js";
import type { Reconciler } from "./reconciler.js";
import type { ClusterSource, SourceEvents } from "./source.js";
import { agentSourceEvents } from "./source-report.js";
import type { ClusterStore } from "./store.js";
import type { SyncInfo, SyncTrigger } from "./sync-record.js";
import { missingTables, type TableWatch } from "./table-watch.js";

export type { AgentParts } from "./parts.js";

/** A running agent. */
export class Agent {
  private readonly datapath: Datapath;
  private readonly source: ClusterSource;
  private readonly reconciler: Reconciler;
  private readonly drops: DropReader;
  private readonly cni: CniPods;
  private readonly chaining: CniChaining | undefined;
  private readonly cniServer: Endpoint | undefined;
  private http: Server | undefined;
  private driftTimer: TimerHandle | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** The start in progress (or done), which stop() waits for. */
  private starting: Promise<void> = Promise.resolve();
  private tableWatch: Pick<TableWatch, "start" | "stop"> | undefined;
  /** The rules last applied successfully (for CNI CHECK and ADD confirmation). */
  private applied: NodeRules | undefined;
  /** Which pod and direction each drop counter of the applied ruleset counts. */
  private counterOwners: ReadonlyMap<string, CounterOwner> = new Map();

  constructor(private readonly parts: AgentParts) {
    this.datapath = parts.datapath;
    this.source = parts.source(this.sourceEvents());
    this.reconciler = parts.reconciler({
      isReady: () => this.source.synced,
      sync: () => this.serial(() => this.sync()),
      onSynced: (r, info) => this.recordSync(r, { ...info, trigger: "reconcile" }),
    });
    this.cni = parts.cni(this.cniHooks());
    this.cniServer = parts.cniServer?.(this.cni);
    this.chaining = parts.chaining?.((fn) => this.serial(fn));
    this.drops = parts.drops(() => this.counterOwners);
  }

  /** The agent's metrics. */
  get metrics(): AgentMetrics {
    return this.parts.metrics;
  }

  /** The cluster as the agent knows it. */
  get store(): ClusterStore {
    return this.parts.store;
  }

  /** What CNI handling asks of the agent. */
  private cniHooks(): CniAgentHooks {
    return {
      ready: () => this.source.synced,
      notReady: () => this.notReady(),
      syncNow: () => this.serial(() => this.syncAndRecord("cni-add")),
      syncSoon: () => this.reconciler.trigger(),
      applied: () => (this.datapath.inSync ? this.applied : undefined),
    };
  }

  /** What the cluster source reports: changes trigger the loop; invalid policies become Events. */
  private sourceEvents(): SourceEvents {
    return agentSourceEvents(this.parts, (at) => this.reconciler.trigger(at));
  }

  /**
   * Starts the endpoint, the watches and the drift timer. A stop() meanwhile ends the start at its
   * next step (nothing more is opened) and waits for it before tearing down.
   */
  start(): Promise<void> {
    this.starting = this.startParts();
    return this.starting;
  }

  private async startParts(): Promise<void> {
    const { http, logger, nodeName, netns } = this.parts;
    if (http) this.http = await http(this);
    logger.info(
      { node: nodeName, netns },
      "agent starting; rules from before stay in force until the first complete list",
    );
    await this.cni.load();
    if (this.stopped) return;
    await this.cniServer?.start();
    if (this.stopped) return;
    await this.source.start();
    if (this.stopped) return;
    this.chaining?.start();
    await this.keepChained();
    this.scheduleDrift();
    this.watchTables();
  }

  /** Stops watching and serving (after a start in progress); leaves the rules in the kernel as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.starting.catch(() => undefined);
    if (this.driftTimer) this.parts.clock.clearTimeout(this.driftTimer);
    this.chaining?.stop();
    this.tableWatch?.stop();
    await this.reconciler.stop();
    await this.source.stop();
    await new Promise<void>((r) => (this.http ? this.http.close(() => r()) : r()));
    await this.cniServer?.stop();
    await this.queue;
    await this.datapath.settled();
    await this.cni.saved();
    this.parts.logger.info("agent stopped; rules left in place");
  }

  /** The bound HTTP port (for tests using port 0). */
  get httpPort(): number | undefined {
    const a = this.http?.address();
    return typeof a === "object" && a ? a.port : undefined;
  }

  /**
   * Why the agent is not ready, or undefined when it is (for /readyz): every sync counts, whatever
   * started it. Generic reasons only; details are in the log.
   */
  notReady(): string | undefined {
    if (!this.source.synced) return "waiting for the first complete list of every watched kind";
    const why = this.parts.record.notReady();
    if (why) return why;
    if (!this.source.connected) return "a watch is disconnected";
    return undefined;
  }

  /** Prometheus text, with the drop counters refreshed at a bounded rate. */
  async metricsText(): Promise<{ contentType: string; body: string }> {
    this.metrics.droppedPackets.reset();
    for (const d of await this.drops.read())
      this.metrics.droppedPackets.set({ pod: d.pod, direction: d.direction }, d.packets);
    return { contentType: this.metrics.registry.contentType, body: await this.metrics.registry.metrics() };
  }

  private async sync(): Promise<SyncResult> {
    const current = this.store.snapshot();
    this.cni.prune(current.pods); // registrations whose pod left the API or this node
    const overlaid = this.cni.view(current).snapshot;
    const { veths, lease, nodeName, record } = this.parts;
    if (veths && !veths.discovered) await veths.refresh(overlaid);
    const view = await lease.view(overlaid, nodeName);
    const snapshot = view.snapshot;
    const rules = compile(compileContext(snapshot), nodeName);
    const cniVeths = this.cni.registry.interfaces();
    const ruleset = renderNode(rules, { interfaces: veths?.interfaces(cniVeths) ?? cniVeths });
    const result = await this.datapath.sync(ruleset);
    record.setNodeProblem(view.problem); // after the apply: ready means enforced
    if (result.kind !== "failed") {
      this.applied = rules;
      this.counterOwners = ruleset.counterOwners;
    }
    recordRuleset(this.parts.metrics, rules.pods.length, snapshot.policies.length, ruleset);
    recordClusterPolicies(this.parts.metrics, snapshot.clusterPolicies);
    return result;
  }

  /** Runs one sync and records it (callers hold the serial queue). */
  private async syncAndRecord(trigger: SyncTrigger): Promise<SyncResult> {
    const { clock } = this.parts;
    const started = clock.now();
    const r = await this.sync();
    this.recordSync(r, { trigger, durationMs: clock.now() - started });
    return r;
  }

  /** The one recording path of every sync; a failure outside the loop hands the retry to it. */
  private recordSync(r: SyncResult, info: SyncInfo): void {
    const { key, value } = AGENT_POD_LABEL;
    const { policyEvents, store, record } = this.parts;
    policyEvents.flush(() => reportingNode(store.nodeNames(), store.nodesWithPodLabel(key, value)));
    record.record(r, info);
    if (r.kind === "failed" && info.trigger !== "reconcile") this.reconciler.trigger();
  }

  private scheduleDrift(): void {
    const { driftIntervalMs, clock } = this.parts;
    if (driftIntervalMs <= 0 || this.stopped) return;
    this.driftTimer = clock.setTimeout(() => {
      void this.repairDrift()
        .then(() => this.rediscoverVeths())
        .then(() => this.keepChained())
        .then(() => this.followLease())
        .finally(() => this.scheduleDrift());
    }, driftIntervalMs);
  }

  /** Compares the kernel with the applied state and repairs it (a recorded sync). */
  private repairDrift(): Promise<void> {
    const { clock, logger } = this.parts;
    return this.serial(async () => {
      const started = clock.now();
      const d = await this.datapath.repairDrift();
      if (d.failed !== undefined)
        logger.warn({ error: d.failed }, "drift check skipped: nft gave no listing");
      if (!d.drifted) return;
      logger.warn({ differences: d.differences.slice(0, 20), result: d.result?.kind }, "drift repaired");
      if (d.result) this.recordSync(d.result, { trigger: "drift", durationMs: clock.now() - started });
    });
  }

  /** Pods may have moved to other veths, or appeared without a CNI ADD: sync when they did. */
  private rediscoverVeths(): Promise<void> {
    const { veths: v, store, nodeName } = this.parts;
    if (!v || this.stopped) return Promise.resolve();
    return this.serial(async () => {
      const snapshot = this.cni.registry.overlay(store.snapshot(), nodeName);
      if (await v.refresh(snapshot)) this.reconciler.trigger();
    });
  }

  /** Flanneld (re)wrote its lease since the last sync: sync again. */
  private async followLease(): Promise<void> {
    if (await this.parts.lease.changed()) this.reconciler.trigger();
  }

  private keepChained(): Promise<void> {
    const c = this.chaining;
    return c && !this.stopped ? this.serial(() => c.check()) : Promise.resolve();
  }

  /** Notices promptly when our tables leave the kernel (see table-watch.ts). */
  private watchTables(): void {
    const { tableWatch, listTables, logger } = this.parts;
    if (!tableWatch || this.stopped) return;
    this.tableWatch = tableWatch({
      check: async (trigger) => {
        await this.serial(() => this.restoreTables(listTables, trigger));
        if (trigger === "poll") await this.followLease();
      },
      chainsDeleted: () => void this.repairDrift(),
      monitorEnded: (why, retryInMs) =>
        logger.warn({ why, retryInMs }, "nft monitor ended; the periodic table check continues"),
    });
    this.tableWatch.start();
  }

  /** If rules were applied and a table of ours is gone: not ready, full replace now, recorded. */
  private async restoreTables(
    list: () => Promise<TableRef[] | undefined>,
    trigger: "monitor" | "poll",
  ): Promise<void> {
    if (this.stopped || !this.datapath.inSync) return; // before the first sync, or a retry is scheduled
    const have = await list();
    if (!have) return; // nft failed: the drift check and the next poll look again
    const missing = missingTables(have);
    if (missing.length === 0) return;
    this.parts.record.tablesMissing(missing, trigger);
    this.datapath.invalidate();
    await this.syncAndRecord("tables-lost");
  }

  /** Runs syncs and drift repairs one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
