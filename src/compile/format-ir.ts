/**
 * A readable text form of NodeRules, for humans and golden tests: each pod's chains with their
 * rules (and the ClusterNetworkPolicy tier chains it jumps to), then the tier chains, then the sets
 * they reference with their elements.
 */
import { appendAll } from "../base/append-all.js";
import { assertNever } from "../base/assert-never.js";
import { formatAddr } from "../net/address.js";
import { formatInterval } from "../net/cidr.js";
import type { Direction } from "../k8s/model.js";
import type { IrRule, LocalPod, NodeRules, PodChain, TierChain, TierRule } from "./ir.js";

/** Renders the rules of one node as text (deterministic). */
export function formatNodeRules(r: NodeRules): string {
  const lines = [
    `node ${r.node}`,
    `  own addresses: ${r.nodeAddresses.map(formatAddr).join(" ") || "(none)"}`,
    `  pod CIDRs (unprogrammed addresses dropped): ${r.podCIDRs.map((c) => formatInterval(c.family, c.range)).join(" ") || "(none)"}`,
  ];
  for (const pod of r.pods) {
    lines.push(`  pod ${pod.ref} ${pod.addrs.map(formatAddr).join(" ")}`);
    appendAll(lines, sideLines(pod, "ingress"));
    appendAll(lines, sideLines(pod, "egress"));
  }
  for (const chain of r.tierChains) appendAll(lines, tierChainLines(chain));
  for (const s of r.addressSets) {
    lines.push(
      `  set ${s.name} ${s.family}: ${s.intervals.map((i) => formatInterval(s.family, i)).join(", ")}`,
    );
  }
  for (const s of r.portSets) {
    lines.push(
      `  set ${s.name}: ${s.entries.map((e) => `${e.protocol} ${e.from === e.to ? e.from : `${e.from}-${e.to}`}`).join(", ")}`,
    );
  }
  for (const s of r.endpointPortSets) {
    const els = s.entries.map(
      (e) => `${formatAddr({ family: s.family, value: e.addr })} ${e.protocol} ${e.port}`,
    );
    lines.push(`  set ${s.name} ${s.family}: ${els.join(", ")}`);
  }
  return `${lines.join("\n")}\n`;
}

/**
 * One direction of a pod: its Admin tier jump, the NetworkPolicy chain, and its Baseline tier jump
 * (consulted only when no NetworkPolicy isolates the pod).
 */
function sideLines(pod: LocalPod, direction: Direction): string[] {
  const tiers = pod.tiers?.[direction];
  const chain = chainLines(direction, pod[direction]);
  if (!tiers) return chain;
  const admin = tiers.admin ? [`    ${direction}: admin tier -> ${tiers.admin}`] : [];
  const baseline =
    tiers.baseline && pod[direction].kind === "open"
      ? [`    ${direction}: baseline tier -> ${tiers.baseline}`]
      : [];
  return [...admin, ...chain, ...baseline];
}

/** A tier chain: its policies in evaluation order, then its rules (first match decides; none: return). */
function tierChainLines(chain: TierChain): string[] {
  const peerWord = chain.direction === "ingress" ? "from" : "to";
  return [
    `  tier chain ${chain.name} (${chain.tier} ${chain.direction}): ${chain.policies.join(", ")}`,
    ...chain.rules.map((rule) => `    ${tierRuleText(rule, peerWord)}`),
    "    return",
  ];
}

function tierRuleText(rule: TierRule, peerWord: string): string {
  const peers = rule.peers.kind === "any" ? "any peer" : `${peerWord} ${sets(rule.peers)}`;
  const ports =
    rule.ports.kind === "any"
      ? "any port"
      : rule.ports.kind === "set"
        ? `ports @${rule.ports.set}`
        : `address.port ${sets(rule.ports)}`;
  const name = rule.origin.name !== undefined ? ` ${JSON.stringify(rule.origin.name)}` : "";
  return `${rule.action} ${peers} ${ports} counter ${rule.counter} (${rule.origin.policy} ${rule.origin.rule}${name})`;
}

function chainLines(direction: string, chain: PodChain): string[] {
  switch (chain.kind) {
    case "open":
      return [`    ${direction}: open`];
    case "isolated":
      return [
        `    ${direction}: isolated by ${chain.policies.join(", ")}`,
        ...chain.rules.map(
          (rule) => `      allow ${ruleText(rule, direction === "ingress" ? "from" : "to")}`,
        ),
        "      drop",
      ];
    default:
      return assertNever(chain);
  }
}

function ruleText(rule: IrRule, peerWord: string): string {
  const origin = `(${rule.origin.policy} ${rule.origin.rule})`;
  switch (rule.kind) {
    case "allow": {
      const peers = rule.peers.kind === "any" ? "" : `${peerWord} ${sets(rule.peers)} `;
      const ports = rule.ports.kind === "any" ? "any port" : `ports @${rule.ports.set}`;
      return `${peers}${ports} ${origin}`;
    }
    case "allow-endpoint-ports":
      return `${peerWord} address.port ${sets(rule)} ${origin}`;
    default:
      return assertNever(rule);
  }
}

function sets(m: { readonly v4?: string; readonly v6?: string }): string {
  return [m.v4, m.v6]
    .filter((n): n is string => !!n)
    .map((n) => `@${n}`)
    .join("|");
}
