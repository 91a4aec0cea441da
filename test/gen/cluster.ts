/**
 * fast-check generators of small random clusters (namespaces x/y/z on two dual-stack nodes, pods with
 * IPv4, IPv6 or both and named ports) and random NetworkPolicies using every feature of the spec.
 * Sizes stay small so `npm test` is fast; FC_NUM_RUNS raises the run count for long sessions.
 */
import fc from "fast-check";
import { type Json, namespace, node, pod, policy } from "../support/objects.js";

/** Number of runs for property tests: FC_NUM_RUNS or the given default. */
export function numRuns(fallback: number): number {
  const n = Number(process.env.FC_NUM_RUNS);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

export const NAMESPACES = ["x", "y", "z"] as const;
export const NODES = [
  {
    name: "n1",
    ip: "192.168.0.1",
    ip6: "fd00:192::1",
    v4: "10.1.0.0/16",
    v6: "fd01::/64",
    p4: "10.1.0.",
    p6: "fd01::",
  },
  {
    name: "n2",
    ip: "192.168.0.2",
    ip6: "fd00:192::2",
    v4: "10.2.0.0/16",
    v6: "fd02::/64",
    p4: "10.2.0.",
    p6: "fd02::",
  },
] as const;

type ContainerPortJson = { name?: string; containerPort: number; protocol?: string };

const CONTAINER_PORTS: ContainerPortJson[] = [
  { name: "http", containerPort: 80 },
  { name: "http", containerPort: 8080 },
  { name: "alt", containerPort: 81 },
  { name: "dns", containerPort: 53, protocol: "UDP" },
  { name: "dns", containerPort: 53, protocol: "TCP" },
  { name: "sig", containerPort: 9000, protocol: "SCTP" },
  { containerPort: 443 },
];

const labelValue = fc.constantFrom("a", "b", "c");
const podLabels = fc.record({ pod: labelValue, tier: fc.constantFrom("fe", "be") }, { requiredKeys: [] });
const nsLabels = fc.record(
  { team: fc.constantFrom("red", "blue"), env: fc.constantFrom("prod", "dev") },
  { requiredKeys: [] },
);

const expression = fc.oneof(
  fc.record({
    key: fc.constantFrom("pod", "tier", "team", "env", "ns"),
    operator: fc.constantFrom("In", "NotIn"),
    values: fc.uniqueArray(fc.constantFrom("a", "b", "fe", "red", "prod", "x", "y"), {
      minLength: 1,
      maxLength: 2,
    }),
  }),
  fc.record({
    key: fc.constantFrom("pod", "tier", "team", "env"),
    operator: fc.constantFrom("Exists", "DoesNotExist"),
  }),
);

const fullSelector = fc.record(
  {
    matchLabels: fc.record(
      {
        pod: labelValue,
        tier: fc.constantFrom("fe", "be"),
        team: fc.constantFrom("red", "blue"),
        ns: fc.constantFrom(...NAMESPACES),
      },
      { requiredKeys: [] },
    ),
    matchExpressions: fc.array(expression, { maxLength: 2 }),
  },
  { requiredKeys: [] },
);

const oneLabel = fc.oneof(
  labelValue.map((v) => ({ pod: v })),
  fc.constantFrom("fe", "be").map((v) => ({ tier: v })),
  fc.constantFrom("red", "blue").map((v) => ({ team: v })),
  fc.constantFrom(...NAMESPACES).map((v) => ({ ns: v })),
);

/** A label selector over the small label vocabulary: often empty or one term, so that it selects something. */
export const selector: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({}) },
  { weight: 3, arbitrary: oneLabel.map((l) => ({ matchLabels: l })) },
  { weight: 1, arbitrary: expression.map((e) => ({ matchExpressions: [e] })) },
  { weight: 1, arbitrary: fullSelector },
);

const BLOCKS: Array<{ cidr: string; except: string[][] }> = [
  { cidr: "10.1.0.0/16", except: [[], ["10.1.0.10/31"], ["10.1.0.12/32", "10.1.0.8/30"]] },
  { cidr: "10.0.0.0/8", except: [[], ["10.2.0.0/16"]] },
  { cidr: "10.1.0.11/32", except: [[]] },
  { cidr: "0.0.0.0/0", except: [[], ["10.0.0.0/8"], ["203.0.113.0/25"]] },
  { cidr: "203.0.113.0/24", except: [[], ["203.0.113.0/28"]] },
  { cidr: "fd01::/64", except: [[], ["fd01::c/126"]] },
  { cidr: "::/0", except: [[], ["fd02::/64"]] },
  { cidr: "192.168.0.0/24", except: [[]] },
];

const ipBlock = fc
  .constantFrom(...BLOCKS)
  .chain((b) =>
    fc
      .constantFrom(...b.except)
      .map((except) => ({ ipBlock: except.length ? { cidr: b.cidr, except } : { cidr: b.cidr } })),
  );

const peer = fc.oneof(
  selector.map((s) => ({ podSelector: s })),
  selector.map((s) => ({ namespaceSelector: s })),
  fc.tuple(selector, selector).map(([p, n]) => ({ podSelector: p, namespaceSelector: n })),
  ipBlock,
);

