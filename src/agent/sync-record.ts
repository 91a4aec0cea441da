/**
 * The one place every sync is recorded, whatever started it (the reconcile loop, a CNI ADD, a
 * drift repair, the loss of our tables): a log line, the sync metrics, and the state `/readyz`
 * answers from. Readiness reasons are generic on purpose: nft's messages and other internals go to
 * the log, never to the unauthenticated endpoint.
 */
import type { Logger } from "pino";
import type { SyncResult } from "../datapath/datapath.js";
import type { AgentMetrics } from "./metrics.js";

/** What started a sync. */
export type SyncTrigger = "reconcile" | "cni-add" | "drift" | "tables-lost";

/** How long a sync took, and since when the change it covers was pending (ms). */
export interface SyncInfo {
  readonly trigger: SyncTrigger;
  readonly durationMs: number;
  readonly eventLatencyMs?: number | undefined;
}

/** Readiness reason while the last apply failed (the error itself is logged). */
export const APPLY_FAILED_REASON =
  "the last apply of the rules failed; the previous rules stay in force (details in the agent's log)";
/** Readiness reason between noticing that our tables are gone and restoring them. */
export const TABLES_LOST_REASON = "netguard's nftables tables were removed from the kernel; restoring them";

/** Results, readiness state and logging of syncs. */
export class SyncRecord {
  private lastResult: SyncResult | undefined;
  private tablesLost = false;
  private nodeProblem: string | undefined;

  constructor(
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
    private readonly counts: () => Record<string, number>,
  ) {}

  /** The last sync's result, from any trigger. */
  get last(): SyncResult | undefined {
    return this.lastResult;
  }

  /** Records one sync: metrics, a log line, readiness. */
  record(r: SyncResult, info: SyncInfo): void {
    this.lastResult = r;
    if (r.kind !== "failed") this.tablesLost = false;
    this.metrics.syncs.inc({ kind: r.kind, trigger: info.trigger });
    this.metrics.syncDuration.observe(info.durationMs / 1000);
    if (info.eventLatencyMs !== undefined) this.metrics.eventToEnforced.observe(info.eventLatencyMs / 1000);
    const base = { trigger: info.trigger, durationMs: Math.round(info.durationMs) };
    if (r.kind === "failed") {
      this.metrics.applyErrors.inc();
      this.log.error(
        { ...base, error: r.error, attempted: r.attempted },
        "apply failed; previous rules stay in force",
      );
      return;
    }
    if (r.kind !== "unchanged" && r.modelRefused !== undefined)
      this.log.error(
        { ...base, modelRefused: r.modelRefused },
        "nft took a transaction netguard's model of nft refuses (a bug in the model): the applied state is now the kernel's listing",
      );
    const counts = this.counts();
    this.log.info(
      {
        ...base,
        result: r.kind,
        ...("commands" in r ? { commands: r.commands } : {}),
        eventLatencyMs: info.eventLatencyMs === undefined ? undefined : Math.round(info.eventLatencyMs),
        pods: counts.Pod,
        policies: counts.NetworkPolicy,
        namespaces: counts.Namespace,
        clusterPolicies: counts.ClusterNetworkPolicy,
      },
      "sync",
    );
  }

  /** Our tables are missing from the kernel (`missing` names them): not ready until a sync succeeds. */
  tablesMissing(missing: readonly string[], trigger: "monitor" | "poll"): void {
    this.tablesLost = true;
    this.metrics.tablesLost.inc({ detectedBy: trigger });
    this.log.warn(
      { missing, detectedBy: trigger },
      "netguard's tables were removed from the kernel; restoring them",
    );
  }

  /** Sets what is wrong with this node's view (Node missing, no pod CIDR); logged when it changes. */
  setNodeProblem(problem: string | undefined): void {
    if (problem === this.nodeProblem) return;
    if (problem) this.log.error({ problem }, "enforcement on this node is incomplete");
    else if (this.nodeProblem) this.log.info("this node's Node object and pod CIDR are known again");
    this.nodeProblem = problem;
  }

  /** Why the rules in force are not what they should be; undefined when they are. */
  notReady(): string | undefined {
    if (this.tablesLost) return TABLES_LOST_REASON;
    if (!this.lastResult) return "first sync not done";
    if (this.lastResult.kind === "failed") return APPLY_FAILED_REASON;
    return this.nodeProblem;
  }
}
