/**
 * The lab as data: a validated LabSpec becomes the Lab it will be plus the exact commands that build
 * it, in order. Pure (no I/O), so the commands can be printed and golden-tested without root.
 *
 * Every interface is created inside a lab namespace: veth pairs are made from one lab namespace
 * straight into another (`link add X type veth peer name eth0 netns <ns>`), never in the host's.
 */
import { type Family, formatAddr, parseAddr } from "../net/address.js";
import { parseCidr } from "../net/cidr.js";
import type { Lab, LabNode, LabPod } from "./lab.js";
import { flannelMac, hostVethName, nodeNetns, podNetns, wireNetns, wirePortName } from "./names.js";
import type { LabNodeSpec, LabSpec } from "./spec.js";

/** One command of a build; runs in `netns` (the host namespace when absent) with `input` on stdin. */
export interface LabStep {
  readonly netns?: string;
  readonly cmd: "ip" | "bridge" | "sysctl";
  readonly args: readonly string[];
  readonly input?: string;
}

/** The lab a spec describes and the steps that make it. */
export interface LabPlan {
  readonly lab: Lab;
  readonly steps: readonly LabStep[];
}

/** Flannel's vxlan backend default VNI (`Backend.VNI`), which also names the device. */
export const FLANNEL_VNI = 1;
/** Flannel's default `Backend.Port`: the Linux kernel's historical VXLAN port, not IANA's 4789. */
export const FLANNEL_PORT = 8472;
/** The VTEP device Flannel creates: `flannel.<VNI>`. */
export const FLANNEL_DEV = "flannel.1";
/** Underlay MTU 1500 minus 50 bytes of VXLAN encapsulation: what Flannel writes as FLANNEL_MTU. */
export const POD_MTU = 1450;
/** The bridge in the wire namespace that plays the underlay L2 segment. */
export const WIRE_BRIDGE = "br-wire";

/**
 * Node sysctls as on a Kubernetes node: routing between pods and the overlay, bridged traffic through
 * the IP hooks (br_netfilter, required by kube-proxy and by netguard's `inet` table), no reverse-path
 * filter (Flannel's asymmetric overlay routes), and no IPv6 DAD so addresses work at once.
 */
export const NODE_SYSCTLS: readonly string[] = [
  "net.ipv4.ip_forward=1",
  "net.ipv6.conf.all.forwarding=1",
  "net.bridge.bridge-nf-call-iptables=1",
  "net.bridge.bridge-nf-call-ip6tables=1",
  "net.ipv4.conf.all.rp_filter=0",
  "net.ipv4.conf.default.rp_filter=0",
  "net.ipv6.conf.all.accept_dad=0",
  "net.ipv6.conf.default.accept_dad=0",
];

/** Pod sysctls: no DAD, so the pod's IPv6 address is usable as soon as it is added. */
export const POD_SYSCTLS: readonly string[] = [
  "net.ipv6.conf.all.accept_dad=0",
  "net.ipv6.conf.default.accept_dad=0",
];

/** Plans a lab; the spec must be valid (validateLabSpec returned no problem). */
export function planLab(spec: LabSpec, id: string): LabPlan {
  const nodes = spec.nodes.map((n, i) => labNode(id, n, i));
  const nodeIndex = new Map(nodes.map((n, i) => [n.name, i]));
  const pods: LabPod[] = spec.pods.map((p, j) => ({
    key: p.key,
    node: p.node,
    netns: podNetns(id, j),
    hostVeth: hostVethName(p.key),
    ips: p.ips.map(canonical),
    ports: p.ports,
  }));
  const lab: Lab = { id, wireNetns: wireNetns(id), nodes, pods };
  const allNetns = [lab.wireNetns, ...nodes.map((n) => n.netns), ...pods.map((p) => p.netns)];
  const steps: LabStep[] = [
    { cmd: "ip", args: ["-batch", "-"], input: lines(allNetns.map((ns) => `netns add ${ns}`)) },
    ...nodes.map((n): LabStep => sysctl(n.netns, NODE_SYSCTLS)),
    ...pods.map((p): LabStep => sysctl(p.netns, POD_SYSCTLS)),
    ipBatch(lab.wireNetns, wireLines(lab)),
  ];
  nodes.forEach((node, i) => {
    const local = pods.filter((p) => nodeIndex.get(p.node) === i);
    steps.push(ipBatch(node.netns, [...nodeLines(node), ...overlayLines(node, nodes), ...vethLines(local)]));
    const fdb = nodes.filter((peer) => peer !== node).map((peer) => fdbLine(peer));
    if (fdb.length > 0)
      steps.push({ netns: node.netns, cmd: "bridge", args: ["-batch", "-"], input: lines(fdb) });
  });
  for (const pod of pods) {
    const node = nodes[nodeIndex.get(pod.node) ?? -1];
    if (!node)
      throw new Error(`planLab: pod ${pod.key} is on unknown node ${pod.node} (validate the spec first)`);
    steps.push(ipBatch(pod.netns, podLines(pod, node)));
  }
  return { lab, steps };
}

function labNode(id: string, n: LabNodeSpec, i: number): LabNode {
  return {
    name: n.name,
    netns: nodeNetns(id, i),
    nodeIP: n.nodeIP,
    gateway4: cidrAddr(n.podCIDR4, 1n).addr,
    ...(n.podCIDR6 ? { gateway6: cidrAddr(n.podCIDR6, 1n).addr, podCIDR6: n.podCIDR6 } : {}),
    podCIDR4: n.podCIDR4,
    flannelMac: flannelMac(i),
  };
}

