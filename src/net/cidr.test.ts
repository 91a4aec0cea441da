import { describe, expect, it } from "vitest";
import { type Addr, type Family, parseAddr } from "./address.js";
import { addrInterval, type Cidr, formatInterval, parseCidr } from "./cidr.js";
import type { Interval } from "./interval.js";

const num = (text: string): bigint => (parseAddr(text) as Addr).value;
const MAX4 = (1n << 32n) - 1n;
const MAX6 = (1n << 128n) - 1n;

describe("parseCidr", () => {
  it.each<[string, string, Family, number, bigint, bigint]>([
    ["an IPv4 /8", "10.0.0.0/8", "IPv4", 8, num("10.0.0.0"), num("10.255.255.255")],
    ["an IPv4 /24", "192.168.1.0/24", "IPv4", 24, num("192.168.1.0"), num("192.168.1.255")],
    ["an IPv4 /31", "10.0.0.2/31", "IPv4", 31, num("10.0.0.2"), num("10.0.0.3")],
    ["IPv4 prefix 0 covers everything", "0.0.0.0/0", "IPv4", 0, 0n, MAX4],
    ["IPv4 prefix 32 is one address", "10.1.2.3/32", "IPv4", 32, num("10.1.2.3"), num("10.1.2.3")],
    [
      "an IPv6 /32",
      "2001:db8::/32",
      "IPv6",
      32,
      num("2001:db8::"),
      num("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
    ],
    [
      "an IPv6 /64",
      "fd00:1:2:3::/64",
      "IPv6",
      64,
      num("fd00:1:2:3::"),
      num("fd00:1:2:3:ffff:ffff:ffff:ffff"),
    ],
    ["IPv6 prefix 0 covers everything", "::/0", "IPv6", 0, 0n, MAX6],
    [
      "IPv6 prefix 128 is one address",
      "2001:db8::1/128",
      "IPv6",
      128,
      num("2001:db8::1"),
      num("2001:db8::1"),
    ],
  ])("parses %s (%s)", (_name, text, family, prefix, lo, hi) => {
    expect(parseCidr(text)).toEqual({ family, prefix, range: { lo, hi }, hostBitsSet: false });
  });

  it.each<[string, string, string, bigint, bigint]>([
    ["IPv4 host bits in the last octet", "10.0.0.1/8", "IPv4", num("10.0.0.0"), num("10.255.255.255")],
    ["IPv4 host bits with prefix 0", "1.2.3.4/0", "IPv4", 0n, MAX4],
    ["IPv4 host bit just below the prefix", "10.0.1.0/23", "IPv4", num("10.0.0.0"), num("10.0.1.255")],
    ["IPv6 host bits", "2001:db8::1/64", "IPv6", num("2001:db8::"), num("2001:db8::ffff:ffff:ffff:ffff")],
  ])("masks %s (%s) and reports hostBitsSet", (_name, text, family, lo, hi) => {
    const c = parseCidr(text) as Cidr;
    expect(typeof c).toBe("object");
    expect(c.family).toBe(family);
    expect(c.range).toEqual({ lo, hi });
    expect(c.hostBitsSet).toBe(true);
  });

  it.each<[string, string]>([
    ["/32 never has host bits", "10.0.0.1/32"],
    ["/128 never has host bits", "::1/128"],
    ["aligned network address", "172.16.0.0/12"],
  ])("hostBitsSet is false for %s (%s)", (_name, text) => {
    expect((parseCidr(text) as Cidr).hostBitsSet).toBe(false);
  });

  it.each<[string, string, RegExp]>([
    ["IPv4 prefix above 32", "10.0.0.0/33", /0 to 32/],
    ["IPv6 prefix above 128", "::/129", /0 to 128/],
    ["negative prefix", "10.0.0.0/-1", /prefix length/],
    ["prefix with a leading zero", "10.0.0.0/08", /prefix length/],
    ["prefix 00", "10.0.0.0/00", /prefix length/],
    ["empty prefix", "10.0.0.0/", /prefix length/],
    ["prefix with a sign", "10.0.0.0/+8", /prefix length/],
    ["prefix with whitespace", "10.0.0.0/ 8", /prefix length/],
    ["non-numeric prefix", "10.0.0.0/x", /prefix length/],
    ["huge prefix", "10.0.0.0/1000", /prefix length/],
    ["two slashes", "10.0.0.0/8/9", /prefix length/],
    ["missing slash (bare IPv4)", "10.0.0.0", /address\/prefix-length/],
    ["missing slash (bare IPv6)", "2001:db8::", /address\/prefix-length/],
    ["empty string", "", /address\/prefix-length/],
    ["three-part address", "10.0.0/8", /not a valid IP address/],
    ["garbage address", "foo/8", /not a valid IP address/],
    ["empty address", "/8", /not a valid IP address/],
    ["zone id", "fe80::1%eth0/64", /not a valid IP address/],
  ])("rejects %s (%j)", (_name, text, message) => {
    const result = parseCidr(text);
    expect(typeof result).toBe("string");
    expect(result).toMatch(message);
  });
});

describe("addrInterval", () => {
  it("is the single-address interval", () => {
    expect(addrInterval({ family: "IPv4", value: 7n })).toEqual({ lo: 7n, hi: 7n });
  });
});

describe("formatInterval", () => {
  const iv = (lo: string, hi: string): Interval => ({ lo: num(lo), hi: num(hi) });

  it.each<[string, Family, Interval, string]>([
    ["a single IPv4 address is bare", "IPv4", iv("10.0.0.1", "10.0.0.1"), "10.0.0.1"],
    ["a single IPv6 address is bare", "IPv6", iv("2001:db8::1", "2001:db8::1"), "2001:db8::1"],
    ["an aligned IPv4 /24", "IPv4", iv("10.0.1.0", "10.0.1.255"), "10.0.1.0/24"],
    ["an aligned IPv4 /31", "IPv4", iv("10.0.0.2", "10.0.0.3"), "10.0.0.2/31"],
    ["the whole IPv4 space", "IPv4", { lo: 0n, hi: MAX4 }, "0.0.0.0/0"],
    ["an aligned IPv6 /64", "IPv6", iv("2001:db8::", "2001:db8::ffff:ffff:ffff:ffff"), "2001:db8::/64"],
    ["the whole IPv6 space", "IPv6", { lo: 0n, hi: MAX6 }, "::/0"],
    ["an unaligned IPv4 pair", "IPv4", iv("10.0.0.1", "10.0.0.2"), "10.0.0.1-10.0.0.2"],
    ["a power-of-two size that is not aligned", "IPv4", iv("10.0.0.2", "10.0.0.5"), "10.0.0.2-10.0.0.5"],
    [
      "an aligned start with a non-power-of-two size",
      "IPv4",
      iv("10.0.0.0", "10.0.0.2"),
      "10.0.0.0-10.0.0.2",
    ],
    ["an unaligned IPv6 range", "IPv6", iv("2001:db8::1", "2001:db8::ff"), "2001:db8::1-2001:db8::ff"],
  ])("%s", (_name, family, interval, expected) => {
    expect(formatInterval(family, interval)).toBe(expected);
  });

  it.each<[string]>([["10.0.0.0/8"], ["192.168.4.0/22"], ["2001:db8::/48"], ["::/0"], ["0.0.0.0/0"]])(
    "formats the range of %s back to the same CIDR",
    (text) => {
      const c = parseCidr(text) as Cidr;
      expect(formatInterval(c.family, c.range)).toBe(text);
    },
  );
});
