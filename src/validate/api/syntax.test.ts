import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidPortName } from "../../k8s/decode-port.js";
import {
  isDNS1123Label,
  isQualifiedName,
  isValidLabelValue,
  isValidPortNameMessages,
  nameIsDNSSubdomain,
} from "./syntax.js";

describe("syntax", () => {
  it.each([
    ["a", true],
    ["a.b-c", true],
    ["-a", false],
    ["a_b", false],
    ["A", false],
  ])("DNS-1123 subdomain %j", (v, ok) => expect(nameIsDNSSubdomain(v, false).length === 0).toBe(ok));
  it("generateName may end with a dash", () => expect(nameIsDNSSubdomain("web-", true)).toEqual([]));
  it("label: 63 ok, 64 too long", () => {
    expect(isDNS1123Label("a".repeat(63))).toEqual([]);
    expect(isDNS1123Label("a".repeat(64))).toEqual(["must be no more than 63 characters"]);
  });
  it.each([
    ["a", true],
    ["example.com/a", true],
    ["A_b.c", true],
    ["/a", false],
    ["a/", false],
    ["a/b/c", false],
    ["Example.com/a", false],
    ["", false],
  ])("qualified name %j", (v, ok) => expect(isQualifiedName(v).length === 0).toBe(ok));
  it("qualified name message is the API server's", () => {
    expect(isQualifiedName("-a")).toEqual([
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
  });
  it.each([
    ["", true],
    ["a", true],
    ["a-b_c.d", true],
    ["-a", false],
  ])("label value %j", (v, ok) => expect(isValidLabelValue(v).length === 0).toBe(ok));
  it("port name messages agree with src/k8s isValidPortName", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[-a-zA-Z0-9_]{0,18}$/), (s) => {
        expect(isValidPortNameMessages(s).length === 0).toBe(isValidPortName(s));
      }),
    );
  });
});
