/**
 * Turns a snapshot into a lab cluster: nodes from the Node objects (pod CIDRs, InternalIP) and pods
 * from the policy-target Pods (spec.nodeName, status.podIPs). What the input leaves out is filled
 * in — nodes get pod CIDRs and underlay addresses, pods get a node and addresses — and the snapshot
 * is rewritten to match, so the evaluator judges exactly the addresses the lab uses.
 */
import type { Node, Pod, Snapshot } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { type Addr, type Family, addrKey, formatAddr, parseAddr } from "../net/address.js";
import { type Cidr, parseCidr } from "../net/cidr.js";
import { sortPorts } from "../policy/probe-ports.js";
import type { LabSpec } from "./spec.js";

/** A lab spec and the snapshot rewritten to the lab's addresses. */
export interface SnapshotLab {
  readonly spec: LabSpec;
  readonly snapshot: Snapshot;
  /** Pods left out of the lab (not policy targets), with why. */
  readonly skipped: ReadonlyArray<{ readonly pod: string; readonly reason: string }>;
}

/** Extra ports every pod listens on (the probe ports), besides its declared container ports. */
export type ProbePorts = ReadonlyArray<{ readonly port: number; readonly protocol: "TCP" | "UDP" | "SCTP" }>;

/** Plans the lab. Pure. */
export function labFromSnapshot(snapshot: Snapshot, probePorts: ProbePorts): SnapshotLab {
  const targets = snapshot.pods.filter((p) => !p.nonTarget);
  const skipped = snapshot.pods
    .filter((p) => p.nonTarget)
    .map((p) => ({ pod: refOf(p), reason: p.nonTarget as string }));
  const planned = planNodes(snapshot, targets);
  const pods = placePods(targets, planned);
  const rewritten: Snapshot = {
    ...snapshot,
    pods: [...pods, ...snapshot.pods.filter((p) => p.nonTarget)],
    nodes: nodeObjects(planned, snapshot.nodes),
  };
  return { spec: labSpec(planned, pods, probePorts), snapshot: rewritten, skipped };
}

/**
 * The lab's nodes, by name: the input's Nodes and those its pods name (one node when there are
 * none); every node moves to 192.168.250.0/24 unless their addresses share one /24 already.
 */
function planNodes(snapshot: Snapshot, targets: readonly Pod[]): PlannedNode[] {
  const nodeNames = [
    ...new Set([...snapshot.nodes.keys(), ...targets.map((p) => p.nodeName).filter((n): n is string => !!n)]),
  ].sort();
  if (nodeNames.length === 0) nodeNames.push("lab-node-0");
  const nodes = nodeNames.map((name, i) => planNode(snapshot.nodes.get(name), name, i));
  const underlayOk = sharesOne24(nodes.map((n) => n.nodeIP));
  return nodes.map((n, i) => (underlayOk ? n : { ...n, nodeIP: `192.168.250.${i + 1}` }));
}

/**
 * Each pod on its node (or round-robin when its node is unknown), keeping its own address per
 * family when it fits the node's pod CIDR, else taking the next free one.
 */
function placePods(targets: readonly Pod[], planned: readonly PlannedNode[]): Pod[] {
  const byName = new Map(planned.map((n) => [n.name, n]));
  const used = new Set<string>();
  for (const p of targets) for (const a of p.ips) used.add(addrKey(a));
  const cursors = new Map<string, number>();
  return targets.map((pod, i) => {
    const nodeName =
      pod.nodeName && byName.has(pod.nodeName) ? pod.nodeName : (planned[i % planned.length]?.name as string);
    const node = byName.get(nodeName) as PlannedNode;
    const ips = (["IPv4", "IPv6"] as const).flatMap((family) => {
      const cidr = family === "IPv4" ? node.cidr4 : node.cidr6;
      const own = pod.ips.find((a) => a.family === family);
      if (own && cidr && inside(cidr, own) && !isReserved(cidr, own)) return [own];
      if (!own || !cidr) return [];
      return [nextFree(cidr, used, cursors)];
    });
    return { ...pod, nodeName, ips };
  });
}

