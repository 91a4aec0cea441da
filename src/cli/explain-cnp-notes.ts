/**
 * `explain` notes for ClusterNetworkPolicy rules that would have matched but for a named port:
 * `protocols[].destinationNamedPort` "selects a port on a pod" by name, so an entry the receiving pod
 * does not declare (or declares with another number) never matches it — the same surprise as a
 * NetworkPolicy named port (policy/named-port-notes.ts).
 */
import type { ClusterNetworkPolicy, CnpRule } from "../k8s/cnp-model.js";
import type { Direction, Pod, Protocol } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { ClusterIndex } from "../policy/cluster-index.js";
import type { TieredPolicies } from "../policy/cnp-evaluate.js";
import { type CnpMatchContext, cnpPeerMatches } from "../policy/cnp-match.js";
import type { TieredSide, TierTrace } from "../policy/cnp-verdict.js";
import type { Endpoint } from "../policy/endpoint.js";

/** The packet the notes are about. */
export interface Packet {
  readonly src: Endpoint;
  readonly dst: Endpoint;
  readonly protocol: Protocol;
  readonly port: number;
}

/**
 * One note per named-port entry of a consulted rule (before the deciding one) whose peer matched
 * the other end but whose named port does not resolve to the packet's port on the receiver.
 */
export function cnpNamedPortNotes(
  index: ClusterIndex,
  tiers: TieredPolicies,
  packet: Packet,
  sides: { readonly egress: TieredSide; readonly ingress: TieredSide },
): string[] {
  const ctx: CnpMatchContext = { index, nodeLabels: tiers.nodeLabels };
  const byName = new Map([...tiers.admin, ...tiers.baseline].map((p) => [p.name, p]));
  const notes: string[] = [];
  for (const direction of ["egress", "ingress"] as const) {
    const side = sides[direction];
    for (const trace of [side.admin, side.baseline]) {
      if (trace) notes.push(...traceNotes(ctx, byName, trace, direction, packet));
    }
  }
  return notes;
}

function traceNotes(
  ctx: CnpMatchContext,
  byName: ReadonlyMap<string, ClusterNetworkPolicy>,
  trace: TierTrace,
  direction: Direction,
  packet: Packet,
): string[] {
  const other = direction === "egress" ? packet.dst : packet.src;
  const receiver = packet.dst.kind === "pod" ? packet.dst.pod : undefined;
  const notes: string[] = [];
  for (const name of trace.policies) {
    const policy = byName.get(name);
    if (!policy) continue;
    for (const rule of direction === "ingress" ? policy.ingress : policy.egress) {
      const path = `spec.${direction}[${rule.index}]`;
      if (trace.hit?.policy === name && trace.hit.rule === path) break;
      if (!rule.peers.some((peer) => cnpPeerMatches(ctx, peer, other))) continue;
      notes.push(...ruleNotes(`ClusterNetworkPolicy ${name} ${path}`, rule, receiver, packet));
    }
  }
  return notes;
}

function ruleNotes(at: string, rule: CnpRule, receiver: Pod | undefined, packet: Packet): string[] {
  if (rule.protocols.kind !== "list") return [];
  const notes: string[] = [];
  for (const spec of rule.protocols.items) {
    if (spec.kind !== "named") continue;
    const path = `${at}.protocols[${spec.index}]`;
    if (!receiver) {
      notes.push(`${path} names port "${spec.name}", which matches only pods; the destination is not a pod`);
      continue;
    }
    const declared = receiver.ports.filter((c) => c.name === spec.name && c.protocol === packet.protocol);
    if (declared.length === 0)
      notes.push(
        `${path} names port "${spec.name}", which pod ${refOf(receiver)} does not declare for ${packet.protocol}: that entry never matches it`,
      );
    else if (!declared.some((c) => c.port === packet.port))
      notes.push(
        `${path} names port "${spec.name}", which is ${declared.map((c) => c.port).join(", ")}/${packet.protocol} on pod ${refOf(receiver)}, not ${packet.port}`,
      );
  }
  return notes;
}
