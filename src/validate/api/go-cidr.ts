/**
 * CIDR parsing with the exact semantics the API server uses for `ipBlock.cidr`/`except`:
 * `netutils.ParseCIDRSloppy` (Go 1.16 net.ParseCIDR: leading 0s allowed, IPv4-mapped IPv6 allowed,
 * host bits allowed) and the stricter `netip.ParsePrefix` checks of KEP-4858. src/net/cidr.ts is
 * deliberately stricter (it rejects leading 0s), so it cannot say what the API server accepts.
 */
import { formatAddr } from "../../net/address.js";

/** An address as Go's net.IP holds it after ParseCIDR: 4 bytes for IPv4 text, 16 for IPv6 text. */
export interface GoIp {
  readonly len: 4 | 16;
  readonly value: bigint;
}

/** The result of ParseCIDRSloppy: the address as written and the masked network. */
export interface GoCidr {
  readonly ip: GoIp;
  readonly network: GoIp;
  readonly prefix: number;
  /** Any IPv4 octet, IPv6 group or prefix length written in a form netip.ParsePrefix rejects. */
  readonly sloppyDigits: boolean;
}

const BIG = 0xffffff;

/** Go's dtoi: decimal digits at the start of s. */
function dtoi(s: string): { n: number; i: number; ok: boolean } {
  let n = 0;
  let i = 0;
  for (; i < s.length && s[i]! >= "0" && s[i]! <= "9"; i++) {
    n = n * 10 + (s.charCodeAt(i) - 48);
    if (n >= BIG) return { n: BIG, i, ok: false };
  }
  return { n, i, ok: i > 0 };
}

/** Go's xtoi: hexadecimal digits at the start of s. */
function xtoi(s: string): { n: number; i: number; ok: boolean } {
  let n = 0;
  let i = 0;
  for (; i < s.length; i++) {
    const d = parseInt(s[i]!, 16);
    if (Number.isNaN(d)) break;
    n = n * 16 + d;
    if (n >= BIG) return { n: 0, i, ok: false };
  }
  return { n, i, ok: i > 0 };
}

interface Parsed {
  readonly bytes: number[];
  readonly sloppy: boolean;
}

/** Go 1.16 parseIPv4 (leading zeros allowed). */
function parseIPv4(text: string): Parsed | undefined {
  let s = text;
  const bytes: number[] = [];
  let sloppy = false;
  for (let i = 0; i < 4; i++) {
    if (s.length === 0) return undefined;
    if (i > 0) {
      if (s[0] !== ".") return undefined;
      s = s.slice(1);
    }
    const { n, i: c, ok } = dtoi(s);
    if (!ok || n > 0xff) return undefined;
    if (c > 1 && s[0] === "0") sloppy = true;
    bytes.push(n);
    s = s.slice(c);
  }
  return s.length === 0 ? { bytes, sloppy } : undefined;
}

/** Go 1.16 parseIPv6 (no zone); `sloppy` when a group has more than 4 hex digits. */
function parseIPv6(text: string): Parsed | undefined {
  const ip = new Array<number>(16).fill(0);
  let s = text;
  let ellipsis = -1;
  let sloppy = false;
  if (s.length >= 2 && s[0] === ":" && s[1] === ":") {
    ellipsis = 0;
    s = s.slice(2);
    if (s.length === 0) return { bytes: ip, sloppy };
  }
  let i = 0;
  while (i < 16) {
    const { n, i: c, ok } = xtoi(s);
    if (!ok || n > 0xffff) return undefined;
    if (c < s.length && s[c] === ".") {
      if (ellipsis < 0 && i !== 12) return undefined;
      if (i + 4 > 16) return undefined;
      const v4 = parseIPv4(s);
      if (!v4) return undefined;
      v4.bytes.forEach((b, k) => (ip[i + k] = b));
      sloppy ||= v4.sloppy;
      s = "";
      i += 4;
      break;
    }
    if (c > 4) sloppy = true;
    ip[i] = n >> 8;
    ip[i + 1] = n & 0xff;
    i += 2;
    s = s.slice(c);
    if (s.length === 0) break;
    if (s[0] !== ":" || s.length === 1) return undefined;
    s = s.slice(1);
    if (s[0] === ":") {
      if (ellipsis >= 0) return undefined;
      ellipsis = i;
      s = s.slice(1);
      if (s.length === 0) break;
    }
  }
  if (s.length !== 0) return undefined;
  return expandEllipsis(ip, i, ellipsis) ? { bytes: ip, sloppy } : undefined;
}

