/**
 * fast-check generators of random ClusterNetworkPolicies using every field (both tiers, colliding
 * priorities, every subject and peer kind — unknown and unsupported included — port ranges and named
 * ports), and of random clusters with NetworkPolicies on three labelled nodes, for differential tests
 * of the compiled tiers against the reference evaluator.
 */
import fc from "fast-check";
import type { ClusterNetworkPolicy, CnpSubject } from "../../src/k8s/cnp-model.js";
import type { LabelSelector, Snapshot } from "../../src/k8s/model.js";
import { cluster } from "../gen/cluster.js";
import { cnp, labels, namedPort, networks, ports, type RuleShape } from "./cnp.js";
import { type Json, node, pod, snapshotOf } from "./objects.js";

/** Node labels the `nodes` peers select on. */
export const NODE_LABELS: Readonly<Record<string, Record<string, string>>> = {
  n1: { role: "a" },
  n2: { role: "b" },
  n3: { role: "a", zone: "z" },
};

/** A label selector over the small vocabulary of test/gen/cluster.ts, often empty. */
export const cnpSelector: fc.Arbitrary<LabelSelector> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(labels()) },
  {
    weight: 3,
    arbitrary: fc
      .constantFrom<Record<string, string>>(
        { pod: "a" },
        { tier: "fe" },
        { team: "red" },
        { ns: "x" },
        { ns: "y" },
      )
      .map(labels),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom("pod", "team").map((key): LabelSelector => ({
      matchLabels: {},
      matchExpressions: [{ key, operator: "Exists", values: [] }],
    })),
  },
);

/** `spec.subject`, sometimes one netguard cannot read. */
export const cnpSubject: fc.Arbitrary<CnpSubject> = fc.oneof(
  { weight: 4, arbitrary: cnpSelector.map((namespaces) => ({ kind: "namespaces" as const, namespaces })) },
  {
    weight: 4,
    arbitrary: fc
      .tuple(cnpSelector, cnpSelector)
      .map(([namespaces, pods]) => ({ kind: "pods" as const, namespaces, pods })),
  },
  { weight: 1, arbitrary: fc.constant({ kind: "unknown" as const, fields: ["future"] }) },
);

type PeerShape = RuleShape["peers"][number];

/** CIDRs for `networks`: pod CIDRs, single pods, node addresses, outside ranges, both families. */
export const CNP_CIDRS = [
  "10.1.0.0/16",
  "10.0.0.0/8",
  "0.0.0.0/0",
  "203.0.113.0/24",
  "fd01::/64",
  "::/0",
  "192.168.0.0/24",
  "10.1.0.11/32",
  "10.3.0.0/16",
  "fd03::/64",
];

/** One `from`/`to` entry of any kind. */
export const cnpPeer: fc.Arbitrary<PeerShape> = fc.oneof(
  { weight: 3, arbitrary: cnpSelector.map((namespaces): PeerShape => ({ kind: "namespaces", namespaces })) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(cnpSelector, cnpSelector)
      .map(([namespaces, pods]): PeerShape => ({ kind: "pods", namespaces, pods })),
  },
  { weight: 2, arbitrary: fc.subarray(CNP_CIDRS, { minLength: 1, maxLength: 2 }).map((c) => networks(...c)) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(labels(), labels({ role: "a" }), labels({ zone: "z" }))
      .map((nodes): PeerShape => ({ kind: "nodes", nodes })),
  },
  { weight: 1, arbitrary: fc.constant<PeerShape>({ kind: "unsupported", fields: ["domainNames"] }) },
);

/** One `protocols` entry. */
export const cnpPort = fc.constantFrom(
  ports("TCP", 80),
  ports("TCP", 80, 81),
  ports("UDP", 53),
  ports("SCTP", 9000),
  ports("TCP", 1, 65535),
  namedPort("http"),
  namedPort("dns"),
  namedPort("sig"),
);

/** One rule, with a name sometimes (and sometimes one that collides). */
export const cnpRule: fc.Arbitrary<RuleShape> = fc
  .record({
    action: fc.constantFrom("Accept" as const, "Deny" as const, "Pass" as const),
    peers: fc.array(cnpPeer, { minLength: 1, maxLength: 2 }),
    protocols: fc.option(fc.array(cnpPort, { minLength: 1, maxLength: 2 }), { nil: undefined }),
    name: fc.option(fc.constantFrom("allow-dns", "deny all", "0"), { nil: undefined }),
  })
  .map(({ name, ...r }) => (name === undefined ? r : { ...r, name }));

