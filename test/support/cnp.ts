/**
 * Compact constructors of decoded ClusterNetworkPolicies (the `cnp-model.ts` shapes, indexes filled
 * in from list positions), for tests and examples that need a policy without going through YAML.
 */
import type {
  ClusterNetworkPolicy,
  CnpAction,
  CnpPeer,
  CnpPort,
  CnpRule,
  CnpSubject,
  CnpTier,
} from "../../src/k8s/cnp-model.js";
import type { LabelSelector, Protocol } from "../../src/k8s/model.js";
import { parseCidr } from "../../src/net/cidr.js";

type Unindexed<T> = T extends unknown ? Omit<T, "index"> : never;

/** A selector from `matchLabels` only (`{}` selects everything). */
export function labels(matchLabels: Record<string, string> = {}): LabelSelector {
  return { matchLabels, matchExpressions: [] };
}

/** `subject.namespaces`. */
export const subjectNamespaces = (ns: LabelSelector = labels()): CnpSubject => ({
  kind: "namespaces",
  namespaces: ns,
});

/** `subject.pods`. */
export const subjectPods = (ns: LabelSelector, pods: LabelSelector): CnpSubject => ({
  kind: "pods",
  namespaces: ns,
  pods,
});

/** A `networks` peer; throws on a malformed CIDR (a bug in the caller). */
export function networks(...cidrs: string[]): Unindexed<CnpPeer> {
  return {
    kind: "networks",
    cidrs: cidrs.map((c) => {
      const parsed = parseCidr(c);
      if (typeof parsed === "string") throw new Error(`${c}: ${parsed}`);
      return parsed;
    }),
  };
}

/** A `tcp`/`udp`/`sctp` entry: one port, or `from..to`. */
export const ports = (protocol: Protocol, from: number, to: number = from): Unindexed<CnpPort> => ({
  kind: "range",
  protocol,
  from,
  to,
});

/** A `destinationNamedPort` entry. */
export const namedPort = (name: string): Unindexed<CnpPort> => ({ kind: "named", name });

/** What a rule is made of; `protocols` absent means every protocol and port. */
export interface RuleShape {
  readonly action: CnpAction;
  readonly peers: readonly Unindexed<CnpPeer>[];
  readonly protocols?: readonly Unindexed<CnpPort>[];
  readonly name?: string;
}

function rules(shapes: readonly RuleShape[] | undefined): CnpRule[] {
  return (shapes ?? []).map((r, index) => ({
    index,
    name: r.name,
    action: r.action,
    peers: r.peers.map((p, i) => ({ ...p, index: i })),
    protocols: r.protocols
      ? { kind: "list", items: r.protocols.map((p, i) => ({ ...p, index: i })) }
      : { kind: "any" },
  }));
}

/** What a policy is made of. */
export interface CnpShape {
  readonly tier?: CnpTier;
  readonly priority?: number;
  readonly subject?: CnpSubject;
  readonly ingress?: readonly RuleShape[];
  readonly egress?: readonly RuleShape[];
}

/** A ClusterNetworkPolicy: Admin, priority 10 and every namespace's pods unless told otherwise. */
export function cnp(name: string, s: CnpShape): ClusterNetworkPolicy {
  return {
    name,
    tier: s.tier ?? "Admin",
    priority: s.priority ?? 10,
    subject: s.subject ?? subjectNamespaces(),
    ingress: rules(s.ingress),
    egress: rules(s.egress),
  };
}
