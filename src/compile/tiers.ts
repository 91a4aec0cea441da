/**
 * The ClusterNetworkPolicy tiers of one node: per tier and direction, one chain per set of policies
 * selecting local pods (`spec.subject`), holding their rules in evaluation order (`spec.priority`,
 * then name; each policy's rules as written). Pods the same policies select share the chain, so a
 * packet's cost does not grow with the number of pods, and a chain's name depends only on the set
 * of policies: a priority change rewrites chain contents, not the pods' jumps.
 */
import type { ClusterNetworkPolicy, CnpRule, CnpTier } from "../k8s/cnp-model.js";
import type { Direction, Pod } from "../k8s/model.js";
import { identifierOf } from "../nft/identifier.js";
import type { ClusterIndex } from "../policy/cluster-index.js";
import type { TieredPolicies } from "../policy/cnp-evaluate.js";
import { subjectSelects } from "../policy/cnp-match.js";
import type { AddrMatch, EndpointPortSet, PodTiers, TierChain, TierPortMatch, TierRule } from "./ir.js";
import type { SetRegistry } from "./set-registry.js";
import { shortHash } from "./shared-sets.js";
import {
  type FamilySets,
  namedPortTuples,
  type TierRuleDeps,
  type TierRuleParts,
  tierRuleParts,
} from "./tier-rules.js";

/** What compiling tiers needs from the compile context. */
export interface TierDeps extends TierRuleDeps {
  readonly index: ClusterIndex;
  /** The snapshot's ClusterNetworkPolicies per tier in evaluation order, computed once. */
  readonly tiered: TieredPolicies;
  /** Pod-independent parts of each ClusterNetworkPolicy rule, computed on first use. */
  readonly tierRules: Map<CnpRule, TierRuleParts>;
  /** The policies selecting pods of one namespace and labels, per tier, computed on first use. */
  readonly subjectClasses: Map<string, SubjectClass>;
}

/** The policies of each tier whose `spec.subject` selects a pod, in evaluation order. */
export interface SubjectClass {
  readonly Admin: readonly ClusterNetworkPolicy[];
  readonly Baseline: readonly ClusterNetworkPolicy[];
}

/** A pod's tiers per direction (`LocalPod.tiers`). */
export interface PodTierPair {
  readonly ingress: PodTiers;
  readonly egress: PodTiers;
}

/** The tier chains of one node and the tiers of each local pod some chain applies to. */
export interface NodeTiers {
  readonly chains: readonly TierChain[];
  readonly podTiers: ReadonlyMap<Pod, PodTierPair>;
}

interface Group {
  readonly name: string;
  readonly tier: CnpTier;
  readonly direction: Direction;
  readonly policies: readonly ClusterNetworkPolicy[];
  readonly subjects: Pod[];
}

const TIERS: readonly CnpTier[] = ["Admin", "Baseline"];
const DIRECTIONS: readonly Direction[] = ["ingress", "egress"];

/**
 * The chain name of a tier, direction and set of policies, e.g. `admin-out/3f2a9c01b7de`: a hash of
 * the sorted policy names, independent of their priorities.
 */
export function tierChainName(tier: CnpTier, direction: Direction, policies: readonly string[]): string {
  const prefix = `${tier === "Admin" ? "admin" : "baseline"}-${direction === "ingress" ? "in" : "out"}`;
  return identifierOf([prefix, shortHash([...policies].sort().join("\n"))]);
}

/** Compiles the tiers of the target pods `local` of node `node`. */
export function compileTiers(
  deps: TierDeps,
  sets: SetRegistry,
  node: string,
  local: readonly Pod[],
): NodeTiers {
  const groups = groupPods(deps, local);
  const chains: TierChain[] = [];
  const podTiers = new Map<Pod, { ingress: PodTiers; egress: PodTiers }>();
  for (const g of [...groups.values()].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rules = chainRules(deps, sets, node, g);
    if (rules.length === 0) continue; // nothing in it can match: no jump needed
    const policies = g.policies.map((p) => p.name);
    chains.push({ name: g.name, tier: g.tier, direction: g.direction, policies, rules });
    for (const pod of g.subjects) {
      const mine = podTiers.get(pod) ?? { ingress: {}, egress: {} };
      const key = g.tier === "Admin" ? "admin" : "baseline";
      podTiers.set(pod, { ...mine, [g.direction]: { ...mine[g.direction], [key]: g.name } });
    }
  }
  return { chains, podTiers };
}

