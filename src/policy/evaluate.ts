/**
 * The reference evaluator: the NetworkPolicy v1 spec as plain code. It answers "may A reach B on
 * port P?" with the reasons, and is the oracle every other part of netguard is tested against.
 *
 * - A pod is isolated for ingress (egress) when a policy in its namespace selects it with Ingress
 *   (Egress) in its policyTypes; it then accepts only what some such policy's rules allow.
 * - Traffic flows only when the source pod's egress AND the destination pod's ingress allow it.
 * - Exemptions: a pod reaching its own IP, and traffic between a pod and its own node.
 * - A workload entry (all replicas of a pod template) to itself is replica-to-replica traffic: two
 *   different pods of the workload, evaluated like any two pods (no same-pod exemption).
 * - An end whose address is unknown (a pod template, a pod without status.podIP) is matched by no
 *   ipBlock; the verdict notes every ipBlock peer that could have applied.
 */
import type { Direction, NetworkPolicy, Pod, Protocol, Rule } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import type { ClusterIndex } from "./cluster-index.js";
import {
  describeEndpoint,
  type Endpoint,
  type EndpointRef,
  pickEndpoints,
  resolveCandidate,
} from "./endpoint.js";
import { matchRule, portMatches, type RuleHit, type RuleInput } from "./rule-match.js";
import { selectorMatches } from "./selector.js";
import type { RuleMatch, SideVerdict, Verdict } from "./verdict.js";

/** A question for the evaluator. */
export interface Query {
  readonly from: EndpointRef;
  readonly to: EndpointRef;
  readonly protocol: Protocol;
  readonly port: number;
  /** The packet's IP family; defaults to the source's first family that the destination also has. */
  readonly family?: Family;
}

/** Evaluates a query; returns a message when an endpoint cannot take part in traffic at all. */
export function evaluate(index: ClusterIndex, q: Query): Verdict | string {
  const from = resolveCandidate(index, q.from);
  if (typeof from === "string") return from;
  const to = resolveCandidate(index, q.to);
  if (typeof to === "string") return to;
  const ends = pickEndpoints(from, to, q.family);
  if (typeof ends === "string") return ends;
  return evaluatePacket(index, ends[0], ends[1], q.protocol, q.port);
}

/** Evaluates a packet between resolved endpoints. */
export function evaluatePacket(
  index: ClusterIndex,
  src: Endpoint,
  dst: Endpoint,
  protocol: Protocol,
  port: number,
): Verdict {
  const base = { from: describeEndpoint(src), to: describeEndpoint(dst), protocol, port };
  const exemption = exemptionOf(src, dst);
  const egress =
    src.kind === "pod" ? decideSide(index, src.pod, "egress", dst, protocol, port) : notAPod(src, "source");
  const ingress =
    dst.kind === "pod"
      ? decideSide(index, dst.pod, "ingress", src, protocol, port)
      : notAPod(dst, "destination");
  const notes = [
    ...(src.kind === "pod" ? addresslessNotes(index, src.pod, "egress", dst, protocol, port) : []),
    ...(dst.kind === "pod" ? addresslessNotes(index, dst.pod, "ingress", src, protocol, port) : []),
  ];
  const extra = notes.length > 0 ? { notes } : {};
  if (exemption) {
    return {
      ...base,
      allowed: true,
      exemption,
      egress,
      ingress,
      reasons: [exemptionReason(exemption, src, dst)],
      ...extra,
    };
  }
  const replicas = isReplicaPair(src, dst);
  return {
    ...base,
    allowed: egress.allowed && ingress.allowed,
    ...(replicas ? { replicas: true as const } : {}),
    egress,
    ingress,
    reasons: [
      ...(replicas ? [replicaReason(replicas)] : []),
      sideReason("egress", egress),
      sideReason("ingress", ingress),
    ],
    ...extra,
  };
}

