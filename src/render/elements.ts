/**
 * nft text of set elements and set types for the compiler's sets.
 */
import type { AddressSet, EndpointPortSet, PortEntry, PortSet } from "../compile/ir.js";
import type { Protocol } from "../k8s/model.js";
import { type Addr, type Family, formatAddr } from "../net/address.js";
import { formatInterval } from "../net/cidr.js";
import { type Interval, normalize } from "../net/interval.js";
import type { SetSpec } from "../nft/model.js";

/** nft's name of an address family's address type. */
export function addrType(family: Family): string {
  return family === "IPv4" ? "ipv4_addr" : "ipv6_addr";
}

/** `ip` or `ip6`: the payload protocol of a family in rules. */
export function ipWord(family: Family): string {
  return family === "IPv4" ? "ip" : "ip6";
}

/** nft's lower-case protocol keyword. */
export function protoWord(p: Protocol): string {
  return p.toLowerCase();
}

/** `tcp . 80-81` */
export function portElement(e: PortEntry): string {
  return `${protoWord(e.protocol)} . ${e.from === e.to ? e.from : `${e.from}-${e.to}`}`;
}

/** A peer address set: canonical intervals as addresses, prefixes or ranges. */
export function addressSetSpec(s: AddressSet): SetSpec {
  return {
    name: s.name,
    type: addrType(s.family),
    interval: true,
    elements: s.intervals.map((i) => formatInterval(s.family, i)),
  };
}

/** A `protocol . port-range` set. */
export function portSetSpec(s: PortSet): SetSpec {
  return {
    name: s.name,
    type: "inet_proto . inet_service",
    interval: true,
    elements: s.entries.map(portElement),
  };
}

/** An `address . protocol . port` set for egress named ports. */
export function endpointSetSpec(s: EndpointPortSet): SetSpec {
  return {
    name: s.name,
    type: `${addrType(s.family)} . inet_proto . inet_service`,
    interval: false,
    elements: s.entries.map(
      (e) => `${formatAddr({ family: s.family, value: e.addr })} . ${protoWord(e.protocol)} . ${e.port}`,
    ),
  };
}

/** A plain set of addresses (no intervals). */
export function addressListSpec(name: string, family: Family, addrs: readonly Addr[]): SetSpec {
  return {
    name,
    type: addrType(family),
    interval: false,
    elements: addrs.filter((a) => a.family === family).map(formatAddr),
  };
}

/** An interval set of CIDRs of one family (e.g. the node's pod CIDRs). */
export function cidrSetSpec(
  name: string,
  family: Family,
  cidrs: ReadonlyArray<{ readonly family: Family; readonly range: Interval }>,
): SetSpec {
  const ranges = normalize(cidrs.filter((c) => c.family === family).map((c) => c.range));
  return {
    name,
    type: addrType(family),
    interval: true,
    elements: ranges.map((i) => formatInterval(family, i)),
  };
}