/** Groups local pods by (tier, direction, set of selecting policies with rules in that direction). */
function groupPods(deps: TierDeps, local: readonly Pod[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const pod of local) {
    const cls = subjectClass(deps, pod);
    for (const tier of TIERS) {
      for (const direction of DIRECTIONS) {
        const policies = cls[tier].filter((p) => rulesOf(p, direction).length > 0);
        if (policies.length === 0) continue;
        const names = policies.map((p) => p.name);
        const name = tierChainName(tier, direction, names);
        const g = groups.get(name);
        if (!g) groups.set(name, { name, tier, direction, policies, subjects: [pod] });
        else if (g.policies.length === policies.length && g.policies.every((p, i) => p === policies[i]))
          g.subjects.push(pod);
        else throw new Error(`tier chain name collision: ${name}`);
      }
    }
  }
  return groups;
}

/** `spec.subject` of every policy against a pod, memoised per namespace and labels. */
function subjectClass(deps: TierDeps, pod: Pod): SubjectClass {
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => `${k}=${pod.labels[k]}`)
    .join("\u0000");
  const key = `${pod.namespace}\u0001${labels}`;
  const hit = deps.subjectClasses.get(key);
  if (hit) return hit;
  const selects = (p: ClusterNetworkPolicy) => subjectSelects(deps.index, p.subject, pod);
  const cls = { Admin: deps.tiered.admin.filter(selects), Baseline: deps.tiered.baseline.filter(selects) };
  deps.subjectClasses.set(key, cls);
  return cls;
}

function rulesOf(p: ClusterNetworkPolicy, direction: Direction): readonly CnpRule[] {
  return direction === "ingress" ? p.ingress : p.egress;
}

/** The chain's rules: each policy's, in evaluation order. */
function chainRules(deps: TierDeps, sets: SetRegistry, node: string, g: Group): TierRule[] {
  const out: TierRule[] = [];
  const ingressEndpoints = new Map<string, FamilySets<EndpointPortSet>>();
  for (const policy of g.policies) {
    const parts = tierRuleParts(deps, deps.tierRules, policy, g.direction);
    rulesOf(policy, g.direction).forEach((rule, i) => {
      const origin = {
        policy: policy.name,
        rule: `spec.${g.direction}[${rule.index}]`,
        ...(rule.name !== undefined ? { name: rule.name } : {}),
      };
      const part = parts[i] as TierRuleParts;
      const endpoints = (named: readonly string[]) => {
        const key = named.join(",");
        let hit = ingressEndpoints.get(key);
        if (!hit) {
          hit = subjectEndpoints(deps, node, g, named);
          ingressEndpoints.set(key, hit);
        }
        return hit;
      };
      out.push(...placeRule(sets, part, origin, g.direction === "ingress" ? endpoints : undefined));
    });
  }
  return out;
}

/**
 * `destinationNamedPort` on ingress names the subject pod's own container ports: the tuples of the
 * chain's pods on this node (the destination is the subject pod).
 */
function subjectEndpoints(
  deps: TierDeps,
  node: string,
  g: Group,
  named: readonly string[],
): FamilySets<EndpointPortSet> {
  const tuples = namedPortTuples(g.subjects, named, undefined);
  const key = `tier ${node} ${g.name} cnp named ${named.join(",")}`;
  return {
    ...(tuples.v4.length > 0 ? { v4: deps.sets.endpointPorts(key, "IPv4", tuples.v4) } : {}),
    ...(tuples.v6.length > 0 ? { v6: deps.sets.endpointPorts(key, "IPv6", tuples.v6) } : {}),
  };
}

/**
 * One rule's tier rules: one per kind of port match it has (any; the port set; the named ports), in
 * that order. They share the action, so their order does not change which action decides.
 */
function placeRule(
  sets: SetRegistry,
  part: TierRuleParts,
  origin: TierRule["origin"],
  ingressEndpoints: ((named: readonly string[]) => FamilySets<EndpointPortSet>) | undefined,
): TierRule[] {
  if (part.kind === "nothing") return [];
  const any = { kind: "any" } as const;
  if (part.kind === "deny-all")
    return [{ action: "Deny", peers: any, ports: any, counter: part.counter, origin }];
  const peers: AddrMatch = {
    kind: "sets",
    ...(part.peers.v4 ? { v4: sets.address(part.peers.v4) } : {}),
    ...(part.peers.v6 ? { v6: sets.address(part.peers.v6) } : {}),
  };
  const rule = (ports: TierPortMatch): TierRule => ({
    action: part.action,
    peers,
    ports,
    counter: part.counter,
    origin,
  });
  if (part.anyPorts) return [rule(any)];
  const out: TierRule[] = [];
  if (part.portSet) out.push(rule({ kind: "set", set: sets.portSet(part.portSet) }));
  if (part.named.length === 0) return out;
  const ep = ingressEndpoints ? ingressEndpoints(part.named) : part.endpoints;
  if (ep && (ep.v4 || ep.v6)) {
    out.push(
      rule({
        kind: "endpoints",
        ...(ep.v4 ? { v4: sets.endpointPorts(ep.v4) } : {}),
        ...(ep.v6 ? { v6: sets.endpointPorts(ep.v6) } : {}),
      }),
    );
  }
  return out;
}
