/**
 * Whether a ClusterNetworkPolicy selects a pod (`spec.subject`) and whether one of its rules matches
 * one packet (`from`/`to` peers and `protocols`), written as the API reads. Port matching and CIDR
 * containment are NetworkPolicy's (rule-match.ts); only what differs is written here.
 */
import { assertNever } from "../base/assert-never.js";
import type { CnpAction, CnpPeer, CnpPort, CnpRule, CnpSubject } from "../k8s/cnp-model.js";
import type { LabelSelector, Labels, Pod } from "../k8s/model.js";
import { type Addr, addrKey } from "../net/address.js";
import type { Cidr } from "../net/cidr.js";
import type { ClusterIndex } from "./cluster-index.js";
import type { Endpoint } from "./endpoint.js";
import { inBlock, portMatches, type RuleInput } from "./rule-match.js";
import { selectorMatches } from "./selector.js";

/** What a rule sees of the cluster beyond the index: Node labels, for `nodes` peers. */
export interface CnpMatchContext {
  readonly index: ClusterIndex;
  /** `metadata.labels` of each Node by name (`snapshotTiers` takes them from the snapshot's Nodes). */
  readonly nodeLabels: ReadonlyMap<string, Labels>;
}

/**
 * `spec.subject`: "Namespaces is used to select pods via namespace selectors"; "Pods is used to
 * select pods via namespace AND pod selectors"; "host-networked pods are not included in subject
 * selection" (a host-network pod is a `node` endpoint, never a `Pod` passed here).
 *
 * An `unknown` subject (no field this implementation recognises) is read as selecting every pod:
 * the API says of peers "If an implementation sees no fields are set then it can infer that the
 * deployed CRD is of an incompatible version with an unknown field. In that case it should fail
 * closed", and a subject we cannot read may select any pod. Its rules then fail closed as well
 * (see `unknownSubjectAction`), so the guess never allows more than the true subject would.
 */
export function subjectSelects(index: ClusterIndex, subject: CnpSubject, pod: Pod): boolean {
  switch (subject.kind) {
    case "namespaces":
      return namespaceMatches(index, subject.namespaces, pod);
    case "pods":
      return namespaceMatches(index, subject.namespaces, pod) && selectorMatches(subject.pods, pod.labels);
    case "unknown":
      return true;
    default:
      return assertNever(subject);
  }
}

function namespaceMatches(index: ClusterIndex, selector: LabelSelector, pod: Pod): boolean {
  const ns = index.namespace(pod.namespace);
  return ns !== undefined && selectorMatches(selector, ns.labels);
}

/**
 * One peer against the other end. `namespaces` / `pods`: "Note that host-networked pods are not
 * included in this type of peer" (their traffic is a `node` end, matched by neither). `networks`:
 * "cluster-internal traffic will be checked against the rule as well. So if you Accept or Deny
 * traffic to "0.0.0.0/0", that will allow or deny all IPv4 pod-to-pod traffic as well". `nodes`: "It
 * selects the nodeIPs as the peer type by matching on the IPs present in the node.Status.Addresses
 * field of the node" (not the pod-CIDR gateway). An end whose address is unknown matches no
 * `networks` or `nodes` peer. `unsupported` matches nothing here: its fail-closed reading is the
 * rule's (see `matchCnpRule`).
 */
export function cnpPeerMatches(ctx: CnpMatchContext, peer: CnpPeer, other: Endpoint): boolean {
  switch (peer.kind) {
    case "namespaces":
      return other.kind === "pod" && namespaceMatches(ctx.index, peer.namespaces, other.pod);
    case "pods":
      return (
        other.kind === "pod" &&
        namespaceMatches(ctx.index, peer.namespaces, other.pod) &&
        selectorMatches(peer.pods, other.pod.labels)
      );
    case "networks":
      return other.addr !== undefined && inNetworks(peer.cidrs, other.addr);
    case "nodes":
      return other.addr !== undefined && selectedNodeAddresses(ctx, peer.nodes).has(addrKey(other.addr));
    case "unsupported":
      return false;
    default:
      return assertNever(peer);
  }
}

