/**
 * When one rule certainly allows everything another allows: its peers cover the other's peers and its
 * ports cover the other's ports (a rule allows a packet when some peer AND some port match). Only
 * provable coverage counts; anything uncertain is "not covered".
 */
import { assertNever } from "../../base/assert-never.js";
import { NAMESPACE_NAME_LABEL } from "../../k8s/decode-namespace.js";
import type { NetworkPolicy, Peer, PortSpec, Rule } from "../../k8s/model.js";
import { normalize, subtract } from "../../net/interval.js";
import { peerKey } from "../../compile/peer-addresses.js";
import { isEmptySelector } from "../../policy/selector.js";
import { selectorImplies } from "./selector-logic.js";
import { peersOf, portsOf } from "./context.js";

type PodPeer = Extract<Peer, { kind: "pods" }>;
type BlockPeer = Extract<Peer, { kind: "ipBlock" }>;

/** The addresses of an ipBlock: `cidr` minus every `except`, as canonical intervals. */
export function blockRanges(b: BlockPeer) {
  return subtract([b.cidr.range], normalize(b.except.map((e) => e.range)));
}

function namespacesCovered(policy: NetworkPolicy, a: PodPeer, b: PodPeer): boolean {
  if (b.namespaces.kind === "own") return a.namespaces.kind === "own";
  const own = { matchLabels: { [NAMESPACE_NAME_LABEL]: policy.namespace }, matchExpressions: [] };
  const narrow = a.namespaces.kind === "own" ? own : a.namespaces.selector;
  return isEmptySelector(b.namespaces.selector) || selectorImplies(narrow, b.namespaces.selector);
}

/** True when peer `b` certainly matches every endpoint peer `a` matches. */
export function peerCovers(policy: NetworkPolicy, b: Peer, a: Peer): boolean {
  if (a.kind === "ipBlock" && b.kind === "ipBlock") {
    return a.cidr.family === b.cidr.family && subtract(blockRanges(a), blockRanges(b)).length === 0;
  }
  if (a.kind === "pods" && b.kind === "pods") {
    return namespacesCovered(policy, a, b) && selectorImplies(a.pods, b.pods);
  }
  return false;
}

/** True when port entry list `bs` certainly matches every packet port entry `a` matches. */
function portCovered(a: PortSpec, bs: readonly PortSpec[]): boolean {
  const same = bs.filter((b) => b.protocol === a.protocol);
  if (same.some((b) => b.kind === "protocol")) return true;
  switch (a.kind) {
    case "protocol":
      return false;
    case "named":
      return same.some((b) => b.kind === "named" && b.name === a.name);
    case "range": {
      const ranges = same.flatMap((b) =>
        b.kind === "range" ? [{ lo: BigInt(b.from), hi: BigInt(b.to) }] : [],
      );
      return subtract([{ lo: BigInt(a.from), hi: BigInt(a.to) }], normalize(ranges)).length === 0;
    }
    default:
      return assertNever(a);
  }
}

/** True when rule `b` certainly allows every packet rule `a` allows (same policy, same direction). */
export function ruleCovers(policy: NetworkPolicy, b: Rule, a: Rule): boolean {
  const peersOk =
    b.peers.kind === "any" ||
    (a.peers.kind === "list" && peersOf(a).every((p) => peersOf(b).some((q) => peerCovers(policy, q, p))));
  const portsOk =
    b.ports.kind === "any" ||
    (a.ports.kind === "list" && portsOf(a).every((p) => portCovered(p, portsOf(b))));
  return peersOk && portsOk;
}

function portKey(p: PortSpec): string {
  switch (p.kind) {
    case "protocol":
      return `${p.protocol}`;
    case "range":
      return `${p.protocol} ${p.from}-${p.to}`;
    case "named":
      return `${p.protocol} ${p.name}`;
    default:
      return assertNever(p);
  }
}

/** Canonical text of a rule (peers and ports sorted): equal keys mean identical rules. */
export function ruleKey(policy: NetworkPolicy, r: Rule): string {
  const peers = r.peers.kind === "any" ? "*" : [...new Set(peersOf(r).map((p) => peerKey(policy, p)))].sort();
  const ports = r.ports.kind === "any" ? "*" : [...new Set(portsOf(r).map(portKey))].sort();
  return JSON.stringify([peers, ports]);
}
