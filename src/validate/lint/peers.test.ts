import { describe, expect, it } from "vitest";
import { clusterOf, found, lintFirst, manifest, pod } from "../../../test/support/lint-testing.js";

type Json = Record<string, unknown>;
const lintsOf = (codes: string[], spec: Json, cluster?: Parameters<typeof lintFirst>[1]) =>
  found(lintFirst([manifest(spec)], cluster).filter((i) => codes.includes(i.code)));

const block = (cidr: string, except?: string[]) => ({ ipBlock: { cidr, ...(except ? { except } : {}) } });
const from = (...peers: Json[]) => ({ podSelector: {}, ingress: [{ from: peers, ports: [{ port: 80 }] }] });

describe("allow-all", () => {
  it.each<[string, Json, string[]]>([
    ["0.0.0.0/0 without except", from(block("0.0.0.0/0")), ["allow-all spec.ingress[0].from[0].ipBlock"]],
    [
      "::/0 without except",
      from(block("10.0.0.0/8"), block("::/0")),
      ["allow-all spec.ingress[0].from[1].ipBlock"],
    ],
    ["0.0.0.0/0 with an except is narrower", from(block("0.0.0.0/0", ["10.0.0.0/8"])), []],
    [
      "empty namespaceSelector and podSelector",
      from({ namespaceSelector: {}, podSelector: {} }),
      ["allow-all spec.ingress[0].from[0]"],
    ],
    ["empty namespaceSelector alone", from({ namespaceSelector: {} }), ["allow-all spec.ingress[0].from[0]"]],
    [
      "empty namespaceSelector with a podSelector",
      from({ namespaceSelector: {}, podSelector: { matchLabels: { a: "b" } } }),
      [],
    ],
    ["an empty podSelector alone is the own namespace", from({ podSelector: {} }), []],
    [
      "ports without peers",
      { podSelector: {}, egress: [{ ports: [{ port: 443 }] }] },
      ["allow-all spec.egress[0]"],
    ],
    ["an empty rule is left to empty-rule", { podSelector: {}, egress: [{}] }, []],
  ])("%s", (_name, spec, expected) => {
    expect(lintsOf(["allow-all"], spec)).toEqual(expected);
  });
});

describe("named-port-ipblock-only", () => {
  const CODES = ["named-port-ipblock-only"];
  it.each<[string, Json, string[]]>([
    [
      "a named port to ipBlocks only",
      {
        podSelector: {},
        egress: [{ to: [block("203.0.113.0/24")], ports: [{ port: 443 }, { port: "https" }] }],
      },
      ["named-port-ipblock-only spec.egress[0].ports[1]"],
    ],
    [
      "ingress named ports resolve against the selected pod: fine",
      { podSelector: {}, ingress: [{ from: [block("203.0.113.0/24")], ports: [{ port: "https" }] }] },
      [],
    ],
    [
      "a pod peer next to the block can use the name",
      {
        podSelector: {},
        egress: [{ to: [block("203.0.113.0/24"), { podSelector: {} }], ports: [{ port: "https" }] }],
      },
      [],
    ],
  ])("%s", (_name, spec, expected) => {
    expect(lintsOf(CODES, spec)).toEqual(expected);
  });
});

describe("ipblock-covers-pods", () => {
  const CODES = ["ipblock-covers-pods"];
  const PATH = "ipblock-covers-pods spec.ingress[0].from[0].ipBlock";
  it.each<[string, string, string[] | undefined, string[]]>([
    ["10/8 space", "10.0.0.0/16", undefined, [PATH]],
    ["172.16/12 space", "172.20.0.0/16", undefined, [PATH]],
    ["192.168/16 space", "192.168.1.0/24", undefined, [PATH]],
    ["IPv6 unique-local space", "fd00::/8", undefined, [PATH]],
    ["a /1 reaching into 10/8", "0.0.0.0/1", undefined, [PATH]],
    ["a public address", "8.8.8.8/32", undefined, []],
    ["a public IPv6 range", "2001:db8::/32", undefined, []],
    ["/0 minus every private range", "0.0.0.0/0", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"], []],
    ["/0 without except is reported as allow-all instead", "0.0.0.0/0", undefined, []],
  ])("without a cluster: %s", (_name, cidr, except, expected) => {
    expect(lintsOf(CODES, from(block(cidr, except)))).toEqual(expected);
  });

  const cluster = clusterOf([pod("ns", "a", "10.244.0.5"), pod("ns", "b", "10.244.1.7")]);
  it.each<[string, string, string[] | undefined, string[]]>([
    ["a block holding a pod IP", "10.244.0.0/24", undefined, [PATH]],
    ["a private block holding no pod", "10.0.0.0/16", undefined, []],
    ["pods cut out by except", "10.244.0.0/16", ["10.244.0.0/23"], []],
  ])("with a cluster: %s", (_name, cidr, except, expected) => {
    expect(lintsOf(CODES, from(block(cidr, except)), cluster)).toEqual(expected);
  });

  it("names the pods inside the block", () => {
    const [issue] = lintFirst([manifest(from(block("10.244.0.0/16")))], cluster).filter(
      (i) => i.code === "ipblock-covers-pods",
    );
    expect(issue?.message).toContain("ns/a, ns/b");
  });
});

describe("duplicate-except / overlapping-except", () => {
  const CODES = ["duplicate-except", "overlapping-except"];
  const base = "spec.ingress[0].from[0].ipBlock.except";
  it.each<[string, string[], string[]]>([
    ["a repeated entry", ["10.1.0.0/16", "10.2.0.0/16", "10.1.0.0/16"], [`duplicate-except ${base}[2]`]],
    ["a nested entry", ["10.1.0.0/16", "10.1.2.0/24"], [`overlapping-except ${base}[1]`]],
    ["a wider entry after a narrower one", ["10.1.2.0/24", "10.1.0.0/16"], [`overlapping-except ${base}[1]`]],
    ["disjoint entries", ["10.1.0.0/16", "10.2.0.0/16"], []],
  ])("%s", (_name, except, expected) => {
    expect(lintsOf(CODES, from(block("10.0.0.0/8", except)))).toEqual(expected);
  });
});
