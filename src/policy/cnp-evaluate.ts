/**
 * The reference evaluator of ClusterNetworkPolicy (`policy.networking.k8s.io/v1alpha2`) around
 * NetworkPolicy: the tiers as plain code, answering with reasons. `spec.tier`: "Policy tiers are
 * evaluated in the following order: Admin tier, NetworkPolicy tier, Baseline tier". Per direction
 * (egress at the source pod, ingress at the destination pod; both must allow):
 *
 * 1. Admin: the first matching rule decides — Accept allows (for egress: "No further egress
 *    ClusterNetworkPolicy or NetworkPolicy rules will be processed but any ingress rules at the
 *    destination do apply"), Deny denies, Pass skips the rest of the tier ("Skips all further
 *    ClusterNetworkPolicy rules in the current tier").
 * 2. NetworkPolicy: "v1.NetworkPolicy always makes a final decision for selected pods" — when one
 *    isolates the pod in this direction, its answer is final (`decideSide`, via `evaluatePacket`).
 * 3. Baseline: like Admin; Pass moves on to the default.
 * 4. "If a given connection wasn't allowed or denied by any of the tiers, the default kubernetes
 *    policy is applied, which says that all pods can communicate with each other": allowed.
 *
 * The NetworkPolicy exemptions (a pod reaching itself, a pod and its own node) hold here too: no
 * tier filters them, as netguard's datapath never does.
 */
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import type { Direction, Labels, Protocol, Snapshot } from "../k8s/model.js";
import type { ClusterIndex } from "./cluster-index.js";
import type { CnpMatchContext } from "./cnp-match.js";
import { orderTier, walkTier } from "./cnp-tier.js";
import type { CnpRuleHit, TieredSide, TieredVerdict, TierTrace } from "./cnp-verdict.js";
import { type Endpoint, pickEndpoints, resolveCandidate } from "./endpoint.js";
import { evaluatePacket, type Query } from "./evaluate.js";
import type { RuleInput } from "./rule-match.js";
import type { SideVerdict } from "./verdict.js";

/** The ClusterNetworkPolicies of a snapshot, ordered per tier, with what their peers need. */
export interface TieredPolicies {
  readonly admin: readonly ClusterNetworkPolicy[];
  readonly baseline: readonly ClusterNetworkPolicy[];
  /** Node labels by Node name, for `nodes` peers (empty: only an empty selector selects a Node). */
  readonly nodeLabels: ReadonlyMap<string, Labels>;
}

/** Orders the policies once per snapshot (see `orderTier`). */
export function tieredPolicies(
  cnps: readonly ClusterNetworkPolicy[],
  nodeLabels: ReadonlyMap<string, Labels> = new Map(),
): TieredPolicies {
  return { admin: orderTier(cnps, "Admin"), baseline: orderTier(cnps, "Baseline"), nodeLabels };
}

/** The tiers of a snapshot: its ClusterNetworkPolicies ordered, with its Nodes' labels for `nodes` peers. */
export function snapshotTiers(snapshot: Snapshot): TieredPolicies {
  return tieredPolicies(
    snapshot.clusterPolicies,
    new Map([...snapshot.nodes].map(([name, node]) => [name, node.labels])),
  );
}

/** The two ends of a query (pods by name or addresses), or why an end cannot take part in traffic. */
export function queryEndpoints(index: ClusterIndex, q: Query): [Endpoint, Endpoint] | string {
  const from = resolveCandidate(index, q.from);
  if (typeof from === "string") return from;
  const to = resolveCandidate(index, q.to);
  if (typeof to === "string") return to;
  return pickEndpoints(from, to, q.family);
}

/** Evaluates a query (pods by name or addresses), or returns why an end cannot take part in traffic. */
export function evaluateTieredQuery(
  index: ClusterIndex,
  tiers: TieredPolicies,
  q: Query,
): TieredVerdict | string {
  const ends = queryEndpoints(index, q);
  if (typeof ends === "string") return ends;
  return evaluateTiered(index, tiers, ends[0], ends[1], q.protocol, q.port);
}

/** Evaluates a packet between resolved endpoints through every tier. */
export function evaluateTiered(
  index: ClusterIndex,
  tiers: TieredPolicies,
  src: Endpoint,
  dst: Endpoint,
  protocol: Protocol,
  port: number,
): TieredVerdict {
  const v1 = evaluatePacket(index, src, dst, protocol, port);
  const ctx: CnpMatchContext = { index, nodeLabels: tiers.nodeLabels };
  const side = (direction: Direction, self: Endpoint, other: Endpoint, np: SideVerdict): TieredSide =>
    decideTieredSide(ctx, tiers, direction, self, other, protocol, port, np);
  const egress = side("egress", src, dst, v1.egress);
  const ingress = side("ingress", dst, src, v1.ingress);
  const base = { from: v1.from, to: v1.to, protocol, port, egress, ingress };
  const notes = v1.notes ? { notes: v1.notes } : {};
  if (v1.exemption) return { ...base, allowed: true, exemption: v1.exemption, reasons: v1.reasons, ...notes };
  const replica = v1.replicas ? v1.reasons.slice(0, 1) : [];
  return {
    ...base,
    allowed: egress.allowed && ingress.allowed,
    reasons: [...replica, egress.reason, ingress.reason],
    ...notes,
  };
}