/** The workload when both ends are the same workload entry: replica-to-replica traffic. */
function isReplicaPair(src: Endpoint, dst: Endpoint): Pod | undefined {
  return src.kind === "pod" && dst.kind === "pod" && src.pod === dst.pod && src.pod.workload
    ? src.pod
    : undefined;
}

/** The reason line of a workload's self cell, e.g. for `explain`. */
export function replicaReason(workload: Pod): string {
  return `replica to replica: two different pods of ${refOf(workload)}, evaluated like any two pods (not the same-pod exemption)`;
}

function exemptionOf(src: Endpoint, dst: Endpoint): Verdict["exemption"] {
  if (src.kind === "pod" && dst.kind === "pod" && src.pod === dst.pod && !src.pod.workload) return "same-pod";
  if (src.kind === "node" && dst.kind === "pod" && dst.pod.nodeName === src.node.name) return "own-node";
  if (src.kind === "pod" && dst.kind === "node" && src.pod.nodeName === dst.node.name) return "own-node";
  return undefined;
}

/** The pod whose containerPorts name the ports: the selected pod for ingress, else the destination. */
function receiverOf(pod: Pod, direction: Direction, other: Endpoint): Pod | undefined {
  return direction === "ingress" ? pod : other.kind === "pod" ? other.pod : undefined;
}

/**
 * The side decision, written once: a pod that no policy selects for `direction` is not isolated and
 * accepts everything; an isolated pod accepts exactly what some rule of a selecting policy allows.
 * With `allowedBy`, every allowing rule is recorded there (the reasons); without, the answer comes
 * at the first allowing rule (the verdict-only path diff calls in bulk).
 */
function sideDecision(
  index: ClusterIndex,
  pod: Pod,
  direction: Direction,
  selecting: readonly NetworkPolicy[],
  other: Endpoint,
  protocol: Protocol,
  port: number,
  allowedBy?: RuleMatch[],
): boolean {
  if (selecting.length === 0) return true;
  const input: RuleInput = { peer: other, receiver: receiverOf(pod, direction, other), protocol, port };
  let allowed = false;
  for (const policy of selecting) {
    for (const rule of direction === "ingress" ? policy.ingress : policy.egress) {
      const hit = matchRule(index, policy, rule, input);
      if (!hit) continue;
      if (!allowedBy) return true;
      allowed = true;
      allowedBy.push(ruleMatchOf(policy, rule, hit, direction));
    }
  }
  return allowed;
}

/** The field paths of what allowed a packet: rule, peer and port entry. */
function ruleMatchOf(policy: NetworkPolicy, rule: Rule, hit: RuleHit, direction: Direction): RuleMatch {
  const path = `spec.${direction}[${rule.index}]`;
  return {
    policy: refOf(policy),
    rule: path,
    ...(hit.peer !== undefined
      ? { peer: `${path}.${direction === "ingress" ? "from" : "to"}[${hit.peer}]` }
      : {}),
    ...(hit.port !== undefined ? { port: `${path}.ports[${hit.port}]` } : {}),
  };
}

/** Isolation and allowances of one pod in one direction, with the reasons (see `sideDecision`). */
export function decideSide(
  index: ClusterIndex,
  pod: Pod,
  direction: Direction,
  other: Endpoint,
  protocol: Protocol,
  port: number,
  /** The policies selecting `pod` for `direction`, when the caller has them already. */
  selected?: readonly NetworkPolicy[],
): SideVerdict {
  const selecting = selected ?? policiesSelecting(index, pod, direction);
  const allowedBy: RuleMatch[] = [];
  const allowed = sideDecision(index, pod, direction, selecting, other, protocol, port, allowedBy);
  return {
    kind: "pod",
    pod: refOf(pod),
    isolated: selecting.length > 0,
    policies: selecting.map(refOf),
    allowedBy,
    allowed,
  };
}

