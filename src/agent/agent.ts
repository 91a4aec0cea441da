/**
 * The node agent: watches the cluster, compiles the rules for its own node and keeps them applied.
 * Wiring only; each concern lives in its own file (store, source, reconciler, datapath, metrics,
 * sync-record, table-watch, flannel-subnet, cni-chaining). Every sync, whatever starts it, is
 * recorded through one path (sync-record.ts). Stopping leaves the rules in place: a restart must
 * never open the node.
 */
import type { Server } from "node:http";
import { compile, compileContext } from "../compile/compile.js";
import type { NodeRules } from "../compile/ir.js";
import { Datapath, type SyncResult } from "../datapath/datapath.js";
import { CniChaining } from "./cni-chaining.js";
import { AGENT_POD_LABEL, kubePostEvent, PolicyEventReporter, reportingNode } from "./events.js";
import { execBackend } from "../nft/backend.js";
import type { TableRef } from "../nft/model.js";
import { type CounterOwner, renderNode } from "../render/ruleset.js";
import type { TimerHandle } from "./clock.js";
import { CniPods } from "./cni-pods.js";
import { startCniServer } from "./cni-server.js";
import { DropReader } from "./drops.js";
import { startHttp } from "./http.js";
import { FlannelLease, nodeReadText } from "./flannel-subnet.js";
import { KernelVeths } from "./kernel-veths.js";
import { type AgentMetrics, createMetrics, recordRuleset } from "./metrics.js";
import type { AgentOptions } from "./options.js";
import { DEFAULT_RECONCILE, Reconciler } from "./reconciler.js";
import { KubeSource } from "./source.js";
import { ClusterStore } from "./store.js";
import { kubeReader } from "../kube/raw-api.js";
import { type SyncInfo, SyncRecord, type SyncTrigger } from "./sync-record.js";
import { execTableLister, missingTables, TableWatch } from "./table-watch.js";

export type { AgentOptions } from "./options.js";

/** A running agent. */
export class Agent {
  readonly metrics: AgentMetrics = createMetrics();
  readonly store = new ClusterStore();
  private readonly datapath: Datapath;
  private readonly source: KubeSource;
  private readonly reconciler: Reconciler;
  private readonly drops: DropReader;
  private http: Server | undefined;
  private driftTimer: TimerHandle | undefined;
  private readonly chaining: CniChaining | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private cniServer: Server | undefined;
  private readonly cni: CniPods;
  private readonly policyEvents: PolicyEventReporter;
  private readonly record: SyncRecord;
  private tableWatch: TableWatch | undefined;
  private readonly lease: FlannelLease;
  private readonly veths: KernelVeths | undefined;
  /** The rules last applied successfully (for CNI CHECK and ADD confirmation). */
  private applied: NodeRules | undefined;
  /** Which pod and direction each drop counter of the applied ruleset counts. */
  private counterOwners: ReadonlyMap<string, CounterOwner> = new Map();

  constructor(private readonly opts: AgentOptions) {
    const log = opts.logger;
    this.record = new SyncRecord(this.metrics, log, () => this.store.counts());
    this.lease = new FlannelLease(opts.readText ?? nodeReadText, opts.flannelSubnetFile);
    const vd = opts.vethDiscovery ?? {};
    this.veths = vd ? new KernelVeths({ ...opts, ...vd, netns: opts.netns, logger: log }) : undefined;
    this.chaining = opts.cniConfDir
      ? new CniChaining({
          dir: opts.cniConfDir,
          socket: opts.cniSocket,
          clock: opts.clock,
          logger: log,
          ...(opts.watchDir ? { watcher: opts.watchDir } : {}),
          serial: (fn) => this.serial(fn),
        })
      : undefined;
    this.policyEvents = new PolicyEventReporter(
      opts.nodeName,
      opts.postEvent ?? kubePostEvent(opts.kubeConfig),
      (error) => log.warn({ error: String(error) }, "cannot post an Event about an invalid policy"),
    );
    this.cni = new CniPods(
      kubeReader(opts.kubeConfig),
      this.store,
      opts.nodeName,
      opts.cniStateFile,
      log,
      {
        ready: () => this.source.synced,
        notReady: () => this.notReady(),
        syncNow: () => this.serial(() => this.syncAndRecord("cni-add")),
        syncSoon: () => this.reconciler.trigger(),
        applied: () => (this.datapath.inSync ? this.applied : undefined),
      },
      () => opts.clock.now(),
    );
    const backend = execBackend(opts.exec, opts.netns ? { netns: opts.netns } : {});
    this.datapath = new Datapath(backend);
    this.drops = new DropReader(backend, opts.clock, opts.dropsIntervalMs, () => this.counterOwners);
    this.reconciler = new Reconciler(
      {
        clock: opts.clock,
        isReady: () => this.source.synced,
        sync: () => this.serial(() => this.sync()),
        onSynced: (r, info) => this.recordSync(r, { ...info, trigger: "reconcile" }),
      },
      { ...DEFAULT_RECONCILE, ...opts.reconcile },
    );
    this.source = new KubeSource(
      opts.kubeConfig,
      this.store,
      {
        changed: (_kind, at) => this.reconciler.trigger(at),
        upserted: (kind, object, issues) => {
          if (issues.length > 0)
            log.warn(
              { kind, issues },
              "object has errors; its valid parts are enforced, the rest fails closed",
            );
          if (kind === "NetworkPolicy") this.policyEvents.update(object, issues, new Date(opts.clock.now()));
        },
        removed: (kind, object) => {
          if (kind === "NetworkPolicy") this.policyEvents.remove(object);
        },
        disconnected: (kind, error, retryInMs) => {
          this.metrics.reconnects.inc({ resource: kind });
          log.warn({ kind, error, retryInMs }, "watch failed; current rules stay in force, retrying");
        },
        connected: (kind) => log.info({ kind }, "watch connected"),
      },
      opts.clock,
    );
  }

