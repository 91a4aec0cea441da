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
import type { TierRule } from "../compile/ir.js";
import type { CnpAction } from "../k8s/cnp-model.js";
import type { Direction } from "../k8s/model.js";
import { checkIdentifier } from "../nft/identifier.js";
import { matchLines } from "./rule-match.js";

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
  return matchLines(rule.peers, rule.ports, peer).map((m) => (m === "" ? tail : `${m} ${tail}`));
}
