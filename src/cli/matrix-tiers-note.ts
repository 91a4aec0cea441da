/**
 * The note `simulate` and `diff` give when their input holds ClusterNetworkPolicies: how many were
 * evaluated in each tier, so a reader knows the matrix is the tiered one (Admin, then
 * NetworkPolicy, then Baseline, then the default allow) and not NetworkPolicy's alone.
 */
import type { Snapshot } from "../k8s/model.js";

/**
 * `3 ClusterNetworkPolicies evaluated (2 Admin, 1 Baseline tier)`; nothing when the snapshot has
 * none (the output is then exactly NetworkPolicy's, as before tiers existed).
 */
export function tiersNotes(snapshot: Snapshot): string[] {
  const all = snapshot.clusterPolicies;
  if (all.length === 0) return [];
  const admin = all.filter((p) => p.tier === "Admin").length;
  const what = all.length === 1 ? "ClusterNetworkPolicy" : "ClusterNetworkPolicies";
  return [
    `${all.length} ${what} evaluated (${admin} Admin, ${all.length - admin} Baseline tier): Admin, then NetworkPolicy, then Baseline decide each connection`,
  ];
}
