/**
 * One ClusterNetworkPolicy rule of a tier chain (IR `TierRule`) as nft rule text. A rule matches
 * when its peer AND its ports match (`spec.{ingress,egress}[].from|to` and `protocols`), looked up
 * in the compiler's named sets — never an anonymous set — and then counts into its named counter
 * and applies its `action`:
 *
 * - `Accept`, ingress: `accept`. Egress: `goto ingress_phase`, the chain holding the destination's
 *   ingress dispatch ("any ingress rules at the destination do apply"), which ends in `accept`:
 *   the source pod chain's NetworkPolicy part and Baseline are skipped, the destination's are not.
 * - `Deny`: `drop`.
 * - `Pass`: `return` to the pod chain, which goes on with the NetworkPolicy tier (Admin) or with
 *   the default allow (Baseline).
 *
 * The peer is the other end: `ip daddr`/`ip6 daddr` for egress, `ip saddr`/`ip6 saddr` for ingress.
 * A named destination port (`destinationNamedPort`) is a `daddr . protocol . port` lookup of the
 * destination pods declaring it, on top of the peer lookup. A rule with peers of one family only
 * renders only that family's line; a rule whose peers are empty renders nothing (it matches nothing).
 */
import { assertNever } from "../base/assert-never.js";
import type { AddrMatch, TierPortMatch, TierRule } from "../compile/ir.js";
import type { CnpAction } from "../k8s/cnp-model.js";
import type { Direction } from "../k8s/model.js";
import type { Family } from "../net/address.js";
import { checkIdentifier } from "../nft/identifier.js";
import { ipWord } from "./elements.js";

/**
 * The regular chain holding the destination's ingress dispatch: the forward chain and egress tier
 * Accept rules go there (it exists only when some egress tier chain does).
 */
export const INGRESS_PHASE_CHAIN = "ingress_phase";

/** The verdict of a tier rule's `action` in a chain of `direction`. */
export function tierVerdict(action: CnpAction, direction: Direction): string {
  switch (action) {
    case "Accept":
      return direction === "ingress" ? "accept" : `goto ${INGRESS_PHASE_CHAIN}`;
    case "Deny":
      return "drop";
    case "Pass":
      return "return";
    default:
      return assertNever(action);
  }
}

/** The nft lines of one tier rule in a chain of `direction`, in order (one per family it needs). */
export function tierRuleLines(rule: TierRule, direction: Direction): string[] {
  const tail = `counter name ${checkIdentifier(rule.counter)} ${tierVerdict(rule.action, direction)}`;
  const peer = direction === "ingress" ? "saddr" : "daddr";
  return familyMatches(rule.peers, rule.ports, peer).map((m) => (m === "" ? tail : `${m} ${tail}`));
}

/**
 * The match part of each line: one line without a family when neither peers nor ports name a
 * family's set, else one line per family both allow (IPv4 first).
 */
function familyMatches(peers: AddrMatch, ports: TierPortMatch, peer: "saddr" | "daddr"): string[] {
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