/** `networks`: whether `addr` is in one of the CIDRs (a CIDR is an ipBlock without `except`). */
export function inNetworks(cidrs: readonly Cidr[], addr: Addr): boolean {
  return cidrs.some((cidr) => inBlock({ kind: "ipBlock", cidr, except: [], index: 0 }, addr));
}

/** `nodes`: the `status.addresses` (by `addrKey`) of the Nodes whose labels `selector` matches. */
export function selectedNodeAddresses(ctx: CnpMatchContext, selector: LabelSelector): Set<string> {
  const keys = new Set<string>();
  for (const node of ctx.index.snapshot.nodes.values()) {
    if (!selectorMatches(selector, ctx.nodeLabels.get(node.name) ?? {})) continue;
    for (const a of node.addresses) keys.add(addrKey(a));
  }
  return keys;
}

/**
 * One `protocols` entry: `tcp`/`udp`/`sctp` with a port number or range, as a NetworkPolicy port
 * range of that protocol; `destinationNamedPort` resolves against the destination pod's container
 * ports by name, the packet's protocol being the container port's (the entry names no protocol).
 */
export function cnpPortMatches(
  spec: CnpPort,
  input: Pick<RuleInput, "receiver" | "protocol" | "port">,
): boolean {
  switch (spec.kind) {
    case "range":
      return portMatches(spec, input);
    case "named":
      return portMatches({ ...spec, protocol: input.protocol }, input);
    default:
      return assertNever(spec);
  }
}

/** Indexes of what matched, the action taken, and why a fail-closed reading applied. */
export interface CnpRuleMatch {
  readonly action: CnpAction;
  readonly peer?: number;
  readonly port?: number;
  readonly failClosed?: string;
}

/**
 * One rule against one packet: some peer matches AND (no `protocols` OR some entry matches).
 * Peers the implementation does not support fail closed, as the API says: "For "Accept" rules,
 * "fail closed" means: "treat the rule as matching no traffic". For "Deny" and "Pass" rules, "fail
 * closed" means: "treat the rule as a 'Deny all' rule"" — so a Pass rule with such a peer denies.
 */
export function matchCnpRule(
  ctx: CnpMatchContext,
  rule: CnpRule,
  input: RuleInput,
): CnpRuleMatch | undefined {
  const unsupported = rule.peers.find((p) => p.kind === "unsupported");
  if (unsupported && rule.action === "Accept") return undefined; // the whole rule matches no traffic
  if (unsupported) {
    const fields = unsupported.fields.join(", ") || "no known field";
    return {
      action: "Deny",
      failClosed: `peer [${unsupported.index}] (${fields}) is not supported: a ${rule.action} rule with it is read as Deny all`,
    };
  }
  const peer = rule.peers.find((p) => cnpPeerMatches(ctx, p, input.peer));
  if (!peer) return undefined;
  if (rule.protocols.kind === "any") return { action: rule.action, peer: peer.index };
  const port = rule.protocols.items.find((p) => cnpPortMatches(p, input));
  return port ? { action: rule.action, peer: peer.index, port: port.index } : undefined;
}

/**
 * The fail-closed reading of a rule of a policy whose `subject` is `unknown` (selecting every pod,
 * see `subjectSelects`): an Accept rule matches nothing; a Deny or Pass rule denies what it matches
 * (a Pass on a pod the true subject leaves out could skip a Deny below it).
 */
export function unknownSubjectAction(match: CnpRuleMatch): CnpRuleMatch | undefined {
  if (match.action === "Accept") return undefined;
  return {
    ...match,
    action: "Deny",
    failClosed:
      match.failClosed ??
      `the subject has no field netguard recognises: a ${match.action} rule is read as Deny`,
  };
}