  /** Starts the endpoint, the watches and the drift timer. */
  async start(): Promise<void> {
    if (this.opts.listen) this.http = await startHttp(this, this.opts.listen.host, this.opts.listen.port);
    this.opts.logger.info(
      { node: this.opts.nodeName, netns: this.opts.netns },
      "agent starting; rules from before stay in force until the first complete list",
    );
    if (this.opts.cniSocket) this.cniServer = await startCniServer(this.cni, this.opts.cniSocket);
    await this.source.start();
    this.chaining?.start();
    await this.keepChained();
    this.scheduleDrift();
    this.watchTables();
  }

  /** Stops watching and serving; leaves the rules in the kernel as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.driftTimer) this.opts.clock.clearTimeout(this.driftTimer);
    this.chaining?.stop();
    this.tableWatch?.stop();
    await this.reconciler.stop();
    await this.source.stop();
    await new Promise<void>((r) => (this.http ? this.http.close(() => r()) : r()));
    await new Promise<void>((r) => (this.cniServer ? this.cniServer.close(() => r()) : r()));
    await this.queue;
    this.opts.logger.info("agent stopped; rules left in place");
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
    const why = this.record.notReady();
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
    if (this.veths && !this.veths.discovered) await this.veths.refresh(overlaid);
    const view = await this.lease.view(overlaid, this.opts.nodeName);
    const snapshot = view.snapshot;
    const rules = compile(compileContext(snapshot), this.opts.nodeName);
    const cniVeths = this.cni.registry.interfaces();
    const ruleset = renderNode(rules, { interfaces: this.veths?.interfaces(cniVeths) ?? cniVeths });
    const result = await this.datapath.sync(ruleset);
    this.record.setNodeProblem(view.problem); // after the apply: ready means enforced
    if (result.kind !== "failed") {
      this.applied = rules;
      this.counterOwners = ruleset.counterOwners;
    }
    recordRuleset(this.metrics, rules.pods.length, snapshot.policies.length, ruleset);
    return result;
  }

  /** Runs one sync and records it (callers hold the serial queue). */
  private async syncAndRecord(trigger: SyncTrigger): Promise<SyncResult> {
    const started = this.opts.clock.now();
    const r = await this.sync();
    this.recordSync(r, { trigger, durationMs: this.opts.clock.now() - started });
    return r;
  }

  /** The one recording path of every sync; a failure outside the loop hands the retry to it. */
  private recordSync(r: SyncResult, info: SyncInfo): void {
    const { key, value } = AGENT_POD_LABEL;
    this.policyEvents.flush(() =>
      reportingNode(this.store.nodeNames(), this.store.nodesWithPodLabel(key, value)),
    );
    this.record.record(r, info);
    if (r.kind === "failed" && info.trigger !== "reconcile") this.reconciler.trigger();
  }

  private scheduleDrift(): void {
    if (this.opts.driftIntervalMs <= 0 || this.stopped) return;
    this.driftTimer = this.opts.clock.setTimeout(() => {
      void this.repairDrift()
        .then(() => this.rediscoverVeths())
        .then(() => this.keepChained())
        .then(() => this.followLease())
        .finally(() => this.scheduleDrift());
    }, this.opts.driftIntervalMs);
  }

  /** Compares the kernel with the applied state and repairs it (a recorded sync). */
  private repairDrift(): Promise<void> {
    return this.serial(async () => {
      const started = this.opts.clock.now();
      const d = await this.datapath.repairDrift();
      if (!d.drifted) return;
      this.opts.logger.warn(
        { differences: d.differences.slice(0, 20), result: d.result?.kind },
        "drift repaired",
      );
      if (d.result)
        this.recordSync(d.result, { trigger: "drift", durationMs: this.opts.clock.now() - started });
    });
  }

  /** Pods may have moved to other veths, or appeared without a CNI ADD: sync when they did. */
  private rediscoverVeths(): Promise<void> {
    const v = this.veths;
    if (!v || this.stopped) return Promise.resolve();
    return this.serial(async () => {
      const snapshot = this.cni.registry.overlay(this.store.snapshot(), this.opts.nodeName);
      if (await v.refresh(snapshot)) this.reconciler.trigger();
    });
  }

  /** Flanneld (re)wrote its lease since the last sync: sync again. */
  private async followLease(): Promise<void> {
    if (await this.lease.changed()) this.reconciler.trigger();
  }

  private keepChained(): Promise<void> {
    const c = this.chaining;
    return c && !this.stopped ? this.serial(() => c.check()) : Promise.resolve();
  }

  /** Notices promptly when our tables leave the kernel (see table-watch.ts). */
  private watchTables(): void {
    const w = this.opts.tableWatch;
    if (!w || this.stopped) return;
    const list = execTableLister(this.opts.exec, this.opts.netns);
    this.tableWatch = new TableWatch({
      clock: this.opts.clock,
      pollMs: w.pollMs,
      ...(w.spawn ? { spawn: w.spawn } : {}),
      check: async (trigger) => {
        await this.serial(() => this.restoreTables(list, trigger));
        if (trigger === "poll") await this.followLease();
      },
      chainsDeleted: () => void this.repairDrift(),
      monitorEnded: (why, retryInMs) =>
        this.opts.logger.warn({ why, retryInMs }, "nft monitor ended; the periodic table check continues"),
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
    this.record.tablesMissing(missing, trigger);
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
