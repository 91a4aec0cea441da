/**
 * What a change to the policies (or pods and namespaces) does to connectivity: the connections
 * that become allowed or denied, grouped by namespace and workload instead of listing every pod
 * pair. Pods that cannot be told apart by any policy — same namespace, labels, container ports,
 * and the same position relative to every ipBlock — are evaluated once per class, and only the
 * pods whose verdicts can change (those selected by a changed policy) are examined when pods and
 * namespaces are the same in both snapshots (diff-focused.ts).
 */
import type { NetworkPolicy, Pod, Protocol, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot } from "./cluster-index.js";
import { evaluate } from "./evaluate.js";
import { focusedChanges, onlyPoliciesChanged } from "./diff-focused.js";

/** A group of pods: a namespace and a workload name. */
export interface Workload {
  readonly namespace: string;
  readonly workload: string;
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

/** The workload a pod belongs to: the usual app labels, else its name without generated suffixes. */
export function workloadOf(pod: Pod): string {
  const l = pod.labels;
  return (
    l["app.kubernetes.io/name"] ??
    l.app ??
    l["k8s-app"] ??
    pod.name.replace(/(-[a-z0-9]{8,10})?-[a-z0-9]{5}$/, "")
  );
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
      from: { namespace: from.namespace, workload: workloadOf(from) },
      to: { namespace: to.namespace, workload: workloadOf(to) },
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
  if (onlyPoliciesChanged(before, after)) {
    focusedChanges(before, after, b, a, ports, (c) => add(c.from, c.to, c.port, c.protocol, c.nowAllowed, 1));
  } else {
    classChanges(b, a, [...before.policies, ...after.policies], ports, add);
  }
  return [...groups.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([, v]) => ({ ...v.g, pairs: v.pairs }));
}

/** Pods or namespaces changed too: compare every pair of pod classes. */
function classChanges(
  b: ClusterIndex,
  a: ClusterIndex,
  policies: readonly NetworkPolicy[],
  ports: ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>,
  add: (from: Pod, to: Pod, port: number, protocol: Protocol, nowAllowed: boolean, pairs: number) => void,
): void {
  const common = a.targets.filter((p) => b.podsByRef.has(refOf(p)) && !b.podsByRef.get(refOf(p))?.nonTarget);
  const classes = classify(common, policies);
  for (const from of classes) {
    for (const to of classes) {
      // Within one class, compare a pod with another member: a pod to itself is always allowed.
      const target = from === to ? to.members[1] : to.rep;
      if (!target) continue;
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
        const pairs =
          from === to
            ? from.members.length * (from.members.length - 1)
            : from.members.length * to.members.length;
        add(from.rep, target, port, protocol, now, pairs);
      }
    }
  }
}

interface PodClass {
  readonly rep: Pod;
  readonly members: Pod[];
}

/** Pods that no policy can tell apart share a class (a pod to itself is exempt, so pairs exclude it). */
function classify(pods: readonly Pod[], policies: readonly NetworkPolicy[]): PodClass[] {
  const blocks = policies
    .flatMap((p) => [...p.ingress, ...p.egress])
    .flatMap((r) => (r.peers.kind === "list" ? r.peers.items : []))
    .filter((peer) => peer.kind === "ipBlock");
  const byKey = new Map<string, PodClass>();
  for (const pod of pods) {
    // Membership as an ipBlock peer sees it, per address: inside the CIDR, outside every except.
    const inside = (ip: Pod["ips"][number], c: { family: string; range: { lo: bigint; hi: bigint } }) =>
      ip.family === c.family && ip.value >= c.range.lo && ip.value <= c.range.hi;
    const inBlocks = blocks
      .map((blk) =>
        pod.ips
          .map((ip) =>
            blk.kind === "ipBlock" && inside(ip, blk.cidr) && !blk.except.some((e) => inside(ip, e))
              ? "1"
              : "0",
          )
          .join(""),
      )
      .join(".");
    const key = JSON.stringify([
      pod.namespace,
      pod.nodeName ?? "",
      Object.entries(pod.labels).sort(),
      pod.ports,
      pod.ips.map((i) => i.family),
      inBlocks,
    ]);
    const c = byKey.get(key);
    if (c) c.members.push(pod);
    else byKey.set(key, { rep: pod, members: [pod] });
  }
  return [...byKey.values()];
}
