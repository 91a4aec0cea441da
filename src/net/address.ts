/**
 * IP addresses as plain numbers, so the evaluator and compiler can do interval arithmetic on them.
 * Parsing uses ipaddr.js; an address is `{family, value}` with `value` a bigint (32 or 128 bits).
 */
import ipaddr from "ipaddr.js";

/** The two IP families of Kubernetes dual-stack (`status.podIPs`, `ipBlock.cidr`). */
export type Family = "IPv4" | "IPv6";

/** An IP address in numeric form. */
export interface Addr {
  readonly family: Family;
  readonly value: bigint;
}

/** Number of bits in an address of the family. */
export function familyBits(family: Family): number {
  return family === "IPv4" ? 32 : 128;
}

/**
 * Parses a textual IP address: dotted-quad IPv4 (four decimal parts) or any RFC 4291 IPv6 form.
 * Returns undefined for anything else. IPv4-mapped IPv6 stays IPv6: the kernel sees it as an IPv6 packet.
 */
export function parseAddr(text: string): Addr | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) {
    const bytes = ipaddr.IPv4.parse(text).toByteArray();
    return { family: "IPv4", value: bytesToBigint(bytes) };
  }
  if (text.includes(":") && !text.includes("%") && ipaddr.IPv6.isValid(text)) {
    const bytes = ipaddr.IPv6.parse(text).toByteArray();
    return { family: "IPv6", value: bytesToBigint(bytes) };
  }
  return undefined;
}

/** Canonical text of an address (RFC 5952 for IPv6). */
export function formatAddr(addr: Addr): string {
  const bytes = bigintToBytes(addr.value, familyBits(addr.family) / 8);
  return ipaddr.fromByteArray(bytes).toString();
}

/** Stable key of an address, for maps and sets: `IPv4:167772161`. */
export function addrKey(addr: Addr): string {
  return `${addr.family}:${addr.value}`;
}

function bytesToBigint(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

function bigintToBytes(value: bigint, length: number): number[] {
  const out = new Array<number>(length);
  let v = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}
