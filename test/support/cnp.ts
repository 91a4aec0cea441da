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

/** A ClusterNetworkPolicy as YAML text; `ingress`/`egress` are rule lists as written (items indented four). */
export interface CnpYaml {
  readonly tier: CnpTier;
  readonly priority: number;
  /** The flow-style `spec.subject`; every namespace's pods when absent. */
  readonly subject?: string;
  readonly ingress?: string;
  readonly egress?: string;
}

/** The YAML document of a ClusterNetworkPolicy, for tests that go through the CLI. */
export function cnpYaml(name: string, s: CnpYaml): string {
  const list = (dir: string, text: string | undefined) => (text === undefined ? [] : [`  ${dir}:`, text]);
  return [
    "",
    "apiVersion: policy.networking.k8s.io/v1alpha2",
    "kind: ClusterNetworkPolicy",
    `metadata: { name: ${name} }`,
    "spec:",
    `  tier: ${s.tier}`,
    `  priority: ${s.priority}`,
    `  subject: ${s.subject ?? "{ namespaces: {} }"}`,
    ...list("ingress", s.ingress),
    ...list("egress", s.egress),
    "",
  ].join("\n");
}

/**
 * Two tenants (namespaces labelled `tenant: a` / `tenant: b`) and monitoring on one node, a pod in
 * each (`web`, `api`, `prom`) whose container is `container` (flow style); no policy.
 */
export function tenantsCluster(container = "{ name: c }"): string {
  const ns = (name: string, labels: string) =>
    `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name}${labels} }`;
  const pod = (name: string, namespace: string, ip: string) =>
    [
      "apiVersion: v1",
      "kind: Pod",
      `metadata: { name: ${name}, namespace: ${namespace}, labels: { app: ${name} } }`,
      `spec: { nodeName: n1, containers: [${container}] }`,
      `status: { podIPs: [{ ip: ${ip} }] }`,
    ].join("\n");
  const node = [
    "apiVersion: v1",
    "kind: Node",
    "metadata: { name: n1 }",
    "spec: { podCIDR: 10.244.1.0/24 }",
    "status: { addresses: [{ type: InternalIP, address: 192.168.0.1 }] }",
  ].join("\n");
  const docs = [
    ns("tenant-a", ", labels: { tenant: a }"),
    ns("tenant-b", ", labels: { tenant: b }"),
    ns("monitoring", ""),
    node,
    pod("web", "tenant-a", "10.244.1.10"),
    pod("api", "tenant-b", "10.244.1.20"),
    pod("prom", "monitoring", "10.244.1.30"),
  ];
  return `\n${docs.join("\n---\n")}\n`;
}
