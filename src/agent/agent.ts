/**
 * The node agent: watches the cluster, compiles the rules for its own node and keeps them applied.
 * Wiring only; each concern lives in its own file (store, source, reconciler, datapath, metrics).
 * Stopping leaves the rules in place: a restart must never open the node.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { Server } from "node:http";
import type { Logger } from "pino";
import { compile, compileContext } from "../compile/compile.js";
import type { NodeRules } from "../compile/ir.js";
import { Datapath, type SyncResult } from "../datapath/datapath.js";
import { DEFAULT_CNI_ENTRY, ensureChained } from "../cni/install.js";
import { ConfDirWatch, type DirWatcher, nodeDirIdentity, nodeDirWatcher } from "./conf-watch.js";
import {
  AGENT_POD_LABEL,
  kubePostEvent,
  PolicyEventReporter,
  type PostEvent,
  reportingNode,
} from "./events.js";
import { nodeInstallFs } from "../cni/node-install-fs.js";
import { execBackend } from "../nft/backend.js";
import { renderNode } from "../render/ruleset.js";
import type { Exec } from "../sys/exec.js";
import type { Clock, TimerHandle } from "./clock.js";
import { CniPods } from "./cni-pods.js";
import { startCniServer } from "./cni-server.js";
import { DropReader } from "./drops.js";
import { startHttp } from "./http.js";
import { type AgentMetrics, createMetrics, recordRuleset } from "./metrics.js";
import { DEFAULT_RECONCILE, type ReconcileOptions, Reconciler } from "./reconciler.js";
import { KubeSource } from "./source.js";
import { ClusterStore } from "./store.js";

/** Everything the agent is configured with. */
export interface AgentOptions {
  readonly nodeName: string;
  readonly kubeConfig: KubeConfig;
  readonly exec: Exec;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Apply inside this network namespace (a lab node) instead of the agent's own. */
  readonly netns?: string;
  /** Where to serve /healthz, /readyz and /metrics; undefined: no HTTP endpoint. */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly reconcile?: Partial<ReconcileOptions>;
  /** How often to compare the kernel's tables with the applied state (0: never). */
  readonly driftIntervalMs: number;
  /** Minimum interval between reads of the drop counters. */
  readonly dropsIntervalMs: number;
  /** Unix socket for the CNI plugin; undefined: no CNI endpoint. */
  readonly cniSocket?: string;
  /** File keeping CNI registrations across restarts; undefined: in memory only. */
  readonly cniStateFile?: string;
  /** The node's CNI configuration directory: netguard is re-chained there when Flannel drops it. */
  readonly cniConfDir?: string;
  /** How the configuration directory is watched (default: inotify through node:fs). */
  readonly watchDir?: DirWatcher;
  /** How Events about invalid policies are posted (default: through the API server). */
  readonly postEvent?: PostEvent;
}

