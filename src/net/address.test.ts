import { describe, expect, it } from "vitest";
import { type Addr, addrKey, familyBits, formatAddr, parseAddr } from "./address.js";

const v4 = (value: bigint): Addr => ({ family: "IPv4", value });
const v6 = (value: bigint): Addr => ({ family: "IPv6", value });

describe("parseAddr", () => {
  it.each<[string, string, Addr]>([
    ["zero address", "0.0.0.0", v4(0n)],
    ["broadcast address", "255.255.255.255", v4(0xffffffffn)],
    ["ordinary dotted quad", "10.0.0.1", v4(0x0a000001n)],
    ["byte order is network order", "1.2.3.4", v4(0x01020304n)],
  ])("accepts IPv4 %s (%s)", (_name, text, expected) => {
    expect(parseAddr(text)).toEqual(expected);
  });

  it.each<[string, string, Addr]>([
    ["unspecified ::", "::", v6(0n)],
    ["loopback ::1", "::1", v6(1n)],
    ["full eight groups", "1:2:3:4:5:6:7:8", v6(0x0001_0002_0003_0004_0005_0006_0007_0008n)],
    ["compressed middle", "2001:db8::1", v6(0x2001_0db8_0000_0000_0000_0000_0000_0001n)],
    ["upper-case hex", "2001:DB8::A", v6(0x2001_0db8_0000_0000_0000_0000_0000_000an)],
    ["leading zeros in groups", "2001:0db8:0000::0001", v6(0x2001_0db8_0000_0000_0000_0000_0000_0001n)],
    ["trailing ::", "fe80::", v6(0xfe80n << 112n)],
    ["embedded IPv4 (IPv4-mapped stays IPv6)", "::ffff:1.2.3.4", v6(0xffff_0102_0304n)],
    ["all ones", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", v6((1n << 128n) - 1n)],
  ])("accepts IPv6 %s (%s)", (_name, text, expected) => {
    expect(parseAddr(text)).toEqual(expected);
  });

  it.each<[string, string]>([
    ["empty string", ""],
    ["three-part IPv4", "1.2.3"],
    ["two-part IPv4", "10.1"],
    ["single number", "167772161"],
    ["five-part IPv4", "1.2.3.4.5"],
    ["octet above 255", "256.1.1.1"],
    ["leading zero octet (ambiguous octal)", "010.0.0.1"],
    ["hex octet", "0x0a.0.0.1"],
    ["negative octet", "1.2.3.-4"],
    ["surrounding whitespace", " 1.2.3.4"],
    ["trailing dot", "1.2.3.4."],
    ["CIDR is not an address", "10.0.0.0/8"],
    ["IPv6 zone id", "fe80::1%eth0"],
    ["IPv6 numeric zone id", "fe80::1%1"],
    ["two :: in IPv6", "1::2::3"],
    ["nine IPv6 groups", "1:2:3:4:5:6:7:8:9"],
    ["IPv6 group too long", "12345::1"],
    ["non-hex IPv6 group", "2001:db8::g"],
    ["truncated embedded IPv4", "::1.2.3"],
    ["bracketed IPv6", "[::1]"],
    ["garbage", "not-an-ip"],
    ["host name", "localhost"],
  ])("rejects %s (%j)", (_name, text) => {
    expect(parseAddr(text)).toBeUndefined();
  });
});

describe("formatAddr", () => {
  it.each<[string, string]>([
    ["0.0.0.0", "0.0.0.0"],
    ["10.0.0.1", "10.0.0.1"],
    ["255.255.255.255", "255.255.255.255"],
  ])("formats IPv4 %s as dotted quad", (text, expected) => {
    expect(formatAddr(parseAddr(text) as Addr)).toBe(expected);
  });

  it.each<[string, string, string]>([
    ["lower-cases hex digits", "2001:DB8::ABCD", "2001:db8::abcd"],
    ["drops leading zeros in groups", "2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["compresses the longest zero run", "1:0:0:2:0:0:0:3", "1:0:0:2::3"],
    ["compresses the first of equal zero runs", "1:0:0:2:3:0:0:4", "1::2:3:0:0:4"],
    ["does not compress a single zero group", "1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"],
    ["compresses a leading zero run", "0:0:0:0:0:0:0:1", "::1"],
    ["compresses a trailing zero run", "fe80:0:0:0:0:0:0:0", "fe80::"],
    ["all zeros is ::", "0:0:0:0:0:0:0:0", "::"],
    ["no zeros, no compression", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"],
  ])("RFC 5952: %s (%s → %s)", (_name, text, expected) => {
    expect(formatAddr(parseAddr(text) as Addr)).toBe(expected);
  });

  it.each<[string]>([
    ["0.0.0.0"],
    ["192.168.1.254"],
    ["::"],
    ["::1"],
    ["2001:db8::1"],
    ["fe80::"],
    ["1:0:0:2::3"],
    ["1:2:3:4:5:6:7:8"],
  ])("round-trips canonical text %s", (text) => {
    const addr = parseAddr(text) as Addr;
    expect(formatAddr(addr)).toBe(text);
    expect(parseAddr(formatAddr(addr))).toEqual(addr);
  });

  it("round-trips an IPv4-mapped IPv6 address as an IPv6 value", () => {
    const addr = parseAddr("::ffff:10.0.0.1") as Addr;
    const again = parseAddr(formatAddr(addr));
    expect(again).toEqual(addr);
    expect(again?.family).toBe("IPv6");
  });

  it("formats the numeric value, not a remembered text (value 1 in each family)", () => {
    expect(formatAddr(v4(1n))).toBe("0.0.0.1");
    expect(formatAddr(v6(1n))).toBe("::1");
  });
});

describe("familyBits and addrKey", () => {
  it.each<[Addr["family"], number]>([
    ["IPv4", 32],
    ["IPv6", 128],
  ])("%s has %i bits", (family, bits) => {
    expect(familyBits(family)).toBe(bits);
  });

  it("keys distinguish families with the same numeric value", () => {
    expect(addrKey(v4(1n))).toBe("IPv4:1");
    expect(addrKey(v6(1n))).toBe("IPv6:1");
    expect(addrKey(parseAddr("10.0.0.1") as Addr)).toBe("IPv4:167772161");
  });
});
