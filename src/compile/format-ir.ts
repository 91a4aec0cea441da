/**
 * A readable text form of NodeRules, for humans and golden tests: each pod's chains with their
 * rules, then the sets they reference with their elements.
 */
import { appendAll } from "../base/append-all.js";
import { assertNever } from "../base/assert-never.js";
import { formatAddr } from "../net/address.js";
import { formatInterval } from "../net/cidr.js";
import type { IrRule, NodeRules, PodChain } from "./ir.js";

/** Renders the rules of one node as text (deterministic). */
export function formatNodeRules(r: NodeRules): string {
  const lines = [
    `node ${r.node}`,
    `  own addresses: ${r.nodeAddresses.map(formatAddr).join(" ") || "(none)"}`,
    `  pod CIDRs (unprogrammed addresses dropped): ${r.podCIDRs.map((c) => formatInterval(c.family, c.range)).join(" ") || "(none)"}`,
  ];
  for (const pod of r.pods) {
    lines.push(`  pod ${pod.ref} ${pod.addrs.map(formatAddr).join(" ")}`);
    appendAll(lines, chainLines("ingress", pod.ingress));
    appendAll(lines, chainLines("egress", pod.egress));
  }
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