/**
 * One side through the tiers. `self` is the pod whose policies decide (the source for egress, the
 * destination for ingress); `np` is NetworkPolicy's answer for that side. A side that is not a pod
 * (a node, a host-network pod, an outside address) is selected by no subject: allowed.
 */
export function decideTieredSide(
  ctx: CnpMatchContext,
  tiers: TieredPolicies,
  direction: Direction,
  self: Endpoint,
  other: Endpoint,
  protocol: Protocol,
  port: number,
  np: SideVerdict,
): TieredSide {
  if (self.kind !== "pod" || np.kind !== "pod") {
    const reason = np.kind === "not-a-pod" ? np.reason : "not a pod";
    return {
      allowed: true,
      decidedBy: "not-a-pod",
      admin: { policies: [] },
      networkPolicy: np,
      reason: `${direction}: ${reason}`,
    };
  }
  const pod = self.pod;
  // Named ports name the destination pod's container ports: the pod itself for ingress.
  const receiver = direction === "ingress" ? pod : other.kind === "pod" ? other.pod : undefined;
  const input: RuleInput = { peer: other, receiver, protocol, port };
  const admin = walkTier(ctx, tiers.admin, pod, direction, input);
  const who = `${direction}: pod ${np.pod}`;
  if (admin.hit && admin.hit.action !== "Pass") {
    const allowed = admin.hit.action === "Accept";
    return { allowed, decidedBy: "admin", admin, networkPolicy: np, reason: `${who}: ${hitText(admin.hit)}` };
  }
  const passed = admin.hit ? `${who}: ${hitText(admin.hit)}; ` : `${who}: `;
  if (np.isolated) {
    const by = np.allowed
      ? `allowed by ${np.allowedBy.map((m) => `${m.policy} ${m.rule}`).join(", ")}`
      : "no rule allows it: denied";
    const reason = `${passed}isolated by NetworkPolicy ${np.policies.join(", ")}; ${by}`;
    return { allowed: np.allowed, decidedBy: "network-policy", admin, networkPolicy: np, reason };
  }
  const baseline = walkTier(ctx, tiers.baseline, pod, direction, input);
  return baselineSide(admin, np, baseline, `${passed}not isolated by any NetworkPolicy; `);
}

/** Steps 3 and 4: the Baseline tier decides, or the default allows. */
function baselineSide(admin: TierTrace, np: SideVerdict, baseline: TierTrace, before: string): TieredSide {
  const common = { admin, networkPolicy: np, baseline };
  if (baseline.hit && baseline.hit.action !== "Pass") {
    const allowed = baseline.hit.action === "Accept";
    return { ...common, allowed, decidedBy: "baseline", reason: `${before}${hitText(baseline.hit)}` };
  }
  const passed = baseline.hit ? `${hitText(baseline.hit)}; ` : "";
  return {
    ...common,
    allowed: true,
    decidedBy: "default",
    reason: `${before}${passed}${defaultText(admin, baseline)}`,
  };
}

/** `Admin ClusterNetworkPolicy deny-db (priority 10) spec.egress[0] "no-db" to[1] protocols[0]: Deny`. */
function hitText(hit: CnpRuleHit): string {
  const closed = hit.failClosed !== undefined ? ` — fail closed: ${hit.failClosed}` : "";
  const effect =
    hit.action === "Accept" ? "allowed" : hit.action === "Deny" ? "denied" : `on to the next tier`;
  return `${hit.tier} ClusterNetworkPolicy ${hit.policy} (priority ${hit.priority}) ${hitRule(hit)}${closed}: ${hit.action}, ${effect}`;
}

/** `spec.egress[1] "no-cross-tenant" (to[0], protocols[0])`: the rule, its name, what of it matched. */
export function hitRule(hit: CnpRuleHit): string {
  const name = hit.name !== undefined ? ` "${hit.name}"` : "";
  const where = [hit.peer, hit.port].filter((p) => p !== undefined).map((p) => p.slice(hit.rule.length + 1));
  const what = where.length > 0 ? ` (${where.join(", ")})` : "";
  return `${hit.rule}${name}${what}`;
}

function defaultText(admin: TierTrace, baseline: TierTrace): string {
  const none = admin.policies.length + baseline.policies.length === 0;
  return none
    ? "no ClusterNetworkPolicy selects it: allowed (default)"
    : "no ClusterNetworkPolicy rule decides: allowed (default)";
}