const port = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<Json>(
      { port: 80 },
      { port: 81, protocol: "TCP" },
      { port: 53, protocol: "UDP" },
      { protocol: "UDP" },
      { protocol: "TCP" },
      { port: "http" },
      { port: "dns", protocol: "UDP" },
      { port: "dns", protocol: "TCP" },
      { port: "alt" },
      { port: 9000, protocol: "SCTP" },
      { port: "sig", protocol: "SCTP" },
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 8100 }), fc.integer({ min: 0, max: 8100 }))
      .map(([p, len]) => ({ port: p, endPort: Math.min(65535, p + len) })),
  },
);

const optionalList = <T>(arb: fc.Arbitrary<T>, max: number) =>
  fc.option(fc.array(arb, { maxLength: max }), { nil: undefined });

const rule = (peerKey: "from" | "to") =>
  fc.record({ [peerKey]: optionalList(peer, 2), ports: optionalList(port, 2) }, { requiredKeys: [] });

/** The spec of a random NetworkPolicy. */
export const policySpec: fc.Arbitrary<Json> = fc.record(
  {
    podSelector: selector,
    policyTypes: fc.constantFrom(["Ingress"], ["Egress"], ["Ingress", "Egress"]),
    ingress: optionalList(rule("from"), 2),
    egress: optionalList(rule("to"), 2),
  },
  { requiredKeys: ["podSelector"] },
);

/** A random NetworkPolicy in one of the namespaces. */
export const randomPolicy = (name: string) =>
  fc.tuple(fc.constantFrom(...NAMESPACES), policySpec).map(([ns, spec]) => policy(ns, name, spec));

interface PodShape {
  ns: string;
  labels: Record<string, string>;
  node: 0 | 1;
  family: "v4" | "v6" | "dual";
  ports: number[];
  kind: "normal" | "host-network" | "pending";
}

const podShape: fc.Arbitrary<PodShape> = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  labels: podLabels,
  node: fc.constantFrom(0 as const, 1 as const),
  family: fc.constantFrom("v4" as const, "v4" as const, "v6" as const, "dual" as const),
  ports: fc.uniqueArray(fc.integer({ min: 0, max: CONTAINER_PORTS.length - 1 }), { maxLength: 3 }),
  kind: fc.constantFrom(
    "normal" as const,
    "normal" as const,
    "normal" as const,
    "normal" as const,
    "host-network" as const,
    "pending" as const,
  ),
});

function buildPod(s: PodShape, i: number): Json {
  const n = NODES[s.node];
  const host = 10 + i;
  const ips =
    s.family === "v4"
      ? [`${n.p4}${host}`]
      : s.family === "v6"
        ? [`${n.p6}${host.toString(16)}`]
        : [`${n.p4}${host}`, `${n.p6}${host.toString(16)}`];
  const names = new Set<string>();
  const ports = s.ports
    .map((k) => CONTAINER_PORTS[k] as ContainerPortJson)
    .filter((p) => {
      const key = `${p.name}/${p.protocol ?? "TCP"}`;
      if (p.name === undefined || !names.has(key)) {
        names.add(key);
        return true;
      }
      return false;
    });
  return pod(s.ns, `p${i}`, {
    labels: s.labels,
    node: n.name,
    ports,
    ...(s.kind === "pending" ? {} : { ips }),
    hostNetwork: s.kind === "host-network",
  });
}

/** Cluster objects without policies: three namespaces, two nodes, 1-8 pods. */
export const clusterBase: fc.Arbitrary<Json[]> = fc
  .tuple(fc.tuple(nsLabels, nsLabels, nsLabels), fc.array(podShape, { minLength: 1, maxLength: 8 }))
  .map(([labels, pods]) => [
    ...NAMESPACES.map((ns, i) => namespace(ns, { ...labels[i], ns })),
    ...NODES.map((n) => node(n.name, n.ip, [n.v4, n.v6])),
    ...pods.map(buildPod),
  ]);

/** A random cluster with 0-5 policies. */
export const cluster: fc.Arbitrary<Json[]> = fc
  .tuple(clusterBase, fc.integer({ min: 0, max: 4 }))
  .chain(([base, n]) =>
    fc.tuple(...Array.from({ length: n }, (_, i) => randomPolicy(`np${i}`))).map((ps) => [...base, ...ps]),
  );

/** Addresses that are neither pods nor nodes, plus node addresses and pod-CIDR gateways. */
export const OTHER_ADDRESSES = [
  "203.0.113.5",
  "203.0.113.200",
  "198.51.100.7",
  "fd99::1",
  "192.168.0.1",
  "192.168.0.2",
  "10.1.0.1",
  "10.2.0.1",
  "fd01::1",
  "fd02::1",
];

/** Probe ports for packets. */
export const PROBES = [
  { port: 80, protocol: "TCP" },
  { port: 81, protocol: "TCP" },
  { port: 8080, protocol: "TCP" },
  { port: 53, protocol: "UDP" },
  { port: 53, protocol: "TCP" },
  { port: 9000, protocol: "SCTP" },
  { port: 443, protocol: "TCP" },
] as const;
