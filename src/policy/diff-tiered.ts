/**
 * The diff when either snapshot has ClusterNetworkPolicies: both matrices come from the matrix
 * engine (which agrees with `evaluateTiered` cell by cell), compared class pair by class pair. Pods
 * share a class here when they share the engine's class in both snapshots. When only policies
 * changed, only pairs whose source's egress or destination's ingress a changed policy can reach are
 * compared: a NetworkPolicy selecting the pod, or a ClusterNetworkPolicy whose `spec.subject`
 * selects it with rules in that direction — before or after. A change of a policy's `priority` or a
 * rule's `action` is such a change, so every connection it turns is reported.
 */
import type { ClusterNetworkPolicy } from "../k8s/cnp-model.js";
import type { Direction, NetworkPolicy, Pod, Protocol } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import type { ClusterIndex } from "./cluster-index.js";
import { subjectSelects } from "./cnp-match.js";
import { npSelects } from "./diff-focused.js";
import { type Cell, type MatrixEngine, matrixEngine } from "./matrix-engine.js";

type Ports = ReadonlyArray<{ readonly port: number; readonly protocol: Protocol }>;

/** Reports `pairs` changed pod pairs like `from -> to` on one port. */
export type AddChange = (
  from: Pod,
  to: Pod,
  port: number,
  protocol: Protocol,
  nowAllowed: boolean,
  pairs: number,
) => void;

/** The policies that differ between the snapshots, both versions of each (added, removed or edited). */
export interface ChangedPolicies {
  readonly policies: readonly NetworkPolicy[];
  readonly clusterPolicies: readonly ClusterNetworkPolicy[];
}

/** Pods that are in both snapshots (by ref), each class a set of pods alike in both. */
interface Group {
  readonly before: number;
  readonly after: number;
  readonly rep: Pod;
  readonly members: Pod[];
  /** Whether a changed policy can reach the rep's egress / ingress (always, without a focus). */
  readonly egress: boolean;
  readonly ingress: boolean;
}

/**
 * Compares the engine matrices of `b` and `a` over the pods both hold. `changed` (given only when
 * pods, namespaces and nodes are the same in both) limits the comparison to pairs it can reach.
 */
export function tieredChanges(
  b: ClusterIndex,
  a: ClusterIndex,
  ports: Ports,
  add: AddChange,
  changed?: ChangedPolicies,
): void {
  const common = commonPods(b, a);
  const inBefore = new Set(common.map((c) => c.before));
  const inAfter = new Set(common.map((c) => c.after));
  const keep = (set: ReadonlySet<Pod>) => (p: Pod) => set.has(p);
  const eb = matrixEngine(b, ports, { from: keep(inBefore), to: keep(inBefore) });
  const ea = matrixEngine(a, ports, { from: keep(inAfter), to: keep(inAfter) });
  const groups = groupsOf(common, eb, ea, changed && ((pod, dir) => reaches(changed, a, pod, dir)));
  const allowed = (c: Cell) => c.kind === "evaluated" && c.allowed;
  for (const from of groups) {
    for (const to of groups) {
      if (!from.egress && !to.ingress) continue;
      const pair = classPair(from, to);
      if (!pair) continue;
      ports.forEach(({ port, protocol }, pi) => {
        const now = allowed(ea.classCell(from.after, to.after, pi));
        if (allowed(eb.classCell(from.before, to.before, pi)) === now) return;
        add(from.rep, pair.target, port, protocol, now, pair.pairs);
      });
    }
  }
}

/** The pods of `a` that `b` holds too (by ref), both versions, targets in both. */
export function commonPods(b: ClusterIndex, a: ClusterIndex): { before: Pod; after: Pod }[] {
  return a.targets.flatMap((p) => {
    const old = b.podsByRef.get(refOf(p));
    return old && !old.nonTarget ? [{ before: old, after: p }] : [];
  });
}

/** Pods alike in both snapshots, compared through one of them. */
interface PodClass {
  readonly rep: Pod;
  readonly members: readonly Pod[];
}

/**
 * The pair a class pair is compared on, and how many ordered pod pairs it stands for. Within one
 * class: a pod with another member (a pod to itself is always allowed), or a workload entry with
 * itself, which is two of its replicas; undefined when there is neither.
 */
export function classPair(from: PodClass, to: PodClass): { target: Pod; pairs: number } | undefined {
  if (from !== to) return { target: to.rep, pairs: from.members.length * to.members.length };
  const target = to.members[1] ?? (to.rep.workload ? to.rep : undefined);
  const n = from.members.length;
  return target && { target, pairs: n * (n - 1) + from.members.filter((m) => m.workload).length };
}

function groupsOf(
  common: ReadonlyArray<{ readonly before: Pod; readonly after: Pod }>,
  eb: MatrixEngine,
  ea: MatrixEngine,
  reach: ((pod: Pod, dir: Direction) => boolean) | undefined,
): Group[] {
  const byKey = new Map<string, Group>();
  for (const { before, after } of common) {
    const [cb, ca] = [eb.classOf(before), ea.classOf(after)];
    const key = `${cb},${ca}`;
    const g = byKey.get(key);
    if (g) g.members.push(after);
    else {
      const can = (dir: Direction) => reach === undefined || reach(after, dir);
      const group = { before: cb, after: ca, rep: after, members: [after] };
      byKey.set(key, { ...group, egress: can("egress"), ingress: can("ingress") });
    }
  }
  return [...byKey.values()];
}

/**
 * Whether a changed policy can decide `pod`'s `dir` side: a NetworkPolicy of its namespace selecting
 * it with that policy type, or a ClusterNetworkPolicy selecting it with a rule of that direction.
 * Pods of one group share namespace and labels, so the answer holds for every member; namespaces
 * are the same in both snapshots when this is asked, so either index will do.
 */
function reaches(changed: ChangedPolicies, index: ClusterIndex, pod: Pod, dir: Direction): boolean {
  return (
    npSelects(changed.policies, pod, dir) ||
    changed.clusterPolicies.some((p) => hasRules(p, dir) && subjectSelects(index, p.subject, pod))
  );
}

const hasRules = (p: ClusterNetworkPolicy, dir: Direction) =>
  (dir === "ingress" ? p.ingress : p.egress).length > 0;
