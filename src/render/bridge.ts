/**
 * `bridge netguard`: what a frame entering `cni0` from a pod's veth may claim to be, and which
 * link-scope traffic may pass from one pod's port to another's. Bridge hooks see the veth a frame
 * came in on, which the `inet` hooks do not (they see `cni0`); bridge conntrack is not available,
 * so everything here is stateless.
 *
 * prerouting — anti-spoofing. A known veth (its pod registered through CNI, or discovered from the
 * kernel) may send IPv4 and ARP only from its pod's addresses, IPv6 from its pod's addresses, from
 * link-local or from `::` (neighbour discovery). A port netguard does not know — a pod that predates netguard, or started
 * while netguard was not in the CNI chain — cannot be told apart from its neighbours, so it may not
 * use any guarded address: the addresses of pods with a known veth and the node's own addresses
 * (node IPs and the `cni0` gateways). Pods whose veth is unknown cannot be protected from each other.
 *
 * forward — frames bridged from one port to another (never the node's own traffic) with a
 * link-scope IPv6 source or destination pass only as neighbour discovery (see link-scope.ts).
 */
import type { NodeRules } from "../compile/ir.js";
import { formatAddr } from "../net/address.js";
import type { ChainSpec, SetSpec, TableSpec } from "../nft/model.js";
import { LINK6_SET, LINK_SCOPE_COUNTER, ND_TYPES_SET, linkScopeRules } from "./link-scope.js";

/** Counter of frames dropped for a forged source. */
export const SPOOFED_COUNTER = "spoofed";

/**
 * Interface names the kernel accepts (at most 15 bytes, no `/`, `:` or whitespace), narrowed to
 * what needs no escaping inside an nft string. Another name is treated as unknown: fail closed.
 */
export function isVethName(name: string): boolean {
  return /^[A-Za-z0-9_.-]{1,15}$/.test(name) && name !== "." && name !== "..";
}

/** Renders the bridge table; `interfaces` maps pod refs to host-side veths. */
export function renderBridge(r: NodeRules, interfaces: ReadonlyMap<string, string>): TableSpec {
  const veths = new Set<string>();
  const pairs4 = new Set<string>();
  const pairs6 = new Set<string>();
  const guarded4 = new Set<string>();
  const guarded6 = new Set<string>();
  for (const a of r.nodeAddresses) (a.family === "IPv4" ? guarded4 : guarded6).add(formatAddr(a));
  for (const pod of r.pods) {
    const veth = interfaces.get(pod.ref);
    if (veth === undefined || !isVethName(veth)) continue;
    veths.add(`"${veth}"`);
    for (const a of pod.addrs) {
      const v4 = a.family === "IPv4";
      (v4 ? pairs4 : pairs6).add(`"${veth}" . ${formatAddr(a)}`);
      (v4 ? guarded4 : guarded6).add(formatAddr(a));
    }
  }
  const sets: SetSpec[] = [
    list("guarded4", "ipv4_addr", guarded4),
    list("guarded6", "ipv6_addr", guarded6),
    LINK6_SET,
    ND_TYPES_SET,
    list("pod_veths", "ifname", veths),
    list("veth_addr4", "ifname . ipv4_addr", pairs4),
    list("veth_addr6", "ifname . ipv6_addr", pairs6),
  ];
  return {
    family: "bridge",
    name: "netguard",
    sets,
    maps: [],
    counters: [LINK_SCOPE_COUNTER, SPOOFED_COUNTER],
    chains: [unknownPortChain(), preroutingChain(), forwardChain()],
  };
}

const spoof = `counter name ${SPOOFED_COUNTER} drop`;

function preroutingChain(): ChainSpec {
  return {
    name: "prerouting",
    base: { type: "filter", hook: "prerouting", priority: "filter", policy: "accept" },
    rules: [
      "iifname != @pod_veths goto unknown_port",
      `ether type ip iifname . ip saddr != @veth_addr4 ${spoof}`,
      "ether type arp arp saddr ip 0.0.0.0 accept",
      `ether type arp iifname . arp saddr ip != @veth_addr4 ${spoof}`,
      "ether type ip6 ip6 saddr fe80::/10 accept",
      "ether type ip6 ip6 saddr :: accept",
      `ether type ip6 iifname . ip6 saddr != @veth_addr6 ${spoof}`,
    ],
  };
}

/** Ports netguard has no veth for: no guarded address, in any field that claims an identity. */
function unknownPortChain(): ChainSpec {
  return {
    name: "unknown_port",
    rules: [
      `ether type ip ip saddr @guarded4 ${spoof}`,
      `ether type arp arp saddr ip @guarded4 ${spoof}`,
      `ether type ip6 ip6 saddr @guarded6 ${spoof}`,
    ],
  };
}

function forwardChain(): ChainSpec {
  return {
    name: "forward",
    base: { type: "filter", hook: "forward", priority: "filter", policy: "accept" },
    rules: linkScopeRules("ether type ip6 "),
  };
}

function list(name: string, type: string, elements: ReadonlySet<string>): SetSpec {
  return { name, type, interval: false, elements: [...elements].sort() };
}
