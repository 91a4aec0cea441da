/**
 * Renames the sets a tier chain references to their final names: the node's set registry merges
 * sets of different definitions that hold the same elements (see set-registry.ts).
 */
import { assertNever } from "../base/assert-never.js";
import type { AddrMatch, TierChain, TierPortMatch, TierRule } from "./ir.js";

/** `chain` with every set name passed through `rename`. */
export function renameTierChain(chain: TierChain, rename: (name: string) => string): TierChain {
  return { ...chain, rules: chain.rules.map((r) => renameRule(r, rename)) };
}

function renameRule(rule: TierRule, rename: (name: string) => string): TierRule {
  return { ...rule, peers: renamePeers(rule.peers, rename), ports: renamePorts(rule.ports, rename) };
}

function families(m: { readonly v4?: string; readonly v6?: string }, rename: (name: string) => string) {
  return { ...(m.v4 ? { v4: rename(m.v4) } : {}), ...(m.v6 ? { v6: rename(m.v6) } : {}) };
}

function renamePeers(peers: AddrMatch, rename: (name: string) => string): AddrMatch {
  switch (peers.kind) {
    case "any":
      return peers;
    case "sets":
      return { kind: "sets", ...families(peers, rename) };
    default:
      return assertNever(peers);
  }
}

function renamePorts(ports: TierPortMatch, rename: (name: string) => string): TierPortMatch {
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
