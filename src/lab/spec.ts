/**
 * What a lab cluster should contain: nodes with Flannel pod CIDRs (`Node.spec.podCIDRs`) and pods
 * with their addresses (`Pod.status.podIPs`) and declared container ports. Validation reports
 * problems as values with field paths, before anything is created.
 */
import { appendAll } from "../base/append-all.js";
import { type Addr, parseAddr } from "../net/address.js";
import { type Cidr, parseCidr } from "../net/cidr.js";
import { hostVethName } from "./names.js";

/** One node: its underlay address (Node `InternalIP`) and pod CIDRs (`spec.podCIDRs`). */
export interface LabNodeSpec {
  readonly name: string;
  /** IPv4 underlay address; every node's nodeIP must lie in one shared /24. */
  readonly nodeIP: string;
  /** e.g. 10.244.1.0/24; its first host address becomes the `cni0` gateway. */
  readonly podCIDR4: string;
  /** e.g. fd00:10:244:1::/64. */
  readonly podCIDR6?: string;
}

/** A declared container port (`containerPort`, `protocol`). */
export interface LabPortSpec {
  readonly port: number;
  readonly protocol: "TCP" | "UDP" | "SCTP";
}

/** One pod, scheduled on `node`. */
export interface LabPodSpec {
  /** "namespace/name". */
  readonly key: string;
  readonly node: string;
  /** At most one IPv4 and one IPv6 address (as `status.podIPs`), inside the node's pod CIDRs. */
  readonly ips: readonly string[];
  readonly ports: readonly LabPortSpec[];
}

/** A whole lab cluster. */
export interface LabSpec {
  readonly nodes: readonly LabNodeSpec[];
  readonly pods: readonly LabPodSpec[];
}

/** Problems of a spec, each `path: message`; empty when the lab can be built. */
export function validateLabSpec(spec: LabSpec): string[] {
  const problems: string[] = [];
  const cidrs = validateNodes(spec.nodes, problems);
  appendAll(problems, overlaps(spec.nodes, cidrs));
  validatePods(spec.pods, cidrs, problems);
  return problems;
}

type NodeCidrs = Map<string, { v4?: Cidr; v6?: Cidr }>;

function validateNodes(nodes: readonly LabNodeSpec[], problems: string[]): NodeCidrs {
  const cidrs: NodeCidrs = new Map();
  let underlay: bigint | undefined;
  const nodeIPs = new Set<bigint>();
  if (nodes.length === 0) problems.push("nodes: a lab needs at least one node");
  nodes.forEach((node, i) => {
    const at = `nodes[${i}]`;
    if (!/^[A-Za-z0-9][A-Za-z0-9.-]*$/.test(node.name))
      problems.push(`${at}.name: "${node.name}" is not a node name`);
    if (cidrs.has(node.name)) problems.push(`${at}.name: duplicate node "${node.name}"`);
    const ip = parseAddr(node.nodeIP);
    if (ip?.family !== "IPv4") problems.push(`${at}.nodeIP: "${node.nodeIP}" is not an IPv4 address`);
    else {
      const host = ip.value & 0xffn;
      if (host === 0n || host === 0xffn)
        problems.push(`${at}.nodeIP: network or broadcast address of its /24`);
      if (nodeIPs.has(ip.value)) problems.push(`${at}.nodeIP: duplicate address ${node.nodeIP}`);
      nodeIPs.add(ip.value);
      underlay ??= ip.value >> 8n;
      if (ip.value >> 8n !== underlay) problems.push(`${at}.nodeIP: all nodeIPs must share one /24 underlay`);
    }
    const v4 = podCidr(node.podCIDR4, "IPv4", 30, `${at}.podCIDR4`, problems);
    const v6 =
      node.podCIDR6 === undefined
        ? undefined
        : podCidr(node.podCIDR6, "IPv6", 126, `${at}.podCIDR6`, problems);
    cidrs.set(node.name, { v4, v6 });
  });
  return cidrs;
}

