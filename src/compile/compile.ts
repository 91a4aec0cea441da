/**
 * The policy compiler: Snapshot + node name → NodeRules (per-pod chains over shared named sets).
 * Pure and deterministic. The reference evaluator is the specification this must agree with;
 * `allowsInCluster` (interpret.ts) runs the result so property tests can compare the two.
 */
import { assertNever } from "../diag/assert-never.js";
import type { NetworkPolicy, Pod, PortSpec, Rule } from "../k8s/model.js";
import { refOf, type Snapshot } from "../k8s/model.js";
import { addrKey } from "../net/address.js";
import { contains } from "../net/interval.js";
import { type ClusterIndex, indexSnapshot, nodeOwnAddresses } from "../policy/cluster-index.js";
import { policiesSelecting } from "../policy/evaluate.js";
import type { Direction } from "../policy/rule-match.js";
import type { AddrMatch, EndpointPortEntry, IrRule, LocalPod, NodeRules, PodChain } from "./ir.js";
import { type FamilyIntervals, PeerResolver, peerKey } from "./peer-addresses.js";
import { portEntries } from "./ports.js";
import { SetRegistry } from "./set-registry.js";

/** Shared state for compiling many nodes of one snapshot: indexes and memoised peer addresses. */
export interface CompileContext {
  readonly index: ClusterIndex;
  readonly peers: PeerResolver;
  /** Target pods declaring a container port of each name. */
  readonly podsByPortName: ReadonlyMap<string, readonly Pod[]>;
}

/** Prepares a snapshot for compiling; reuse the context across nodes. */
export function compileContext(snapshotOrIndex: Snapshot | ClusterIndex): CompileContext {
  const index = "targets" in snapshotOrIndex ? snapshotOrIndex : indexSnapshot(snapshotOrIndex);
  const podsByPortName = new Map<string, Pod[]>();
  for (const pod of index.targets) {
    for (const name of new Set(pod.ports.map((p) => p.name).filter((n): n is string => !!n))) {
      const list = podsByPortName.get(name);
      if (list) list.push(pod);
      else podsByPortName.set(name, [pod]);
    }
  }
  return { index, peers: new PeerResolver(index), podsByPortName };
}

/** Compiles the rules of one node. */
export function compile(ctxOrSnapshot: CompileContext | Snapshot, nodeName: string): NodeRules {
  const ctx = "peers" in ctxOrSnapshot ? ctxOrSnapshot : compileContext(ctxOrSnapshot);
  const sets = new SetRegistry();
  const local = ctx.index.targets.filter((p) => p.nodeName === nodeName);
  const pods = local.map((pod) => ({
    ref: refOf(pod),
    addrs: pod.ips,
    ingress: chainFor(ctx, sets, pod, "ingress"),
    egress: chainFor(ctx, sets, pod, "egress"),
  }));
  const done = sets.finish();
  const node = ctx.index.snapshot.nodes.get(nodeName);
  return {
    node: nodeName,
    nodeAddresses: node ? nodeOwnAddresses(node) : [],
    pods: pods.map((p) => renamePod(p, done.rename)),
    addressSets: done.addressSets,
    portSets: done.portSets,
    endpointPortSets: done.endpointPortSets,
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
      rules.push(...compileRule(ctx, sets, policy, rule, pod, direction));
    }
  }
  return { kind: "isolated", policies: policies.map(refOf), rules };
}