/**
 * Go's parseIPv6 tail: with `filled` of 16 bytes read, the `::` at byte `ellipsis` (-1: none) stands
 * for the missing zero bytes; moves the bytes after it to the end. False when the groups do not add
 * up (too few without `::`, or a `::` with nothing left to stand for).
 */
function expandEllipsis(ip: number[], filled: number, ellipsis: number): boolean {
  if (filled < 16) {
    if (ellipsis < 0) return false;
    const n = 16 - filled;
    for (let j = filled - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
    return true;
  }
  return ellipsis < 0;
}

function toBig(bytes: readonly number[]): bigint {
  return bytes.reduce((v, b) => (v << 8n) | BigInt(b), 0n);
}

function maskOf(prefix: number, bits: number): bigint {
  return ((1n << BigInt(prefix)) - 1n) << BigInt(bits - prefix);
}

/** `netutils.ParseCIDRSloppy`; undefined when the API server reports "must be a valid CIDR value". */
export function parseCidrSloppy(text: string): GoCidr | undefined {
  const slash = text.indexOf("/");
  if (slash < 0) return undefined;
  const addr = text.slice(0, slash);
  const maskText = text.slice(slash + 1);
  let len: 4 | 16 = 4;
  let parsed = parseIPv4(addr);
  if (!parsed) {
    len = 16;
    parsed = parseIPv6(addr);
  }
  const { n, i, ok } = dtoi(maskText);
  if (!parsed || !ok || i !== maskText.length || n > len * 8) return undefined;
  const value = toBig(parsed.bytes);
  const bits = len * 8;
  return {
    ip: { len, value },
    network: { len, value: value & maskOf(n, bits) },
    prefix: n,
    sloppyDigits: parsed.sloppy || (maskText.length > 1 && maskText[0] === "0"),
  };
}

/** True for an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`), Go's `Is4In6`/`To4() != nil` on 16 bytes. */
export function is4In6(ip: GoIp): boolean {
  return ip.len === 16 && ip.value >> 32n === 0xffffn;
}

/** Go's `net.IP.String()`: dotted quad for IPv4 and IPv4-mapped IPv6, RFC 5952 otherwise. */
export function goIpString(ip: GoIp): string {
  if (ip.len === 4 || is4In6(ip)) return formatAddr({ family: "IPv4", value: ip.value & 0xffffffffn });
  return formatAddr({ family: "IPv6", value: ip.value });
}

/** Go's `IPNet.String()` for the parsed network. */
export function goNetString(c: GoCidr): string {
  return `${goIpString(c.network)}/${c.prefix}`;
}

/** Go's `IPNet.Contains(other.network)`, including its IPv4-mapped IPv6 conversions. */
export function goContains(net: GoCidr, ip: GoIp): boolean {
  let nn: GoIp = net.network;
  let prefix = net.prefix;
  if (is4In6(nn)) {
    nn = { len: 4, value: nn.value & 0xffffffffn };
    prefix = Math.max(0, prefix - 96);
  }
  const x: GoIp = is4In6(ip) ? { len: 4, value: ip.value & 0xffffffffn } : ip;
  if (x.len !== nn.len) return false;
  const m = maskOf(prefix, nn.len * 8);
  return (x.value & m) === (nn.value & m);
}
