/**
 * CIDR parsing for `ipBlock.cidr` / `ipBlock.except` (networking.k8s.io/v1 IPBlock).
 */
import { type Addr, type Family, familyBits, formatAddr, parseAddr } from "./address.js";
import type { Interval } from "./interval.js";
import { quoteValue } from "../issue/quote.js";

/** A parsed CIDR: the range it covers and whether the text had host bits set (`10.0.0.1/8`). */
export interface Cidr {
  readonly family: Family;
  readonly prefix: number;
  readonly range: Interval;
  readonly hostBitsSet: boolean;
}

/** Parses `addr/prefix`; returns a message on failure. Host bits are masked off, as the kernel would. */
export function parseCidr(text: string): Cidr | string {
  const slash = text.indexOf("/");
  if (slash < 0) return "must be a CIDR in the form address/prefix-length";
  const addr = parseAddr(text.slice(0, slash));
  if (!addr) return `${quoteValue(text.slice(0, slash))} is not a valid IP address`;
  const prefixText = text.slice(slash + 1);
  const bits = familyBits(addr.family);
  if (!/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    return `prefix length must be a number from 0 to ${bits}`;
  }
  const prefix = Number(prefixText);
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  const lo = addr.value & ~hostMask;
  return {
    family: addr.family,
    prefix,
    range: { lo, hi: lo | hostMask },
    hostBitsSet: (addr.value & hostMask) !== 0n,
  };
}

/** The single-address interval of an address. */
export function addrInterval(addr: Addr): Interval {
  return { lo: addr.value, hi: addr.value };
}

/**
 * Text of an interval for nftables interval sets and humans: a bare address, a CIDR when the range is
 * prefix-aligned, otherwise `first-last`.
 */
export function formatInterval(family: Family, iv: Interval): string {
  const first = formatAddr({ family, value: iv.lo });
  if (iv.lo === iv.hi) return first;
  const size = iv.hi - iv.lo + 1n;
  const isPow2 = (size & (size - 1n)) === 0n;
  if (isPow2 && (iv.lo & (size - 1n)) === 0n) {
    const hostBits = size.toString(2).length - 1;
    return `${first}/${familyBits(family) - hostBits}`;
  }
  return `${first}-${formatAddr({ family, value: iv.hi })}`;
}