/** Quiet time after the last change in the CNI configuration directory before it is checked. */
const CONF_QUIET_MS = 200;
/** ... and the longest a check waits for a busy directory to be quiet. */
const CONF_MAX_WAIT_MS = 2000;

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
  private confWatch: ConfDirWatch | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private stopped = false;
  private cniServer: Server | undefined;
  private readonly cni: CniPods;
  private readonly policyEvents: PolicyEventReporter;
  /** The rules last applied successfully (for CNI CHECK and ADD confirmation). */
  private applied: NodeRules | undefined;

  constructor(private readonly opts: AgentOptions) {
    const log = opts.logger;
    this.policyEvents = new PolicyEventReporter(
      opts.nodeName,
      opts.postEvent ?? kubePostEvent(opts.kubeConfig),
      (error) => log.warn({ error: String(error) }, "cannot post an Event about an invalid policy"),
    );
    this.cni = new CniPods(opts.kubeConfig, this.store, opts.nodeName, opts.cniStateFile, log, {
      ready: () => this.source.synced,
      notReady: () => this.notReady(),
      syncNow: () => this.serial(() => this.sync()),
      syncSoon: () => this.reconciler.trigger(),
      applied: () => (this.datapath.inSync ? this.applied : undefined),
    });
    this.datapath = new Datapath(execBackend(opts.exec, opts.netns ? { netns: opts.netns } : {}));
    this.drops = new DropReader(opts.exec, opts.clock, opts.dropsIntervalMs, opts.netns);
    this.reconciler = new Reconciler(
      {
        clock: opts.clock,
        isReady: () => this.source.synced,
        sync: () => this.serial(() => this.sync()),
        onSynced: (r, info) => this.recordSync(r, info),
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
    this.watchConfDir();
    await this.serial(() => this.keepChained());
    this.scheduleDrift();
  }

  /** Stops watching and serving; leaves the rules in the kernel as they are. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.driftTimer) this.opts.clock.clearTimeout(this.driftTimer);
    this.confWatch?.stop();
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

  /** Why the agent is not ready, or undefined when it is (for /readyz). */
  notReady(): string | undefined {
    if (!this.source.synced) return "waiting for the first complete list of every watched kind";
    if (!this.reconciler.last) return "first sync not done";
    if (this.reconciler.last.kind === "failed") return `last apply failed: ${this.reconciler.last.error}`;
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
    const snapshot = this.cni.registry.overlay(this.store.snapshot(), this.opts.nodeName);
    const rules = compile(compileContext(snapshot), this.opts.nodeName);
    const ruleset = renderNode(rules, { interfaces: this.cni.registry.interfaces() });
    const result = await this.datapath.sync(ruleset);
    if (result.kind !== "failed") this.applied = rules;
    recordRuleset(this.metrics, rules.pods.length, snapshot.policies.length, ruleset);
    return result;
  }

  private recordSync(r: SyncResult, info: { durationMs: number; eventLatencyMs: number | undefined }): void {
    const { key, value } = AGENT_POD_LABEL;
    this.policyEvents.flush(() =>
      reportingNode(this.store.nodeNames(), this.store.nodesWithPodLabel(key, value)),
    );
    this.metrics.syncs.inc({ kind: r.kind });
    this.metrics.syncDuration.observe(info.durationMs / 1000);
    if (info.eventLatencyMs !== undefined) this.metrics.eventToEnforced.observe(info.eventLatencyMs / 1000);
    const counts = this.store.counts();
    if (r.kind === "failed") {
      this.metrics.applyErrors.inc();
      this.opts.logger.error(
        { error: r.error, attempted: r.attempted, durationMs: info.durationMs },
        "apply failed; previous rules stay in force",
      );
    } else {
      this.opts.logger.info(
        {
          result: r.kind,
          ...("commands" in r ? { commands: r.commands } : {}),
          durationMs: Math.round(info.durationMs),
          eventLatencyMs: info.eventLatencyMs === undefined ? undefined : Math.round(info.eventLatencyMs),
          pods: counts.Pod,
          policies: counts.NetworkPolicy,
          namespaces: counts.Namespace,
        },
        "sync",
      );
    }
  }

  private scheduleDrift(): void {
    if (this.opts.driftIntervalMs <= 0 || this.stopped) return;
    this.driftTimer = this.opts.clock.setTimeout(() => {
      void this.serial(async () => {
        const d = await this.datapath.repairDrift();
        if (d.drifted)
          this.opts.logger.warn(
            { differences: d.differences.slice(0, 20), result: d.result?.kind },
            "drift repaired",
          );
      })
        .then(() => this.serial(() => this.keepChained()))
        .finally(() => this.scheduleDrift());
    }, this.opts.driftIntervalMs);
  }

  /** Re-checks the chain whenever the CNI configuration directory changes. */
  private watchConfDir(): void {
    const dir = this.opts.cniConfDir;
    if (!dir || this.stopped) return;
    this.confWatch = new ConfDirWatch(dir, () => void this.serial(() => this.keepChained()), {
      watcher: this.opts.watchDir ?? nodeDirWatcher,
      identity: nodeDirIdentity,
      clock: this.opts.clock,
      quietMs: CONF_QUIET_MS,
      maxWaitMs: CONF_MAX_WAIT_MS,
      onError: (error) =>
        this.opts.logger.warn(
          { dir, error: error.message },
          "cannot watch the CNI configuration; it is checked on the drift timer only",
        ),
    });
  }

  /** Flannel rewrites its conflist when its pod restarts: put netguard back into the chain. */
  private async keepChained(): Promise<void> {
    const dir = this.opts.cniConfDir;
    if (!dir) return;
    this.confWatch?.ensure(); // the directory may have appeared, or been replaced, since
    const entry = {
      ...DEFAULT_CNI_ENTRY,
      ...(this.opts.cniSocket ? { agentSocket: this.opts.cniSocket } : {}),
    };
    const r = await ensureChained(nodeInstallFs, dir, entry);
    if (r.kind === "failed")
      this.opts.logger.warn({ dir, error: r.error }, "cannot check the CNI configuration");
    else if (r.changed)
      this.opts.logger.warn(
        { conflist: r.conflist },
        "netguard was missing from the CNI chain (Flannel rewrote it); re-added",
      );
  }

  /** Runs syncs and drift repairs one at a time. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
