/**
 * The match of a rule of a pod chain (IR `IrRule`) or a tier chain (IR `TierRule`) as nft text: the
 * peer's address set per family, and the destination port set or the `daddr . protocol . port`
 * set of named ports — always named sets, never anonymous ones.
 */
import { assertNever } from "../base/assert-never.js";
import type { AddrMatch, TierPortMatch } from "../compile/ir.js";
import type { Family } from "../net/address.js";
import { ipWord } from "./elements.js";

/**
 * The match part of each line of a rule: one line without a family when neither peers nor ports
 * name a family's set, else one line per family both allow (IPv4 first). `peer` is the other end's
 * address (`saddr` in ingress chains, `daddr` in egress chains); the caller appends the verdict.
 */
export function matchLines(peers: AddrMatch, ports: TierPortMatch, peer: "saddr" | "daddr"): string[] {
  const portsText = ports.kind === "set" ? `meta l4proto . th dport @${ports.set}` : "";
  if (peers.kind === "any" && ports.kind !== "endpoints") return [portsText];
  const out: string[] = [];
  for (const family of ["IPv4", "IPv6"] as const) {
    const peerSet = peerSetOf(peers, family);
    if (peerSet === undefined) continue;
    const parts = peerSet === "any" ? [] : [`${ipWord(family)} ${peer} @${peerSet}`];
    switch (ports.kind) {
      case "any":
        break;
      case "set":
        parts.push(portsText);
        break;
      case "endpoints": {
        const endpoints = family === "IPv4" ? ports.v4 : ports.v6;
        if (endpoints === undefined) continue;
        parts.push(`${ipWord(family)} daddr . meta l4proto . th dport @${endpoints}`);
        break;
      }
      default:
        return assertNever(ports);
    }
    out.push(parts.join(" "));
  }
  return out;
}

/** The peer set of one family: "any", its set's name, or undefined when the rule has none of that family. */
function peerSetOf(peers: AddrMatch, family: Family): string | undefined {
  switch (peers.kind) {
    case "any":
      return "any";
    case "sets":
      return family === "IPv4" ? peers.v4 : peers.v6;
    default:
      return assertNever(peers);
  }
}
