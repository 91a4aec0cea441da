/**
 * Hand-built node IR with ClusterNetworkPolicy tier chains (src/compile/ir.ts), for renderer tests
 * that must not depend on the compiler: node n1 (192.168.0.1, pod CIDRs 10.1.0.0/24 and fd01::/64)
 * runs shop/web (10.1.0.10, fd01::10) and shop/db (10.1.0.11); the sets are the compiler's kind,
 * named as it would (`peer4_…`, `ports_…`, `ep4_…`).
 */
import type {
  AddrMatch,
  LocalPod,
  NodeRules,
  PodChain,
  PodTiers,
  TierChain,
  TierPortMatch,
  TierRule,
} from "../../src/compile/ir.js";
import type { CnpAction, CnpTier } from "../../src/k8s/cnp-model.js";
import type { Direction } from "../../src/k8s/model.js";
import { type Addr, parseAddr } from "../../src/net/address.js";
import { parseCidr } from "../../src/net/cidr.js";
import type { Interval } from "../../src/net/interval.js";

/** An address; throws on a malformed one (a bug in the test). */
export function addr(text: string): Addr {
  const a = parseAddr(text);
  if (a === undefined) throw new Error(`bad address ${text}`);
  return a;
}

function range(cidr: string): Interval {
  const c = parseCidr(cidr);
  if (typeof c === "string") throw new Error(`${cidr}: ${c}`);
  return c.range;
}

/** Peers in the v4 set `peer4_tenants` (10.2.0.0/24) and the v6 set `peer6_tenants` (fd02::/64). */
export const TENANTS: AddrMatch = { kind: "sets", v4: "peer4_tenants", v6: "peer6_tenants" };
/** Peers in `peer4_metadata` (169.254.169.254) only. */
export const METADATA: AddrMatch = { kind: "sets", v4: "peer4_metadata" };
/** TCP 53 and UDP 53 (`ports_dns`). */
export const DNS_PORTS: TierPortMatch = { kind: "set", set: "ports_dns" };

/** A tier rule of policy `policy` at `spec.<dir>[index]`, counting into `cnp/<policy>/<in|out>/<name>`. */
export function tierRule(
  policy: string,
  direction: Direction,
  index: number,
  action: CnpAction,
  peers: AddrMatch = { kind: "any" },
  ports: TierPortMatch = { kind: "any" },
  name?: string,
): TierRule {
  const counter = `cnp/${policy}/${direction === "ingress" ? "in" : "out"}/${name ?? index}`;
  const origin = { policy, rule: `spec.${direction}[${index}]`, ...(name === undefined ? {} : { name }) };
  return { action, peers, ports, counter, origin };
}

/** A tier chain named `<tier>/<dir>/<name>` holding `rules`. */
export function tierChain(
  tier: CnpTier,
  direction: Direction,
  name: string,
  policies: readonly string[],
  rules: readonly TierRule[],
): TierChain {
  const prefix = `${tier === "Admin" ? "admin" : "baseline"}/${direction === "ingress" ? "in" : "out"}`;
  return { name: `${prefix}/${name}`, tier, direction, policies, rules };
}

const OPEN: PodChain = { kind: "open" };
/** Isolated with no allow rule (a default deny). */
export const DENY_ALL: PodChain = { kind: "isolated", policies: ["shop/deny"], rules: [] };

/** A local pod; `tiers` absent when no tier chain selects it. */
export function localPod(
  ref: string,
  addrs: readonly string[],
  chains: { ingress?: PodChain; egress?: PodChain } = {},
  tiers?: { ingress?: PodTiers; egress?: PodTiers },
): LocalPod {
  return {
    ref,
    addrs: addrs.map(addr),
    ingress: chains.ingress ?? OPEN,
    egress: chains.egress ?? OPEN,
    ...(tiers === undefined ? {} : { tiers: { ingress: tiers.ingress ?? {}, egress: tiers.egress ?? {} } }),
  };
}

/** Node n1's rules with these pods and tier chains, and every set the helpers above name. */
export function nodeRules(pods: readonly LocalPod[], tierChains: readonly TierChain[]): NodeRules {
  return {
    node: "n1",
    nodeAddresses: [addr("192.168.0.1")],
    podCIDRs: [
      { family: "IPv4", range: range("10.1.0.0/24") },
      { family: "IPv6", range: range("fd01::/64") },
    ],
    pods: [...pods].sort((a, b) => (a.ref < b.ref ? -1 : 1)),
    addressSets: [
      { name: "peer4_metadata", family: "IPv4", intervals: [range("169.254.169.254/32")] },
      { name: "peer4_tenants", family: "IPv4", intervals: [range("10.2.0.0/24")] },
      { name: "peer6_tenants", family: "IPv6", intervals: [range("fd02::/64")] },
    ],
    portSets: [
      {
        name: "ports_dns",
        entries: [
          { protocol: "TCP", from: 53, to: 53 },
          { protocol: "UDP", from: 53, to: 53 },
        ],
      },
    ],
    endpointPortSets: [
      {
        name: "ep4_http",
        family: "IPv4",
        entries: [{ addr: addr("10.2.0.7").value, protocol: "TCP", port: 8080 }],
      },
    ],
    tierChains: [...tierChains].sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}