/** The lab spec: nodes with their addresses and pod CIDRs, pods with addresses and listening ports. */
function labSpec(planned: readonly PlannedNode[], pods: readonly Pod[], probePorts: ProbePorts): LabSpec {
  return {
    nodes: planned.map((n) => ({
      name: n.name,
      nodeIP: n.nodeIP,
      podCIDR4: cidrText(n.cidr4),
      ...(n.cidr6 ? { podCIDR6: cidrText(n.cidr6) } : {}),
    })),
    pods: pods.map((p) => ({
      key: refOf(p),
      node: p.nodeName as string,
      ips: p.ips.map(formatAddr),
      ports: sortPorts([...p.ports.map((c) => ({ port: c.port, protocol: c.protocol })), ...probePorts]),
    })),
  };
}

/** The snapshot's Nodes, rewritten to the lab's node addresses and pod CIDRs; labels are kept. */
function nodeObjects(
  planned: readonly PlannedNode[],
  declared: ReadonlyMap<string, Node>,
): Map<string, Node> {
  return new Map<string, Node>(
    planned.map((n) => [
      n.name,
      {
        name: n.name,
        labels: declared.get(n.name)?.labels ?? {},
        addresses: [parseAddr(n.nodeIP) as Addr],
        podCIDRs: [n.cidr4, ...(n.cidr6 ? [n.cidr6] : [])],
      },
    ]),
  );
}

interface PlannedNode {
  readonly name: string;
  readonly nodeIP: string;
  readonly cidr4: Cidr;
  readonly cidr6?: Cidr;
}

function planNode(node: Node | undefined, name: string, i: number): PlannedNode {
  const cidr4 = node?.podCIDRs.find((c) => c.family === "IPv4") ?? (parseCidr(`10.244.${i}.0/24`) as Cidr);
  const cidr6 =
    node?.podCIDRs.find((c) => c.family === "IPv6") ??
    (parseCidr(`fd00:10:244:${i.toString(16)}::/64`) as Cidr);
  const ip = node?.addresses.find((a) => a.family === "IPv4");
  return { name, nodeIP: ip ? formatAddr(ip) : `192.168.250.${i + 1}`, cidr4, cidr6 };
}

function sharesOne24(ips: readonly string[]): boolean {
  return (
    new Set(ips.map((ip) => ip.split(".").slice(0, 3).join("."))).size <= 1 &&
    new Set(ips).size === ips.length
  );
}

function inside(c: Cidr, a: Addr): boolean {
  return c.family === a.family && a.value >= c.range.lo && a.value <= c.range.hi;
}

/** The network address (Flannel's flannel.1 address) and the gateway (cni0) are not pod addresses. */
function isReserved(c: Cidr, a: Addr): boolean {
  return (
    a.value === c.range.lo || a.value === c.range.lo + 1n || (c.family === "IPv4" && a.value === c.range.hi)
  );
}

function nextFree(c: Cidr, used: Set<string>, cursors: Map<string, number>): Addr {
  const key = cidrText(c);
  let offset = cursors.get(key) ?? 10;
  for (;;) {
    const a = { family: c.family, value: c.range.lo + BigInt(offset) };
    offset++;
    if (a.value >= c.range.hi) throw new Error(`pod CIDR ${key} is full`);
    if (!used.has(addrKey(a))) {
      used.add(addrKey(a));
      cursors.set(key, offset);
      return a;
    }
  }
}

function cidrText(c: Cidr): string {
  return `${formatAddr({ family: c.family, value: c.range.lo })}/${c.prefix}`;
}

/** The IP family of an address text (for callers picking probe addresses). */
export function familyOf(ip: string): Family | undefined {
  return parseAddr(ip)?.family;
}