/** A random ClusterNetworkPolicy named `name`; `tier` fixes its tier, `action` every rule's action. */
export const randomCnp = (name: string, tier?: "Admin" | "Baseline", action?: RuleShape["action"]) =>
  fc
    .record({
      tier: tier ? fc.constant(tier) : fc.constantFrom("Admin" as const, "Baseline" as const),
      priority: fc.integer({ min: 0, max: 3 }),
      subject: cnpSubject,
      ingress: fc.array(cnpRule, { maxLength: 2 }),
      egress: fc.array(cnpRule, { maxLength: 2 }),
    })
    .map((s) => {
      const fix = (rs: RuleShape[]) => rs.map((r) => (action ? { ...r, action } : r));
      return cnp(name, { ...s, ingress: fix(s.ingress), egress: fix(s.egress) });
    });

/** 0..max random ClusterNetworkPolicies `cnp0`, `cnp1`, … (of `tier` when given). */
export const randomCnps = (tier?: "Admin" | "Baseline", max = 4) =>
  fc
    .integer({ min: 0, max })
    .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => randomCnp(`cnp${i}`, tier))));

const N3 = { name: "n3", ip: "192.168.0.3", v4: "10.3.0.0/16", v6: "fd03::/64", p4: "10.3.0.", p6: "fd03::" };

const N3_PORTS = [
  { name: "http", containerPort: 8080 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "sig", containerPort: 9000, protocol: "SCTP" },
];

/** Pods on the third node: IPv4, IPv6 or both, some named ports. */
const n3Pods: fc.Arbitrary<Json[]> = fc
  .array(
    fc.record({
      ns: fc.constantFrom("x", "y", "z"),
      labels: fc.record(
        { pod: fc.constantFrom("a", "b"), tier: fc.constantFrom("fe", "be") },
        { requiredKeys: [] },
      ),
      family: fc.constantFrom("v4" as const, "v6" as const, "dual" as const),
      ports: fc.subarray(N3_PORTS),
    }),
    { maxLength: 2 },
  )
  .map((shapes) =>
    shapes.map((s, i) => {
      const host = 50 + i;
      const ips = { v4: [`${N3.p4}${host}`], v6: [`${N3.p6}${host.toString(16)}`] };
      return pod(s.ns, `q${i}`, {
        labels: s.labels,
        node: N3.name,
        ports: s.ports,
        ips: s.family === "dual" ? [...ips.v4, ...ips.v6] : ips[s.family],
      });
    }),
  );

/** A random cluster (test/gen/cluster.ts) plus a third node with 0-2 pods, nodes labelled. */
export const tieredCluster: fc.Arbitrary<Json[]> = fc
  .tuple(cluster, n3Pods)
  .map(([objs, extra]) => [
    ...objs.map(labelNode),
    labelNode(node(N3.name, N3.ip, [N3.v4, N3.v6])),
    ...extra,
  ]);

function labelNode(o: Json): Json {
  if (typeof o !== "object" || o === null || Array.isArray(o) || o.kind !== "Node") return o;
  const meta = o.metadata as { name: string };
  return { ...o, metadata: { ...meta, labels: NODE_LABELS[meta.name] ?? {} } };
}

/** Addresses probed besides pods: outside addresses, node addresses and pod-CIDR gateways of three nodes. */
export const TIERED_OTHER_ADDRESSES = [
  "203.0.113.5",
  "198.51.100.7",
  "fd99::1",
  "192.168.0.1",
  "192.168.0.2",
  "192.168.0.3",
  "10.1.0.1",
  "10.2.0.1",
  "10.3.0.1",
  "fd01::1",
  "fd03::1",
];

/** `snapshot` with `cnps` as its ClusterNetworkPolicies (sorted by name, as a snapshot keeps them). */
export function withClusterPolicies(snapshot: Snapshot, cnps: readonly ClusterNetworkPolicy[]): Snapshot {
  const clusterPolicies = [...cnps].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { ...snapshot, clusterPolicies };
}

/** The snapshot of `objs` with `cnps` as its ClusterNetworkPolicies. */
export function snapshotWithCnps(objs: Json[], cnps: readonly ClusterNetworkPolicy[]): Snapshot {
  return withClusterPolicies(snapshotOf(objs), cnps);
}
