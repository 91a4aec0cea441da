/**
 * Renames the sets a node's chains reference to their final names: the node's set registry merges
 * sets of different definitions that hold the same elements (see set-registry.ts). One renaming for
 * the NetworkPolicy pod chains and the ClusterNetworkPolicy tier chains.
 */
import { assertNever } from "../base/assert-never.js";
import type { AddrMatch, IrRule, LocalPod, PodChain, TierChain, TierPortMatch, TierRule } from "./ir.js";

type Rename = (name: string) => string;

/** `pod` with every set name of its chains passed through `rename`. */
export function renamePod(pod: LocalPod, rename: Rename): LocalPod {
  return { ...pod, ingress: renamePodChain(pod.ingress, rename), egress: renamePodChain(pod.egress, rename) };
}

/** `chain` with every set name passed through `rename`. */
export function renameTierChain(chain: TierChain, rename: Rename): TierChain {
  return { ...chain, rules: chain.rules.map((r) => renameTierRule(r, rename)) };
}

function renamePodChain(chain: PodChain, rename: Rename): PodChain {
  if (chain.kind === "open") return chain;
  return { ...chain, rules: chain.rules.map((r) => renameIrRule(r, rename)) };
}

function renameIrRule(rule: IrRule, rename: Rename): IrRule {
  switch (rule.kind) {
    case "allow-endpoint-ports":
      return { kind: rule.kind, ...families(rule, rename), origin: rule.origin };
    case "allow":
      return rule.peers.kind === "any" ? rule : { ...rule, peers: renamePeers(rule.peers, rename) };
    default:
      return assertNever(rule);
  }
}

function renameTierRule(rule: TierRule, rename: Rename): TierRule {
  return { ...rule, peers: renamePeers(rule.peers, rename), ports: renamePorts(rule.ports, rename) };
}

function families(m: { readonly v4?: string; readonly v6?: string }, rename: Rename) {
  return { ...(m.v4 ? { v4: rename(m.v4) } : {}), ...(m.v6 ? { v6: rename(m.v6) } : {}) };
}

function renamePeers(peers: AddrMatch, rename: Rename): AddrMatch {
  switch (peers.kind) {
    case "any":
      return peers;
    case "sets":
      return { kind: "sets", ...families(peers, rename) };
    default:
      return assertNever(peers);
  }
}

function renamePorts(ports: TierPortMatch, rename: Rename): TierPortMatch {
  switch (ports.kind) {
    case "any":
      return ports;
    case "set":
      return { kind: "set", set: rename(ports.set) };
    case "endpoints":
      return { kind: "endpoints", ...families(ports, rename) };
    default:
      return assertNever(ports);
  }
}