function validatePods(pods: readonly LabPodSpec[], cidrs: NodeCidrs, problems: string[]): void {
  const seenKeys = new Set<string>();
  const seenIPs = new Set<string>();
  const veths = new Set<string>();
  pods.forEach((pod, j) => {
    const at = `pods[${j}]`;
    if (!/^[^/\s]+\/[^/\s]+$/.test(pod.key)) problems.push(`${at}.key: "${pod.key}" is not "namespace/name"`);
    if (seenKeys.has(pod.key)) problems.push(`${at}.key: duplicate pod "${pod.key}"`);
    seenKeys.add(pod.key);
    const node = cidrs.get(pod.node);
    if (!node) problems.push(`${at}.node: unknown node "${pod.node}"`);
    const veth = `${pod.node}/${hostVethName(pod.key)}`;
    if (veths.has(veth)) problems.push(`${at}.key: host veth name collides with another pod's on this node`);
    veths.add(veth);
    if (pod.ips.length === 0) problems.push(`${at}.ips: a lab pod needs at least one address`);
    const families = new Set<string>();
    pod.ips.forEach((text, k) => {
      const addr = parseAddr(text);
      const problem = addr ? podIPProblem(addr, node) : `"${text}" is not an IP address`;
      if (problem) problems.push(`${at}.ips[${k}]: ${problem}`);
      if (!addr) return;
      if (families.has(addr.family)) problems.push(`${at}.ips[${k}]: a second ${addr.family} address`);
      families.add(addr.family);
      if (seenIPs.has(`${addr.family}:${addr.value}`))
        problems.push(`${at}.ips[${k}]: ${text} is used twice`);
      seenIPs.add(`${addr.family}:${addr.value}`);
    });
    pod.ports.forEach((p, k) => {
      if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) {
        problems.push(`${at}.ports[${k}].port: must be 1-65535`);
      }
      if (!["TCP", "UDP", "SCTP"].includes(p.protocol))
        problems.push(`${at}.ports[${k}].protocol: TCP, UDP or SCTP`);
    });
  });
}

function podCidr(
  text: string,
  family: "IPv4" | "IPv6",
  maxPrefix: number,
  at: string,
  problems: string[],
): Cidr | undefined {
  const cidr = parseCidr(text);
  if (typeof cidr === "string") problems.push(`${at}: ${cidr}`);
  else if (cidr.family !== family) problems.push(`${at}: must be an ${family} CIDR`);
  else if (cidr.hostBitsSet) problems.push(`${at}: host bits set (write the network address)`);
  else if (cidr.prefix > maxPrefix)
    problems.push(`${at}: prefix longer than /${maxPrefix} leaves no pod address`);
  else return cidr;
  return undefined;
}

function overlaps(nodes: readonly LabNodeSpec[], cidrs: NodeCidrs): string[] {
  const out: string[] = [];
  const all = nodes.flatMap((n, i) => {
    const c = cidrs.get(n.name);
    return [c?.v4, c?.v6].flatMap((x) => (x ? [{ i, cidr: x }] : []));
  });
  for (const [a, x] of all.entries()) {
    for (const y of all.slice(a + 1)) {
      const disjoint = x.cidr.range.hi < y.cidr.range.lo || y.cidr.range.hi < x.cidr.range.lo;
      if (x.cidr.family === y.cidr.family && !disjoint) {
        out.push(`nodes[${y.i}]: pod CIDR overlaps the one of nodes[${x.i}]`);
      }
    }
    const underlay = parseAddr(nodes[x.i]?.nodeIP ?? "");
    if (x.cidr.family === "IPv4" && underlay?.family === "IPv4") {
      const net = underlay.value & ~0xffn;
      if (!(net + 0xffn < x.cidr.range.lo || x.cidr.range.hi < net)) {
        out.push(`nodes[${x.i}].podCIDR4: overlaps the underlay /24`);
      }
    }
  }
  return out;
}

function podIPProblem(addr: Addr, node: { v4?: Cidr; v6?: Cidr } | undefined): string | undefined {
  if (!node) return undefined; // the unknown node is reported already
  const cidr = addr.family === "IPv4" ? node.v4 : node.v6;
  if (!cidr) return `the node has no ${addr.family} pod CIDR`;
  const { lo, hi } = cidr.range;
  if (addr.value < lo || addr.value > hi) return "outside the node's pod CIDR";
  if (addr.value === lo) return "the network address is flannel.1's, not a pod's";
  if (addr.value === lo + 1n) return "the first host address is the cni0 gateway";
  if (addr.family === "IPv4" && addr.value === hi) return "the broadcast address of the pod CIDR";
  return undefined;
}
