import { describe, expect, it } from "vitest";
import { goContains, goNetString, parseCidrSloppy } from "./go-cidr.js";

describe("parseCidrSloppy mirrors Go 1.16 net.ParseCIDR", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.0.0.1/8", "10.0.0.0/8"],
    ["010.000.1.2/16", "10.0.0.0/16"],
    ["10.0.0.0/008", "10.0.0.0/8"],
    ["::/0", "::/0"],
    ["2001:DB8::1/32", "2001:db8::/32"],
    ["::ffff:10.1.2.3/104", "10.0.0.0/104"],
    ["0:0:0:0:0:0:0:1/128", "::1/128"],
  ])("accepts %s as %s", (text, net) => {
    const c = parseCidrSloppy(text);
    expect(c && goNetString(c)).toBe(net);
  });
  it.each([
    "10.0.0.0",
    "10.0.0.0/",
    "10.0.0.0/33",
    "10.0.0/8",
    "256.0.0.0/8",
    "1::2::3/64",
    "fe80::1%eth0/64",
    "10.0.0.0/8/9",
    " 10.0.0.0/8",
    "::/129",
    "10.0.0.0/+8",
  ])("rejects %j", (text) => expect(parseCidrSloppy(text)).toBeUndefined());
  it("flags leading zeros", () => {
    expect(parseCidrSloppy("010.0.0.0/8")?.sloppyDigits).toBe(true);
    expect(parseCidrSloppy("10.0.0.0/08")?.sloppyDigits).toBe(true);
    expect(parseCidrSloppy("10.0.0.0/0")?.sloppyDigits).toBe(false);
    expect(parseCidrSloppy("2001:00db8::/32")?.sloppyDigits).toBe(true);
  });
  it("Contains converts IPv4-mapped IPv6 like Go", () => {
    const v4 = parseCidrSloppy("10.0.0.0/8")!;
    const mapped = parseCidrSloppy("::ffff:10.1.0.0/112")!;
    const v6 = parseCidrSloppy("fd00::/8")!;
    expect(goContains(v4, mapped.network)).toBe(true);
    expect(goContains(v4, v6.network)).toBe(false);
    expect(goContains(mapped, parseCidrSloppy("10.1.2.0/24")!.network)).toBe(true);
  });
});
