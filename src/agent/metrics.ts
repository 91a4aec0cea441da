/**
 * The agent's Prometheus metrics (prom-client), on a registry of its own.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ClusterNetworkPolicy, CnpTier } from "../k8s/cnp-model.js";
import type { NodeRuleset } from "../render/ruleset.js";
import type { KindAvailability } from "./crd-kinds.js";

/** All metrics the agent exports. */
export interface AgentMetrics {
  readonly registry: Registry;
  readonly syncDuration: Histogram;
  readonly applyErrors: Counter;
  readonly eventToEnforced: Histogram;
  readonly podsEnforced: Gauge;
  readonly policies: Gauge;
  readonly clusterPolicies: Gauge<"tier">;
  readonly clusterPolicyWatch: Gauge<"state">;
  readonly nftObjects: Gauge<"type">;
  readonly reconnects: Counter<"resource">;
  readonly droppedPackets: Gauge<"pod" | "direction">;
  readonly syncs: Counter<"kind" | "trigger">;
  readonly tablesLost: Counter<"detectedBy">;
}

/** Creates the metrics, on a registry of their own. */
export function createMetrics(): AgentMetrics {
  const registry = new Registry();
  return { registry, ...syncMetrics(registry), ...rulesetGauges(registry), ...edgeMetrics(registry) };
}

/** How syncs went: duration, failures, latency from event to enforcement, outcomes by trigger. */
function syncMetrics(registry: Registry) {
  const registers = [registry];
  return {
    syncDuration: new Histogram({
      name: "netguard_sync_duration_seconds",
      help: "Time to compile, render and apply one sync",
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    applyErrors: new Counter({
      name: "netguard_apply_errors_total",
      help: "nft transactions that failed (the previous rules stayed in force)",
      registers,
    }),
    eventToEnforced: new Histogram({
      name: "netguard_event_to_enforced_seconds",
      help: "Time from receiving an API event to its rules being applied",
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    syncs: new Counter({
      name: "netguard_syncs_total",
      help: "Syncs by outcome and by what started them (reconcile, cni-add, drift, tables-lost)",
      labelNames: ["kind", "trigger"] as const,
      registers,
    }),
  };
}

/** What the last sync computed: pods, policies, nft objects by type. */
function rulesetGauges(registry: Registry) {
  const registers = [registry];
  return {
    podsEnforced: new Gauge({
      name: "netguard_pods_enforced",
      help: "Policy-target pods on this node whose rules are applied",
      registers,
    }),
    policies: new Gauge({
      name: "netguard_policies",
      help: "NetworkPolicies known in the cluster",
      registers,
    }),
    clusterPolicies: new Gauge({
      name: "netguard_cluster_network_policies",
      help: "ClusterNetworkPolicies known in the cluster, by spec.tier (one that fails closed as a whole counts as Admin)",
      labelNames: ["tier"] as const,
      registers,
    }),
    clusterPolicyWatch: new Gauge({
      name: "netguard_cluster_network_policy_watch",
      help: "1 for the state of the ClusterNetworkPolicy watch, 0 for the others: watched; not-installed (no CRD: looked for again with a backoff); forbidden (the agent's RBAC lacks list/watch)",
      labelNames: ["state"] as const,
      registers,
    }),
    nftObjects: new Gauge({
      name: "netguard_nft_objects",
      help: "Objects in netguard's nft tables",
      labelNames: ["type"] as const,
      registers,
    }),
  };
}

/** What the edges saw: watch reconnects, dropped packets, tables lost from the kernel. */
function edgeMetrics(registry: Registry) {
  const registers = [registry];
  return {
    reconnects: new Counter({
      name: "netguard_informer_reconnects_total",
      help: "Times a watch failed and was restarted",
      labelNames: ["resource"] as const,
      registers,
    }),
    droppedPackets: new Gauge({
      name: "netguard_pod_dropped_packets",
      help: "Packets dropped by a pod's default deny (read from nft counters at a bounded rate)",
      labelNames: ["pod", "direction"] as const,
      registers,
    }),
    tablesLost: new Counter({
      name: "netguard_tables_lost_total",
      help: "Times netguard's tables were found missing from the kernel and restored, by detector",
      labelNames: ["detectedBy"] as const,
      registers,
    }),
  };
}

/** The gauges that describe what one sync computed: pods and policies, and nft objects by type. */
export function recordRuleset(m: AgentMetrics, pods: number, policies: number, ruleset: NodeRuleset): void {
  m.podsEnforced.set(pods);
  m.policies.set(policies);
  m.nftObjects.set({ type: "chain" }, ruleset.inet.chains.length + ruleset.bridge.chains.length);
  m.nftObjects.set(
    { type: "set" },
    ruleset.inet.sets.length + ruleset.inet.maps.length + ruleset.bridge.sets.length,
  );
  m.nftObjects.set(
    { type: "element" },
    ruleset.inet.sets.reduce((n, s) => n + s.elements.length, 0) +
      ruleset.inet.maps.reduce((n, x) => n + x.elements.size, 0),
  );
}

/** The tiers of `spec.tier`, each reported (0 included). */
const TIERS: readonly CnpTier[] = ["Admin", "Baseline"];

/** `netguard_cluster_network_policies{tier}` from the ClusterNetworkPolicies a sync compiled. */
export function recordClusterPolicies(m: AgentMetrics, policies: readonly ClusterNetworkPolicy[]): void {
  for (const tier of TIERS) m.clusterPolicies.set({ tier }, policies.filter((p) => p.tier === tier).length);
}

/** The states of the ClusterNetworkPolicy watch. */
const WATCH_STATES = ["watched", "not-installed", "forbidden"] as const;

/** `netguard_cluster_network_policy_watch{state}`: 1 for the state now, 0 for the others. */
export function recordAvailability(m: AgentMetrics, a: KindAvailability): void {
  const now = a.state === "watched" ? "watched" : a.why;
  for (const state of WATCH_STATES) m.clusterPolicyWatch.set({ state }, state === now ? 1 : 0);
}
