/**
 * Addresses a NetworkPolicy cannot place: IPv6 link-local (`fe80::/10`), the unspecified address
 * and IPv6 multicast, IPv4 multicast and the limited broadcast. Every pod has an `fe80::` address,
 * also on IPv4-only clusters, and none of these is in the verdict maps keyed by pod address, so
 * traffic between pods using them would bypass isolation (issue 11, finding 2). Between pods they
 * carry only what the kernel needs to find neighbours: neighbour solicitations and advertisements
 * (also DAD from `::`), router solicitations and MLD listener reports (so multicast snooping keeps
 * forwarding solicited-node groups). Everything else is dropped and counted. Traffic from the node
 * to its pods never crosses a forward hook and is not affected.
 */
import type { SetSpec } from "../nft/model.js";

/** Counter of packets dropped here, in both tables. */
export const LINK_SCOPE_COUNTER = "link_scope";

/** IPv6 addresses outside policy: unspecified, link-local, multicast (interval set `link6`). */
export const LINK6_SET: SetSpec = {
  name: "link6",
  type: "ipv6_addr",
  interval: true,
  elements: ["::", "fe80::/10", "ff00::/8"],
};

/** IPv4 destinations outside policy: multicast and the limited broadcast (interval set `group4`). */
export const GROUP4_SET: SetSpec = {
  name: "group4",
  type: "ipv4_addr",
  interval: true,
  elements: ["224.0.0.0/4", "255.255.255.255"],
};

/** ICMPv6 types neighbour discovery needs between a pod and its neighbours (RFC 4861, RFC 3810). */
export const ND_TYPES_SET: SetSpec = {
  name: "nd_types",
  type: "icmpv6_type",
  interval: false,
  elements: [
    "mld-listener-report",
    "mld-listener-done",
    "nd-router-solicit",
    "nd-neighbor-solicit",
    "nd-neighbor-advert",
    "mld2-listener-report",
  ],
};

/**
 * The link-scope rules of a forward hook (`prefix` is `ether type ip6 ` in the bridge family).
 * Neighbour discovery passes first, whatever its addresses: like ARP it sits beneath policy (a
 * pod's NA to a peer that may not open connections to it must still arrive), and the kernel
 * consumes it. Then any other packet from or to a link-scope IPv6 address is dropped.
 */
export function linkScopeRules(prefix: string): string[] {
  const drop = `counter name ${LINK_SCOPE_COUNTER} drop`;
  return [
    `${prefix}icmpv6 type @${ND_TYPES_SET.name} accept`,
    `${prefix}ip6 saddr @${LINK6_SET.name} ${drop}`,
    `${prefix}ip6 daddr @${LINK6_SET.name} ${drop}`,
  ];
}