function compileRule(
  ctx: CompileContext,
  sets: SetRegistry,
  policy: NetworkPolicy,
  rule: Rule,
  pod: Pod,
  direction: Direction,
): IrRule[] {
  const origin = { policy: refOf(policy), rule: `spec.${direction}[${rule.index}]` };
  const peerList = rule.peers.kind === "list" ? rule.peers.items : undefined;
  const addrs = peerList ? ctx.peers.resolve(policy, peerList) : undefined;
  const defKey = peerList
    ? `${peerList
        .map((p) => peerKey(policy, p))
        .sort()
        .join(" | ")}`
    : "any";
  const peers: AddrMatch = addrs ? addressMatch(sets, defKey, addrs) : { kind: "any" };
  if (peers.kind === "sets" && !peers.v4 && !peers.v6) return []; // the peers select no address at all
  if (rule.ports.kind === "any") return [{ kind: "allow", peers, ports: { kind: "any" }, origin }];
  const specs = rule.ports.items;
  const out: IrRule[] = [];
  const receiver = direction === "ingress" ? pod : undefined;
  const entries = portEntries(
    direction === "ingress" ? specs : specs.filter((s) => s.kind !== "named"),
    receiver,
  );
  if (entries.length > 0)
    out.push({ kind: "allow", peers, ports: { kind: "set", set: sets.portSet(entries) }, origin });
  const named = direction === "egress" ? specs.filter((s) => s.kind === "named") : [];
  if (named.length > 0) {
    const tuples = endpointTuples(ctx, addrs, named);
    const key = `${defKey} || named ${named
      .map((n) => (n.kind === "named" ? `${n.protocol}/${n.name}` : ""))
      .sort()
      .join(",")}`;
    const v4 = tuples.v4.length > 0 ? sets.endpointPorts(key, "IPv4", tuples.v4) : undefined;
    const v6 = tuples.v6.length > 0 ? sets.endpointPorts(key, "IPv6", tuples.v6) : undefined;
    if (v4 || v6)
      out.push({ kind: "allow-endpoint-ports", ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}), origin });
  }
  return out;
}

function addressMatch(sets: SetRegistry, defKey: string, addrs: FamilyIntervals): AddrMatch {
  const v4 = addrs.v4.length > 0 ? sets.address(defKey, "IPv4", addrs.v4) : undefined;
  const v6 = addrs.v6.length > 0 ? sets.address(defKey, "IPv6", addrs.v6) : undefined;
  return { kind: "sets", ...(v4 ? { v4 } : {}), ...(v6 ? { v6 } : {}) };
}

/**
 * Egress named ports resolve against the destination pod: one tuple per (pod address inside the
 * peers, protocol, port) for every target pod declaring the name with that protocol.
 */
function endpointTuples(
  ctx: CompileContext,
  addrs: FamilyIntervals | undefined,
  named: readonly PortSpec[],
): { v4: EndpointPortEntry[]; v6: EndpointPortEntry[] } {
  const seen = new Set<string>();
  const v4: EndpointPortEntry[] = [];
  const v6: EndpointPortEntry[] = [];
  for (const spec of named) {
    if (spec.kind !== "named") continue;
    for (const pod of ctx.podsByPortName.get(spec.name) ?? []) {
      for (const cp of pod.ports) {
        if (cp.name !== spec.name || cp.protocol !== spec.protocol) continue;
        for (const a of pod.ips) {
          const within = !addrs || contains(a.family === "IPv4" ? addrs.v4 : addrs.v6, a.value);
          const k = `${addrKey(a)}.${cp.protocol}.${cp.port}`;
          if (!within || seen.has(k)) continue;
          seen.add(k);
          (a.family === "IPv4" ? v4 : v6).push({ addr: a.value, protocol: cp.protocol, port: cp.port });
        }
      }
    }
  }
  const order = (x: EndpointPortEntry, y: EndpointPortEntry) =>
    x.addr < y.addr
      ? -1
      : x.addr > y.addr
        ? 1
        : x.protocol < y.protocol
          ? -1
          : x.protocol > y.protocol
            ? 1
            : x.port - y.port;
  return { v4: v4.sort(order), v6: v6.sort(order) };
}

function renamePod(p: LocalPod, rename: (n: string) => string): LocalPod {
  return { ...p, ingress: renameChain(p.ingress, rename), egress: renameChain(p.egress, rename) };
}

function renameChain(c: PodChain, rename: (n: string) => string): PodChain {
  if (c.kind === "open") return c;
  const families = (m: { v4?: string; v6?: string }) => ({
    ...(m.v4 ? { v4: rename(m.v4) } : {}),
    ...(m.v6 ? { v6: rename(m.v6) } : {}),
  });
  const rules = c.rules.map((rule): IrRule => {
    switch (rule.kind) {
      case "allow-endpoint-ports":
        return { kind: rule.kind, ...families(rule), origin: rule.origin };
      case "allow":
        return rule.peers.kind === "any"
          ? rule
          : { ...rule, peers: { kind: "sets", ...families(rule.peers) } };
      default:
        return assertNever(rule);
    }
  });
  return { ...c, rules };
}
