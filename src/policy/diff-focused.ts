/**
 * The exact diff when only policies changed (pods and namespaces identical): a pair's verdict can
 * change only through the destination's ingress (if a changed policy selects it for ingress) or the
 * source's egress (likewise for egress). Every such pair is evaluated once per side that can change,
 * with each pod's selecting policies computed once. Workload entries take part like pods: without an
 * address (matched by no ipBlock), and with a self pair that is two of their replicas (issue 12).
 */
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import type { NetworkPolicy, Pod, Protocol, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { ClusterIndex } from "./cluster-index.js";
import type { Endpoint } from "./endpoint.js";
import { policiesSelecting, sideAllows } from "./evaluate.js";
import type { Direction } from "../k8s/model.js";
import { selectorMatches } from "./selector.js";

/** A changed pair: the pods, the port, and whether it is now allowed. */
export interface PairChange {
  readonly from: Pod;
  readonly to: Pod;
  readonly port: number;
  readonly protocol: Protocol;
  readonly nowAllowed: boolean;
}

type Ports = ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;

/** Visits every pair whose verdict differs between the two indexes (which hold the same pods). */
export function focusedChanges(
  before: Snapshot,
  after: Snapshot,
  b: ClusterIndex,
  a: ClusterIndex,
  ports: Ports,
  visit: (c: PairChange) => void,
): void {
  const focus = focusOf(changedPolicies(before, after), b, a);
  const side = memoSides(b, a);
  ingressChanges(focus, ports, side, visit);
  egressChanges(focus, ports, side, visit);
}

/** The pods of both indexes, and those a changed policy selects for ingress or for egress. */
interface Focus {
  readonly pods: readonly Pod[];
  readonly focusIn: readonly Pod[];
  readonly focusOut: ReadonlySet<Pod>;
}

/** Whether one of `policies` selects `pod` for `dir` (its namespace, its podSelector, that policy type). */
export function npSelects(policies: readonly NetworkPolicy[], pod: Pod, dir: Direction): boolean {
  return policies.some(
    (p) =>
      (dir === "ingress" ? p.affectsIngress : p.affectsEgress) &&
      p.namespace === pod.namespace &&
      selectorMatches(p.podSelector, pod.labels),
  );
}

function focusOf(changed: readonly NetworkPolicy[], b: ClusterIndex, a: ClusterIndex): Focus {
  const touches = (pod: Pod, dir: Direction) => npSelects(changed, pod, dir);
  const pods = a.targets.filter((p) => b.podsByRef.has(refOf(p)));
  return {
    pods,
    focusIn: pods.filter((p) => touches(p, "ingress")),
    focusOut: new Set(pods.filter((p) => touches(p, "egress"))),
  };
}

/** Whether one side of a pair allows it, before (`"b"`) or after (`"a"`) the change. */
type SideOracle = (
  tag: "a" | "b",
  pod: Pod,
  dir: Direction,
  other: Endpoint,
  protocol: Protocol,
  port: number,
) => boolean;

/** `sideAllows` with each pod's selecting policies computed once per snapshot and direction. */
function memoSides(b: ClusterIndex, a: ClusterIndex): SideOracle {
  const indexes = { a, b };
  const memo = {
    b: {
      ingress: new Map<Pod, readonly NetworkPolicy[]>(),
      egress: new Map<Pod, readonly NetworkPolicy[]>(),
    },
    a: {
      ingress: new Map<Pod, readonly NetworkPolicy[]>(),
      egress: new Map<Pod, readonly NetworkPolicy[]>(),
    },
  };
  return (tag, pod, dir, other, protocol, port) => {
    const idx = indexes[tag];
    const m = memo[tag][dir];
    let sel = m.get(pod);
    if (!sel) m.set(pod, (sel = policiesSelecting(idx, pod, dir)));
    return sideAllows(idx, pod, dir, other, protocol, port, sel);
  };
}

/** The two ends of a pair as the packet shows them, or undefined when they share no address family. */
function ends(s: Pod, d: Pod): [Endpoint, Endpoint] | undefined {
  if (s.ips.length === 0 || d.ips.length === 0) {
    // An end without an address (a workload entry, a pod without status): the packet carries
    // the other end's first address, and no ipBlock matches the address-less end.
    const sa = s.ips[0];
    const da = d.ips[0];
    return [
      { kind: "pod", pod: s, ...(sa ? { addr: sa } : {}) },
      { kind: "pod", pod: d, ...(da ? { addr: da } : {}) },
    ];
  }
  const fam = s.ips.map((x) => x.family).find((f) => d.ips.some((y) => y.family === f));
  const sa = s.ips.find((x) => x.family === fam);
  const da = d.ips.find((x) => x.family === fam);
  return sa && da
    ? [
        { kind: "pod", pod: s, addr: sa },
        { kind: "pod", pod: d, addr: da },
      ]
    : undefined;
}

/** A pod to itself is exempt; a workload entry to itself is two of its replicas. */
function exempt(s: Pod, d: Pod): boolean {
  return s === d && s.workload === undefined;
}

/** Destinations whose ingress may change, from sources whose egress cannot. */
function ingressChanges(focus: Focus, ports: Ports, side: SideOracle, visit: (c: PairChange) => void): void {
  for (const d of focus.focusIn) {
    for (const s of focus.pods) {
      if (exempt(s, d) || focus.focusOut.has(s)) continue;
      const e = ends(s, d);
      if (!e) continue;
      for (const { port, protocol } of ports) {
        const was = side("b", d, "ingress", e[0], protocol, port);
        const now = side("a", d, "ingress", e[0], protocol, port);
        if (was !== now && side("a", s, "egress", e[1], protocol, port))
          visit({ from: s, to: d, port, protocol, nowAllowed: now });
      }
    }
  }
}

/** Sources whose egress may change: both sides, to every destination. */
function egressChanges(focus: Focus, ports: Ports, side: SideOracle, visit: (c: PairChange) => void): void {
  for (const s of focus.focusOut) {
    for (const d of focus.pods) {
      if (exempt(s, d)) continue;
      const e = ends(s, d);
      if (!e) continue;
      for (const { port, protocol } of ports) {
        const was =
          side("b", s, "egress", e[1], protocol, port) && side("b", d, "ingress", e[0], protocol, port);
        const now =
          side("a", s, "egress", e[1], protocol, port) && side("a", d, "ingress", e[0], protocol, port);
        if (was !== now) visit({ from: s, to: d, port, protocol, nowAllowed: now });
      }
    }
  }
}

/**
 * Content of a decoded object for comparison: where it was read from (`source`) does not count,
 * so the same object read from two files, or from a file and the cluster, compares equal.
 */
function content(o: object): string {
  return JSON.stringify({ ...o, source: undefined }, (_k, v: unknown) =>
    typeof v === "bigint" ? v.toString() : v,
  );
}

/** Whether two lists hold the same objects in the same order, by content. */
const same = (x: readonly object[], y: readonly object[]) =>
  x.length === y.length && x.every((o, i) => content(o) === content(y[i] as object));

/** True when pods and namespaces are the same in both snapshots: only policies may differ. */
export function onlyPoliciesChanged(before: Snapshot, after: Snapshot): boolean {
  return (
    same(before.pods, after.pods) && same([...before.namespaces.values()], [...after.namespaces.values()])
  );
}

/** True when the Nodes (addresses, labels: what `nodes` peers and host-network pods see) are the same. */
export function sameNodes(before: Snapshot, after: Snapshot): boolean {
  return same([...before.nodes.values()], [...after.nodes.values()]);
}

/** Objects that differ between two lists by key, in both versions (added, removed or edited). */
function changed<T extends object>(before: readonly T[], after: readonly T[], key: (o: T) => string): T[] {
  const beforeBy = new Map(before.map((p) => [key(p), content(p)]));
  const afterBy = new Map(after.map((p) => [key(p), content(p)]));
  return [...before, ...after].filter((p) => beforeBy.get(key(p)) !== afterBy.get(key(p)));
}

/** Policies that differ between the snapshots, in both versions (added, removed or edited). */
export function changedPolicies(before: Snapshot, after: Snapshot): NetworkPolicy[] {
  return changed(before.policies, after.policies, refOf);
}

/** ClusterNetworkPolicies that differ (by name), in both versions: a new priority or action counts. */
export function changedClusterPolicies(before: Snapshot, after: Snapshot): ClusterNetworkPolicy[] {
  return changed(before.clusterPolicies, after.clusterPolicies, (p) => p.name);
}
