import { describe, expect, it } from "vitest";
import { canonicalElement, canonicalVerdict, overlaps, parseElement, verdictChain } from "./elements.js";

// Kernel behaviour cited below was measured with nft 1.0.6 in a throwaway network namespace.

describe("canonicalElement: one text per element", () => {
  it.each([
    ["ipv4_addr", false, "10.0.0.1", "10.0.0.1"],
    ["ipv4_addr", true, "10.0.0.0/24", "10.0.0.0-10.0.0.255"],
    // nft accepts host bits in a prefix and masks them.
    ["ipv4_addr", true, "10.0.0.1/24", "10.0.0.0-10.0.0.255"],
    ["ipv4_addr", true, "10.0.0.0-10.0.0.255", "10.0.0.0-10.0.0.255"],
    ["ipv4_addr", true, "10.0.0.5/32", "10.0.0.5"],
    ["ipv4_addr", true, "10.0.0.5-10.0.0.5", "10.0.0.5"],
    ["ipv4_addr", true, "255.255.255.255", "255.255.255.255"],
    ["ipv6_addr", false, "FE80:0:0::1", "fe80::1"],
    ["ipv6_addr", true, "fe80::/10", "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
    ["ipv6_addr", true, "::", "::"],
    ["inet_proto", false, "6", "tcp"],
    ["inet_proto", false, "ipv6-icmp", "icmpv6"],
    ["inet_proto", false, "47", "47"],
    // nft cannot read a range of names back (`tcp-udp`: "Could not resolve protocol name").
    ["inet_proto", true, "6-17", "6-17"],
    ["inet_proto", true, "tcp-udp", "6-17"],
    ["icmpv6_type", true, "133-136", "133-136"],
    ["inet_service", false, "0443", undefined],
    ["inet_proto . inet_service", true, "tcp . 80-81", "tcp . 80-81"],
    ["inet_proto . inet_service", true, "udp . 53", "udp . 53"],
    ["inet_proto . inet_service", true, "ipv6-icmp . 0", "icmpv6 . 0"],
    ["ipv4_addr . inet_proto . inet_service", false, "10.0.0.1 . tcp . 8080", "10.0.0.1 . tcp . 8080"],
    ["ifname", false, "veth1", '"veth1"'],
    ["ifname", false, '"veth1"', '"veth1"'],
    ["ifname . ipv4_addr", false, '"veth-a" . 10.0.0.1', '"veth-a" . 10.0.0.1'],
    ["icmpv6_type", false, "136", "nd-neighbor-advert"],
    ["icmpv6_type", false, "mld-listener-reduction", "mld-listener-done"],
    ["icmpv6_type", false, "nd-neighbor-solicit", "nd-neighbor-solicit"],
  ] as const)("%s (interval %s): %s → %s", (type, interval, text, want) => {
    const r = canonicalElement(type, interval, text);
    expect(r.ok ? r.value : undefined).toBe(want);
  });
});

describe("canonicalElement: what nft refuses", () => {
  it.each([
    // "Could not resolve hostname: Address family for hostname not supported"
    ["ipv4_addr", false, "fe80::1", "type"],
    ["ipv6_addr", false, "10.0.0.1", "type"],
    // nft resolves names as hostnames (`tcp` became 0.0.0.6!); netguard never writes one: refused.
    ["ipv4_addr", false, "tcp", "type"],
    ["ipv4_addr", false, "10.0.0.256", "type"],
    // "Service out of range"
    ["inet_proto . inet_service", true, "tcp . 70000", "type"],
    // "String exceeds maximum length of 16" (16 characters and the NUL)
    ["ifname", false, "abcdefghijklmnop", "type"],
    // "You must add 'flags interval' to your set declaration if you want to add prefix elements"
    ["ipv4_addr", false, "10.0.0.0/24", "invalid"],
    ["ipv4_addr", false, "10.0.0.5/32", "invalid"],
    // "... if you want to add range elements"
    ["ipv4_addr", false, "10.0.0.1-10.0.0.5", "invalid"],
    ["ipv4_addr . inet_proto . inet_service", false, "10.0.0.1 . tcp . 80-90", "invalid"],
    // "Range has zero or negative size"
    ["inet_proto . inet_service", true, "tcp . 90-80", "invalid"],
    ["ipv4_addr", true, "10.0.0.0/33", "type"],
    ["inet_proto . inet_service", true, "tcp", "type"],
    ["no_such_type", false, "1", "invalid"],
  ] as const)("%s (interval %s): %s is %s", (type, interval, text, kind) => {
    const r = canonicalElement(type, interval, text);
    expect(r.ok ? "accepted" : r.kind).toBe(kind);
  });
});

describe("overlaps", () => {
  function spans(type: string, text: string) {
    const p = parseElement(type, true, text);
    if (!p.ok) throw new Error(p.error);
    return p.spans;
  }
  it("finds an address inside a prefix, and not adjacent prefixes", () => {
    expect(overlaps(spans("ipv4_addr", "10.0.0.0/24"), spans("ipv4_addr", "10.0.0.5"))).toBe(true);
    expect(overlaps(spans("ipv4_addr", "10.0.0.0/25"), spans("ipv4_addr", "10.0.0.128/25"))).toBe(false);
  });
  it("needs every component of a concatenation to meet", () => {
    const a = spans("inet_proto . inet_service", "tcp . 80-90");
    expect(overlaps(a, spans("inet_proto . inet_service", "tcp . 85"))).toBe(true);
    expect(overlaps(a, spans("inet_proto . inet_service", "udp . 85"))).toBe(false);
  });
});

describe("canonicalVerdict", () => {
  it.each([
    ["accept", "accept"],
    [" drop ", "drop"],
    ["continue", "continue"],
    ["return", "return"],
    ["jump  in/a/b", "jump in/a/b"],
    ['goto "x"', "goto x"],
    ["jump", undefined],
    ["queue", undefined],
  ])("%s → %s", (text, want) => {
    const r = canonicalVerdict(text);
    expect(r.ok ? r.value : undefined).toBe(want);
  });
  it("names the chain of a jump or goto", () => {
    expect(verdictChain("jump in/a/b")).toBe("in/a/b");
    expect(verdictChain("goto x")).toBe("x");
    expect(verdictChain("accept")).toBeUndefined();
  });
});