/** The address at `offset` in a CIDR, with the CIDR's prefix length. */
function cidrAddr(text: string, offset: bigint): { addr: string; prefix: number; family: Family } {
  const cidr = parseCidr(text);
  if (typeof cidr === "string") throw new Error(`planLab: ${text}: ${cidr} (validate the spec first)`);
  return {
    addr: formatAddr({ family: cidr.family, value: cidr.range.lo + offset }),
    prefix: cidr.prefix,
    family: cidr.family,
  };
}

function canonical(text: string): string {
  const addr = parseAddr(text);
  if (!addr) throw new Error(`planLab: "${text}" is not an IP address (validate the spec first)`);
  return formatAddr(addr);
}

function wireLines(lab: Lab): string[] {
  const out = ["link set lo up", `link add ${WIRE_BRIDGE} type bridge`, `link set ${WIRE_BRIDGE} up`];
  lab.nodes.forEach((node, i) => {
    const port = wirePortName(i);
    out.push(`link add ${port} type veth peer name eth0 netns ${node.netns}`);
    out.push(`link set ${port} master ${WIRE_BRIDGE}`, `link set ${port} up`);
  });
  return out;
}

/** Underlay address, then `cni0` as the CNI bridge plugin makes it (`isGateway: true`). */
function nodeLines(node: LabNode): string[] {
  const out = ["link set lo up", `addr add ${node.nodeIP}/24 dev eth0`, "link set eth0 up"];
  out.push("link add cni0 type bridge");
  const v4 = cidrAddr(node.podCIDR4, 1n);
  out.push(`addr add ${v4.addr}/${v4.prefix} dev cni0`);
  if (node.podCIDR6) {
    const v6 = cidrAddr(node.podCIDR6, 1n);
    out.push(`addr add ${v6.addr}/${v6.prefix} dev cni0 nodad`);
  }
  out.push("link set cni0 up");
  return out;
}

/**
 * flannel.1 as Flannel's vxlan backend makes it (no learning: the daemon programs everything), with
 * the subnet's network address as /32 (/128), and for every other node the route, permanent
 * neighbour and (in fdbLine) FDB entry Flannel writes from that node's lease. IPv6 rides the same
 * IPv4-underlay device here; real Flannel uses a second device, flannel-v6.1, on an IPv6 underlay.
 */
function overlayLines(node: LabNode, nodes: readonly LabNode[]): string[] {
  const out = [
    `link add ${FLANNEL_DEV} address ${node.flannelMac} type vxlan id ${FLANNEL_VNI} local ${node.nodeIP}` +
      ` dev eth0 dstport ${FLANNEL_PORT} nolearning`,
    `addr add ${cidrAddr(node.podCIDR4, 0n).addr}/32 dev ${FLANNEL_DEV}`,
  ];
  if (node.podCIDR6) out.push(`addr add ${cidrAddr(node.podCIDR6, 0n).addr}/128 dev ${FLANNEL_DEV} nodad`);
  out.push(`link set ${FLANNEL_DEV} up`);
  for (const peer of nodes) {
    if (peer === node) continue;
    for (const cidr of [peer.podCIDR4, ...(peer.podCIDR6 && node.podCIDR6 ? [peer.podCIDR6] : [])]) {
      const net = cidrAddr(cidr, 0n).addr;
      out.push(`route add ${cidr} via ${net} dev ${FLANNEL_DEV} onlink`);
      out.push(`neigh add ${net} lladdr ${peer.flannelMac} dev ${FLANNEL_DEV} nud permanent`);
    }
  }
  return out;
}

function fdbLine(peer: LabNode): string {
  return `fdb append ${peer.flannelMac} dev ${FLANNEL_DEV} dst ${peer.nodeIP}`;
}

/** The CNI bridge plugin's ADD: a veth pair from the node straight into the pod, host end on cni0. */
function vethLines(pods: readonly LabPod[]): string[] {
  return pods.flatMap((pod) => [
    `link add ${pod.hostVeth} mtu ${POD_MTU} type veth peer name eth0 mtu ${POD_MTU} netns ${pod.netns}`,
    `link set ${pod.hostVeth} master cni0`,
    `link set ${pod.hostVeth} up`,
  ]);
}

/** Inside the pod: host-local IPAM's addresses on eth0 and default routes via the cni0 gateways. */
function podLines(pod: LabPod, node: LabNode): string[] {
  const out = ["link set lo up"];
  const routes: string[] = [];
  for (const ip of pod.ips) {
    const v6 = ip.includes(":");
    const cidr = v6 ? node.podCIDR6 : node.podCIDR4;
    if (!cidr)
      throw new Error(`planLab: pod ${pod.key} has ${ip} but its node has no pod CIDR of that family`);
    out.push(`addr add ${ip}/${cidrAddr(cidr, 0n).prefix} dev eth0${v6 ? " nodad" : ""}`);
    routes.push(
      v6 ? `route add ::/0 via ${node.gateway6 ?? ""}` : `route add 0.0.0.0/0 via ${node.gateway4}`,
    );
  }
  return [...out, "link set eth0 up", ...routes];
}

function sysctl(netns: string, settings: readonly string[]): LabStep {
  return { netns, cmd: "sysctl", args: ["-q", "-w", ...settings] };
}

function ipBatch(netns: string, body: readonly string[]): LabStep {
  return { netns, cmd: "ip", args: ["-batch", "-"], input: lines(body) };
}

function lines(body: readonly string[]): string {
  return body.map((l) => `${l}\n`).join("");
}
