/**
 * The nft datatypes netguard's sets use, as numbers: each parses one value of its type into a
 * bigint (so prefixes, ranges and overlaps are arithmetic) and formats it back canonically. Names
 * and limits follow nft 1.0.6 (`nft describe`, datatype.c/proto.c): protocol and ICMPv6 type names,
 * ports 0-65535 ("Service out of range"), interface names of at most 15 characters ("String exceeds
 * maximum length of 16", the NUL included).
 */
import { formatAddr, parseAddr } from "../net/address.js";

/** One nft datatype. */
export interface Datatype {
  readonly name: string;
  /** Width in bits (prefix lengths are checked against it). */
  readonly bits: number;
  /** `a/n` allowed (in interval sets). */
  readonly prefixes: boolean;
  /** `a-b` allowed (in interval sets). */
  readonly ranges: boolean;
  readonly parse: (text: string) => bigint | undefined;
  readonly format: (value: bigint) => string;
  /** How a range's ends are written when names would not parse back (`tcp-udp` does not; `6-17` does). */
  readonly formatRangeEnd?: (value: bigint) => string;
}

/** nft's protocol names for the protocols netguard writes (`ipv6-icmp` is how nft prints 58). */
const PROTOCOLS: ReadonlyMap<string, number> = new Map([
  ["icmp", 1],
  ["tcp", 6],
  ["udp", 17],
  ["icmpv6", 58],
  ["ipv6-icmp", 58],
  ["sctp", 132],
]);
const PROTOCOL_NAMES: ReadonlyMap<number, string> = new Map([
  [1, "icmp"],
  [6, "tcp"],
  [17, "udp"],
  [58, "icmpv6"],
  [132, "sctp"],
]);

/** nft's ICMPv6 type names (RFC 4443, RFC 4861, RFC 3810), as `nft describe icmpv6_type` lists them. */
const ICMPV6_TYPES: ReadonlyMap<string, number> = new Map([
  ["destination-unreachable", 1],
  ["packet-too-big", 2],
  ["time-exceeded", 3],
  ["parameter-problem", 4],
  ["echo-request", 128],
  ["echo-reply", 129],
  ["mld-listener-query", 130],
  ["mld-listener-report", 131],
  ["mld-listener-done", 132],
  ["mld-listener-reduction", 132],
  ["nd-router-solicit", 133],
  ["nd-router-advert", 134],
  ["nd-neighbor-solicit", 135],
  ["nd-neighbor-advert", 136],
  ["nd-redirect", 137],
  ["router-renumbering", 138],
  ["ind-neighbor-solicit", 141],
  ["ind-neighbor-advert", 142],
  ["mld2-listener-report", 143],
]);
const ICMPV6_NAMES: ReadonlyMap<number, string> = new Map(
  [...ICMPV6_TYPES].filter(([name]) => name !== "mld-listener-reduction").map(([n, v]) => [v, n]),
);

const IFNAME_MAX = 15;

function decimal(text: string, max: number): bigint | undefined {
  if (!/^(0|[1-9]\d{0,9})$/.test(text)) return undefined;
  const v = Number(text);
  return v <= max ? BigInt(v) : undefined;
}

function named(names: ReadonlyMap<string, number>, text: string, max: number): bigint | undefined {
  const v = names.get(text);
  return v === undefined ? decimal(text, max) : BigInt(v);
}

const DOTTED_QUAD = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

/** A dotted quad (no leading zeros), parsed by hand: the model parses every element of every set. */
function ipv4(text: string): bigint | undefined {
  const m = DOTTED_QUAD.exec(text);
  if (!m) return undefined;
  let v = 0;
  for (const part of m.slice(1)) {
    const n = Number(part);
    if (n > 255) return undefined;
    v = v * 256 + n;
  }
  return BigInt(v);
}

function ipv4Text(value: bigint): string {
  const v = Number(value);
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}

function ipv6(text: string): bigint | undefined {
  const a = parseAddr(text);
  return a?.family === "IPv6" ? a.value : undefined;
}

function ifname(text: string): bigint | undefined {
  const name = /^"(.*)"$/.exec(text)?.[1] ?? text;
  if (name.length === 0 || name.length > IFNAME_MAX || !/^[A-Za-z0-9_.@:-]+$/.test(name)) return undefined;
  let v = 0n;
  for (let i = 0; i < IFNAME_MAX + 1; i++) v = (v << 8n) | BigInt(i < name.length ? name.charCodeAt(i) : 0);
  return v;
}

function ifnameText(value: bigint): string {
  const codes: number[] = [];
  for (let i = IFNAME_MAX; i >= 0; i--) codes.push(Number((value >> BigInt(8 * i)) & 0xffn));
  return `"${String.fromCharCode(...codes.filter((c) => c !== 0))}"`;
}

const DATATYPES: readonly Datatype[] = [
  {
    name: "ipv4_addr",
    bits: 32,
    prefixes: true,
    ranges: true,
    parse: ipv4,
    format: ipv4Text,
  },
  {
    name: "ipv6_addr",
    bits: 128,
    prefixes: true,
    ranges: true,
    parse: ipv6,
    format: (v) => formatAddr({ family: "IPv6", value: v }),
  },
  {
    name: "inet_proto",
    bits: 8,
    prefixes: false,
    ranges: true,
    parse: (t) => named(PROTOCOLS, t, 255),
    format: (v) => PROTOCOL_NAMES.get(Number(v)) ?? String(v),
    formatRangeEnd: String,
  },
  {
    name: "inet_service",
    bits: 16,
    prefixes: false,
    ranges: true,
    parse: (t) => decimal(t, 65535),
    format: (v) => String(v),
  },
  {
    name: "icmpv6_type",
    bits: 8,
    prefixes: false,
    ranges: true,
    parse: (t) => named(ICMPV6_TYPES, t, 255),
    format: (v) => ICMPV6_NAMES.get(Number(v)) ?? String(v),
    formatRangeEnd: String,
  },
  { name: "ifname", bits: 128, prefixes: false, ranges: false, parse: ifname, format: ifnameText },
];

const BY_NAME: ReadonlyMap<string, Datatype> = new Map(DATATYPES.map((d) => [d.name, d]));

/** The datatype called `name`, or undefined when netguard does not model it. */
export function datatypeOf(name: string): Datatype | undefined {
  return BY_NAME.get(name);
}