/** `decideSide(...).allowed` without collecting reasons (for bulk comparisons): the same decision. */
export function sideAllows(
  index: ClusterIndex,
  pod: Pod,
  direction: Direction,
  other: Endpoint,
  protocol: Protocol,
  port: number,
  /** The policies selecting `pod` for `direction` (`policiesSelecting`), memoised by the caller. */
  selected: readonly NetworkPolicy[],
): boolean {
  return sideDecision(index, pod, direction, selected, other, protocol, port);
}

/**
 * "no address: matched by no ipBlock": the ipBlock peers of `pod`'s rules for this packet's port
 * that could not match `other` because its address is unknown. Empty when `other` has an address.
 */
export function addresslessNotes(
  index: ClusterIndex,
  pod: Pod,
  direction: Direction,
  other: Endpoint,
  protocol: Protocol,
  port: number,
): string[] {
  if (other.kind !== "pod" || other.addr) return [];
  const receiver = receiverOf(pod, direction, other);
  const list = direction === "ingress" ? "from" : "to";
  const peers: string[] = [];
  for (const policy of policiesSelecting(index, pod, direction)) {
    for (const rule of direction === "ingress" ? policy.ingress : policy.egress) {
      if (rule.peers.kind !== "list") continue;
      const ports = rule.ports;
      if (ports.kind === "list" && !ports.items.some((p) => portMatches(p, { receiver, protocol, port })))
        continue;
      for (const peer of rule.peers.items) {
        if (peer.kind === "ipBlock")
          peers.push(`${refOf(policy)} spec.${direction}[${rule.index}].${list}[${peer.index}]`);
      }
    }
  }
  if (peers.length === 0) return [];
  const end = direction === "ingress" ? "source" : "destination";
  const what = other.pod.workload ? "workload" : "pod";
  return [
    `${direction}: the ${end}, ${what} ${refOf(other.pod)}, has no address: matched by no ipBlock (${peers.join(", ")})`,
  ];
}

/** Policies in the pod's namespace whose podSelector selects it and whose policyTypes include `direction`. */
export function policiesSelecting(index: ClusterIndex, pod: Pod, direction: Direction): NetworkPolicy[] {
  const inNamespace = index.policiesByNamespace.get(pod.namespace) ?? [];
  return inNamespace.filter(
    (p) =>
      (direction === "ingress" ? p.affectsIngress : p.affectsEgress) &&
      selectorMatches(p.podSelector, pod.labels),
  );
}

function notAPod(e: Endpoint, end: "source" | "destination"): SideVerdict {
  return {
    kind: "not-a-pod",
    allowed: true,
    reason: `the ${end} ${describeEndpoint(e)} is not a pod: no policy applies on its side`,
  };
}

function exemptionReason(exemption: NonNullable<Verdict["exemption"]>, src: Endpoint, dst: Endpoint): string {
  switch (exemption) {
    case "same-pod":
      return `allowed: ${describeEndpoint(src)} reaches its own address; the packet never leaves the pod's network namespace`;
    case "own-node":
      return `allowed: traffic between ${describeEndpoint(src)} and ${describeEndpoint(dst)} is between a pod and its own node, which is always allowed`;
  }
}

function sideReason(direction: Direction, side: SideVerdict): string {
  if (side.kind === "not-a-pod") return `${direction}: ${side.reason}`;
  if (!side.isolated)
    return `${direction}: pod ${side.pod} is not isolated for ${direction} (no policy selects it with ${cap(direction)}): allowed`;
  const by = side.allowedBy.map((m) => `${m.policy} ${m.rule}`).join(", ");
  return side.allowed
    ? `${direction}: pod ${side.pod} is isolated by ${side.policies.join(", ")}; allowed by ${by}`
    : `${direction}: pod ${side.pod} is isolated by ${side.policies.join(", ")}; no rule allows this traffic: denied`;
}

function cap(d: Direction): string {
  return d === "ingress" ? "Ingress" : "Egress";
}
