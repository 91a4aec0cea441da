/**
 * The collaborators of the node agent (issue 13: entry points only wire). The entry point
 * (src/cli/agent-parts.ts) builds each one from the configuration; the Agent receives them and
 * constructs none. A part that must call back into the agent (the cluster source, the reconcile
 * loop, CNI handling, the table watch) is given as a factory of the agent's hooks.
 */
import type { Server } from "node:http";
import type { Logger } from "pino";
import type { Datapath } from "../datapath/datapath.js";
import type { TableRef } from "../nft/model.js";
import type { CounterOwner } from "../render/ruleset.js";
import type { CniChaining } from "./cni-chaining.js";
import type { CniAgentHooks, CniPods } from "./cni-pods.js";
import type { CniHandler, CniServer } from "./cni-server.js";
import type { Clock } from "./clock.js";
import type { DropReader } from "./drops.js";
import type { PolicyEventReporter } from "./events.js";
import type { FlannelLease } from "./flannel-subnet.js";
import type { HealthSource } from "./http.js";
import type { KernelVeths } from "./kernel-veths.js";
import type { AgentMetrics } from "./metrics.js";
import type { ReconcileDeps, Reconciler } from "./reconciler.js";
import type { ClusterSource, SourceEvents } from "./source.js";
import type { ClusterStore } from "./store.js";
import type { SyncRecord } from "./sync-record.js";
import type { TableWatch, TableWatchDeps } from "./table-watch.js";

/** An endpoint the agent starts and stops (the CNI socket). */
export type Endpoint = Pick<CniServer, "start" | "stop">;

/** Runs work serially with the agent's syncs and drift repairs. */
export type Serial = <T>(fn: () => Promise<T>) => Promise<T>;

/** What the agent tells the table watch to do (the rest of its deps come from the wiring). */
export type TableWatchHooks = Pick<TableWatchDeps, "check" | "chainsDeleted" | "monitorEnded">;

/** Everything an Agent works with. */
export interface AgentParts {
  /** This node's name (spec.nodeName of its pods). */
  readonly nodeName: string;
  /** The network namespace the rules go to (for the log; the datapath already applies there). */
  readonly netns: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: AgentMetrics;
  /** The decoded cluster objects. */
  readonly store: ClusterStore;
  /** The kernel's tables, through an nft backend. */
  readonly datapath: Datapath;
  /** The one recording path of every sync (log, metrics, readiness). */
  readonly record: SyncRecord;
  /** Flannel's lease: the pod CIDRs of a Node without spec.podCIDRs. */
  readonly lease: FlannelLease;
  /** Veth ↔ pod pairs learned from the kernel; undefined: not learned. */
  readonly veths: KernelVeths | undefined;
  /** Events about invalid policies. */
  readonly policyEvents: PolicyEventReporter;
  /** Milliseconds between drift checks (0: none). */
  readonly driftIntervalMs: number;
  /** The watches of the cluster, reporting to the agent. */
  readonly source: (events: SourceEvents) => ClusterSource;
  /** The coalescing loop, running the agent's sync. */
  readonly reconciler: (deps: Omit<ReconcileDeps, "clock">) => Reconciler;
  /** CNI registrations and request handling. */
  readonly cni: (hooks: CniAgentHooks) => CniPods;
  /** The CNI socket; undefined: no CNI endpoint. */
  readonly cniServer: ((handler: CniHandler) => Endpoint) | undefined;
  /** Starts /healthz, /readyz and /metrics; undefined: no HTTP endpoint. */
  readonly http: ((source: HealthSource) => Promise<Server>) | undefined;
  /** Keeps netguard in the node's CNI chain; undefined: not kept. */
  readonly chaining: ((serial: Serial) => CniChaining) | undefined;
  /** The drop counters, labelled by the owners of the ruleset last applied. */
  readonly drops: (owners: () => ReadonlyMap<string, CounterOwner>) => DropReader;
  /** Watches for the loss of our tables; undefined: not watched. */
  readonly tableWatch: ((hooks: TableWatchHooks) => Pick<TableWatch, "start" | "stop">) | undefined;
  /** Lists the kernel's tables; undefined when nft failed. */
  readonly listTables: () => Promise<TableRef[] | undefined>;
}
