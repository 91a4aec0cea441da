/**
 * What two ClusterNetworkPolicy rules can match, compared without packets, for the lints: whether
 * two rules (or subjects) may match some common traffic, and whether one provably matches all the
 * traffic of another, for every cluster. A rule matches when "some peer matches AND (no
 * `protocols` OR some entry matches)" (src/policy/cnp-match.ts `matchCnpRule`); `networks` match
 * pod and node addresses too, `nodes` match node addresses only, `namespaces`/`pods` pods only.
 * "May overlap" errs towards true, "covers" towards false: a lint that claims an overlap may be
 * cautious, one that claims a rule is dead must be right.
 */
import { assertNever } from "../../base/assert-never.js";
import type { CnpPeer, CnpPort, CnpRule, CnpSubject } from "../../k8s/cnp-model.js";
import type { LabelSelector } from "../../k8s/model.js";
import type { Cidr } from "../../net/cidr.js";
import { selectorImplies, selectorsDisjoint } from "./selector-logic.js";

const EVERYTHING: LabelSelector = { matchLabels: {}, matchExpressions: [] };

/** Whether some label map may match both selectors (selector-logic.ts, not proved disjoint). */
const mayIntersect = (a: LabelSelector, b: LabelSelector) => !selectorsDisjoint(a, b);
/** Whether `outer` provably selects every label map `inner` selects. */
const selectorCovers = (outer: LabelSelector, inner: LabelSelector) => selectorImplies(inner, outer);

/** A peer or subject as (namespace selector, pod selector), or undefined when it is not about pods. */
function podSet(p: CnpPeer | CnpSubject): { ns: LabelSelector; pods: LabelSelector } | undefined {
  if (p.kind === "namespaces") return { ns: p.namespaces, pods: EVERYTHING };
  if (p.kind === "pods") return { ns: p.namespaces, pods: p.pods };
  return undefined;
}

/** Whether two CIDRs share an address. */
export const cidrsOverlap = (a: Cidr, b: Cidr) =>
  a.family === b.family && a.range.lo <= b.range.hi && b.range.lo <= a.range.hi;
const cidrWithin = (inner: Cidr, outer: Cidr) =>
  inner.family === outer.family && outer.range.lo <= inner.range.lo && inner.range.hi <= outer.range.hi;

/** Whether some endpoint may match both peers (`unsupported` peers are the rule's concern: false). */
export function peersMayOverlap(a: CnpPeer, b: CnpPeer): boolean {
  if (a.kind === "unsupported" || b.kind === "unsupported") return false;
  const pa = podSet(a);
  const pb = podSet(b);
  if (pa && pb) return mayIntersect(pa.ns, pb.ns) && mayIntersect(pa.pods, pb.pods);
  if (a.kind === "networks" && b.kind === "networks")
    return a.cidrs.some((x) => b.cidrs.some((y) => cidrsOverlap(x, y)));
  if (a.kind === "nodes" && b.kind === "nodes") return mayIntersect(a.nodes, b.nodes);
  // `networks` match pod and node addresses alike; `nodes` never match a pod.
  return a.kind === "networks" || b.kind === "networks";
}

/** Whether `outer` matches every endpoint `inner` matches, in every cluster. */
export function peerCovers(outer: CnpPeer, inner: CnpPeer): boolean {
  const po = podSet(outer);
  const pi = podSet(inner);
  if (po && pi) return selectorCovers(po.ns, pi.ns) && selectorCovers(po.pods, pi.pods);
  if (outer.kind === "networks" && inner.kind === "networks")
    return inner.cidrs.every((c) => outer.cidrs.some((o) => cidrWithin(c, o)));
  if (outer.kind === "nodes" && inner.kind === "nodes") return selectorCovers(outer.nodes, inner.nodes);
  return false;
}

function portsMayOverlap(a: CnpPort, b: CnpPort): boolean {
  if (a.kind === "range" && b.kind === "range")
    return a.protocol === b.protocol && a.from <= b.to && b.from <= a.to;
  return true; // a named port may resolve to any number, of any protocol
}

function portCovers(outer: CnpPort, inner: CnpPort): boolean {
  switch (inner.kind) {
    case "range":
      return (
        outer.kind === "range" &&
        outer.protocol === inner.protocol &&
        outer.from <= inner.from &&
        inner.to <= outer.to
      );
    case "named":
      return outer.kind === "named" && outer.name === inner.name;
    default:
      return assertNever(inner);
  }
}

type Protocols = CnpRule["protocols"];

function protocolsMayOverlap(a: Protocols, b: Protocols): boolean {
  if (a.kind === "any" || b.kind === "any") return true;
  return a.items.some((x) => b.items.some((y) => portsMayOverlap(x, y)));
}

function protocolsCover(outer: Protocols, inner: Protocols): boolean {
  if (outer.kind === "any") return true;
  if (inner.kind === "any") return false;
  return inner.items.every((i) => outer.items.some((o) => portCovers(o, i)));
}

/** Whether a rule is read fail-closed (an `unsupported` peer): the decoder reports it as an error. */
export function failsClosed(rule: CnpRule): boolean {
  return rule.peers.some((p) => p.kind === "unsupported");
}

/** Whether some packet may match both rules (as written; fail-closed rules never overlap here). */
export function rulesMayOverlap(a: CnpRule, b: CnpRule): boolean {
  if (failsClosed(a) || failsClosed(b)) return false;
  return (
    a.peers.some((x) => b.peers.some((y) => peersMayOverlap(x, y))) &&
    protocolsMayOverlap(a.protocols, b.protocols)
  );
}

/** Whether `outer` matches every packet `inner` matches (each peer and port covered by one of `outer`'s). */
export function ruleCovers(outer: CnpRule, inner: CnpRule): boolean {
  if (failsClosed(outer) || failsClosed(inner)) return false;
  return (
    inner.peers.every((i) => outer.peers.some((o) => peerCovers(o, i))) &&
    protocolsCover(outer.protocols, inner.protocols)
  );
}

/** Whether some pod may be selected by both subjects, in some cluster (`unknown`: may select any). */
export function subjectsMayOverlap(a: CnpSubject, b: CnpSubject): boolean {
  const pa = podSet(a);
  const pb = podSet(b);
  if (!pa || !pb) return true;
  return mayIntersect(pa.ns, pb.ns) && mayIntersect(pa.pods, pb.pods);
}

/** Whether `outer` selects every pod `inner` selects, in every cluster (`unknown`: never proved). */
export function subjectCovers(outer: CnpSubject, inner: CnpSubject): boolean {
  const po = podSet(outer);
  const pi = podSet(inner);
  return (
    po !== undefined && pi !== undefined && selectorCovers(po.ns, pi.ns) && selectorCovers(po.pods, pi.pods)
  );
}
