/**
 * The policy compiler: Snapshot + node name → NodeRules (per-pod chains over shared named sets).
 * Pure and deterministic. The reference evaluator is the specification this must agree with;
 * `allowsInCluster` (interpret.ts) runs the result so property tests can compare the two.
 */
import { pushTo } from "../base/multimap.js";
import type { Direction, Pod, Rule } from "../k8s/model.js";
import { refOf, type Snapshot } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot, nodeOwnAddresses } from "../policy/cluster-index.js";
import { policiesSelecting } from "../policy/evaluate.js";
import { tieredPolicies } from "../policy/cnp-evaluate.js";
import type { AddrMatch, IrRule, LocalPod, NodeRules, Origin, PodChain } from "./ir.js";
import { PeerResolver } from "./peer-addresses.js";
import { normalizePorts, portEntries } from "./ports.js";
import { type RuleParts, type RulePartsDeps, ruleParts } from "./rule-parts.js";
import { SetRegistry } from "./set-registry.js";
import { SharedSets } from "./shared-sets.js";
import { renamePod, renameTierChain } from "./rename.js";
import { selectedNodeIntervals } from "./tier-rules.js";
import { compileTiers, type TierDeps } from "./tiers.js";

/** Shared state for compiling many nodes of one snapshot: indexes, memoised peers, sets and rules. */
export interface CompileContext extends RulePartsDeps, TierDeps {
  readonly index: ClusterIndex;
  /** Pod-independent parts of each rule, computed on first use. */
  readonly rules: Map<Rule, RuleParts>;
  /** Target pods by node name. */
  readonly podsByNode: ReadonlyMap<string, readonly Pod[]>;
}

/** Prepares a snapshot for compiling; reuse the context across nodes. */
export function compileContext(snapshotOrIndex: Snapshot | ClusterIndex): CompileContext {
  const index = "targets" in snapshotOrIndex ? snapshotOrIndex : indexSnapshot(snapshotOrIndex);
  const podsByPortName = new Map<string, Pod[]>();
  const podsByNode = new Map<string, Pod[]>();
  for (const pod of index.targets) {
    if (pod.nodeName) pushTo(podsByNode, pod.nodeName, pod);
    for (const name of new Set(pod.ports.map((p) => p.name).filter((n): n is string => !!n)))
      pushTo(podsByPortName, name, pod);
  }
  const nodes = [...index.snapshot.nodes.values()];
  const nodeLabels = new Map(nodes.map((n) => [n.name, n.labels]));
  return {
    index,
    peers: new PeerResolver(index),
    sets: new SharedSets(),
    podsByPortName,
    podsByNode,
    rules: new Map(),
    endpointTuples: new Map(),
    tiered: tieredPolicies(index.snapshot.clusterPolicies, nodeLabels),
    tierRules: new Map(),
    subjectClasses: new Map(),
    selectedNodes: (selector) => selectedNodeIntervals(nodes, selector),
  };
}

/** Compiles the rules of one node. */
export function compile(ctxOrSnapshot: CompileContext | Snapshot, nodeName: string): NodeRules {
  const ctx = "peers" in ctxOrSnapshot ? ctxOrSnapshot : compileContext(ctxOrSnapshot);
  const sets = new SetRegistry();
  const local = ctx.podsByNode.get(nodeName) ?? [];
  const tiers = compileTiers(ctx, sets, nodeName, local);
  const pods = local.map((pod): LocalPod => {
    const podTiers = tiers.podTiers.get(pod);
    return {
      ref: refOf(pod),
      addrs: pod.ips,
      ingress: chainFor(ctx, sets, pod, "ingress"),
      egress: chainFor(ctx, sets, pod, "egress"),
      ...(podTiers ? { tiers: podTiers } : {}),
    };
  });
  const done = sets.finish();
  const node = ctx.index.snapshot.nodes.get(nodeName);
  return {
    node: nodeName,
    nodeAddresses: node ? nodeOwnAddresses(node) : [],
    podCIDRs: node ? node.podCIDRs.map((c) => ({ family: c.family, range: c.range })) : [],
    pods: pods.map((p) => renamePod(p, done.rename)),
    addressSets: done.addressSets,
    portSets: done.portSets,
    endpointPortSets: done.endpointPortSets,
    tierChains: tiers.chains.map((c) => renameTierChain(c, done.rename)),
  };
}

/** Compiles every node that has a target pod or appears in the snapshot, sharing one context. */
export function compileAll(snapshot: Snapshot): Map<string, NodeRules> {
  const ctx = compileContext(snapshot);
  const names = new Set<string>(ctx.index.snapshot.nodes.keys());
  for (const p of ctx.index.targets) if (p.nodeName) names.add(p.nodeName);
  return new Map([...names].sort().map((n) => [n, compile(ctx, n)]));
}

function chainFor(ctx: CompileContext, sets: SetRegistry, pod: Pod, direction: Direction): PodChain {
  const policies = policiesSelecting(ctx.index, pod, direction);
  if (policies.length === 0) return { kind: "open" };
  const rules: IrRule[] = [];
  for (const policy of policies) {
    for (const rule of direction === "ingress" ? policy.ingress : policy.egress) {
      let parts = ctx.rules.get(rule);
      if (!parts) {
        parts = ruleParts(ctx, policy, rule, direction);
        ctx.rules.set(rule, parts);
      }
      const origin = { policy: refOf(policy), rule: `spec.${direction}[${rule.index}]` };
      rules.push(...podRules(ctx, sets, parts, rule, pod, origin));
    }
  }
  return { kind: "isolated", policies: policies.map(refOf), rules };
}

/** The IR rules of one policy rule for one selected pod. */
function podRules(
  ctx: CompileContext,
  sets: SetRegistry,
  parts: RuleParts,
  rule: Rule,
  pod: Pod,
  origin: Origin,
): IrRule[] {
  if (parts.selectsNothing) return [];
  const peers: AddrMatch = parts.peers
    ? {
        kind: "sets",
        ...(parts.peers.v4 ? { v4: sets.address(parts.peers.v4) } : {}),
        ...(parts.peers.v6 ? { v6: sets.address(parts.peers.v6) } : {}),
      }
    : { kind: "any" };
  if (rule.ports.kind === "any") return [{ kind: "allow", peers, ports: { kind: "any" }, origin }];
  const out: IrRule[] = [];
  const perPod = parts.perPodPorts.length > 0 ? portEntries(parts.perPodPorts, pod) : [];
  const fixed = parts.fixedPorts?.value.entries ?? [];
  const portSet =
    perPod.length === 0 ? parts.fixedPorts : ctx.sets.portSet(normalizePorts([...fixed, ...perPod]));
  if (portSet) out.push({ kind: "allow", peers, ports: { kind: "set", set: sets.portSet(portSet) }, origin });
  const ep = parts.endpoints;
  if (ep && (ep.v4 || ep.v6)) {
    out.push({
      kind: "allow-endpoint-ports",
      ...(ep.v4 ? { v4: sets.endpointPorts(ep.v4) } : {}),
      ...(ep.v6 ? { v6: sets.endpointPorts(ep.v6) } : {}),
      origin,
    });
  }
  return out;
}
