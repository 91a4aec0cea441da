/**
 * What a change to the policies (or pods and namespaces) does to connectivity: the connections
 * that become allowed or denied, grouped by namespace and workload instead of listing every pod
 * pair — by top-level owner or workload entry when known (`workloadGroupOf`), else by the name
 * heuristic. A workload entry (`ns/Kind/name`, no address) takes part like a pod: a changed
 * template label is a connection change, and its self pair is replica to replica (issue 12). Pods that cannot be told apart by any policy — same namespace, labels, container ports,
 * and the same position relative to every ipBlock — are evaluated once per class, and only the
 * pods whose verdicts can change (those selected by a changed policy) are examined when pods and
 * namespaces are the same in both snapshots (diff-focused.ts). With ClusterNetworkPolicies on either
 * side, the matrices of the engine are compared instead, so every tier counts (diff-tiered.ts).
 */
import type { NetworkPolicy, Peer, Pod, Protocol, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot } from "./cluster-index.js";
import { evaluate } from "./evaluate.js";
import {
  changedClusterPolicies,
  changedPolicies,
  focusedChanges,
  onlyPoliciesChanged,
  sameNodes,
} from "./diff-focused.js";
import { type AddChange, classPair, commonPods, tieredChanges } from "./diff-tiered.js";
import { byFirst } from "../base/compare.js";
import { inBlock } from "./rule-match.js";
import { workloadGroupOf } from "./workload.js";

/**
 * A group of pods: a namespace and a workload — `Kind/name` of the top-level owner or workload
 * entry when known, else the heuristic name of `workloadOf` — so `namespace/workload` is the group.
 */
export interface Workload {
  readonly namespace: string;
  readonly workload: string;
}

/** The diff group of an entry (see `workloadGroupOf`). */
export function diffWorkloadOf(pod: Pod): Workload {
  const group = workloadGroupOf(pod);
  const slash = group.indexOf("/");
  return { namespace: group.slice(0, slash), workload: group.slice(slash + 1) };
}

/** One group of changed connections. */
export interface DiffGroup {
  readonly from: Workload;
  readonly to: Workload;
  readonly port: number;
  readonly protocol: Protocol;
  readonly change: "newly-allowed" | "newly-denied";
  /** How many ordered pod pairs changed in this group. */
  readonly pairs: number;
  /** One example pair. */
  readonly example: { readonly from: string; readonly to: string };
}

/** Connections that change between `before` and `after` on the given ports. */
export function diffSnapshots(
  before: Snapshot,
  after: Snapshot,
  ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>,
): DiffGroup[] {
  const b = indexSnapshot(before);
  const a = indexSnapshot(after);
  const groups = new Map<string, { g: Omit<DiffGroup, "pairs">; pairs: number }>();
  const add = (from: Pod, to: Pod, port: number, protocol: Protocol, nowAllowed: boolean, pairs: number) => {
    const g = {
      from: diffWorkloadOf(from),
      to: diffWorkloadOf(to),
      port,
      protocol,
      change: nowAllowed ? ("newly-allowed" as const) : ("newly-denied" as const),
      example: { from: refOf(from), to: refOf(to) },
    };
    const key = `${g.from.namespace}/${g.from.workload} ${g.to.namespace}/${g.to.workload} ${protocol}/${port} ${g.change}`;
    const prev = groups.get(key);
    if (prev) prev.pairs += pairs;
    else groups.set(key, { g, pairs });
  };
  if (before.clusterPolicies.length > 0 || after.clusterPolicies.length > 0) {
    const focus =
      onlyPoliciesChanged(before, after) && sameNodes(before, after)
        ? { policies: changedPolicies(before, after), clusterPolicies: changedClusterPolicies(before, after) }
        : undefined;
    tieredChanges(b, a, ports, add, focus);
  } else if (onlyPoliciesChanged(before, after)) {
    focusedChanges(before, after, b, a, ports, (c) => add(c.from, c.to, c.port, c.protocol, c.nowAllowed, 1));
  } else {
    classChanges(b, a, [...before.policies, ...after.policies], ports, add);
  }
  return [...groups.entries()].sort(byFirst).map(([, v]) => ({ ...v.g, pairs: v.pairs }));
}

/** Pods or namespaces changed too: compare every pair of pod classes. */
function classChanges(
  b: ClusterIndex,
  a: ClusterIndex,
  policies: readonly NetworkPolicy[],
  ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>,
  add: AddChange,
): void {
  const classes = classify(commonPods(b, a), policies);
  for (const from of classes) {
    for (const to of classes) {
      const pair = classPair(from, to);
      if (!pair) continue;
      const { target } = pair;
      for (const { port, protocol } of ports) {
        const q = (idx: ClusterIndex) => {
          const v = evaluate(idx, {
            from: { pod: refOf(from.rep) },
            to: { pod: refOf(target) },
            port,
            protocol,
          });
          return typeof v !== "string" && v.allowed;
        };
        const now = q(a);
        if (q(b) === now) continue;
        add(from.rep, target, port, protocol, now, pair.pairs);
      }
    }
  }
}

interface PodClass {
  readonly rep: Pod;
  readonly members: Pod[];
}

/**
 * Pods that no policy can tell apart, before and after, share a class (a pod to itself is exempt,
 * so pairs exclude it). Both versions count: two pods alike after a relabelling may differ before.
 */
function classify(
  pods: ReadonlyArray<{ readonly before: Pod; readonly after: Pod }>,
  policies: readonly NetworkPolicy[],
): PodClass[] {
  const blocks = policies
    .flatMap((p) => [...p.ingress, ...p.egress])
    .flatMap((r) => (r.peers.kind === "list" ? r.peers.items : []))
    .filter((peer): peer is IpBlockPeer => peer.kind === "ipBlock");
  const byKey = new Map<string, PodClass>();
  for (const { before, after } of pods) {
    const key = `${classKey(before, blocks)} ${classKey(after, blocks)}`;
    const c = byKey.get(key);
    if (c) c.members.push(after);
    else byKey.set(key, { rep: after, members: [after] });
  }
  return [...byKey.values()];
}

type IpBlockPeer = Extract<Peer, { kind: "ipBlock" }>;

/** What policies can see of a pod: namespace, node, labels, ports, families, and each ipBlock's view. */
function classKey(pod: Pod, blocks: readonly IpBlockPeer[]): string {
  // Membership as an ipBlock peer sees it, per address (the evaluator's own test).
  const inBlocks = blocks
    .map((blk) => pod.ips.map((ip) => (inBlock(blk, ip) ? "1" : "0")).join(""))
    .join(".");
  return JSON.stringify([
    pod.namespace,
    pod.nodeName ?? "",
    Object.entries(pod.labels).sort(),
    pod.ports,
    pod.ips.map((i) => i.family),
    inBlocks,
  ]);
}
