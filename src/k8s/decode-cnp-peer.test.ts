import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { parseCidr } from "../net/cidr.js";
import type { CnpPeer } from "./cnp-model.js";
import { decodeCnpPeer } from "./decode-cnp-peer.js";
import { EVERYTHING } from "./decode-selector.js";
import { type DecodeOptions, Issues } from "./fields.js";
import type { Direction } from "./model.js";

function peer(dir: Direction, v: unknown, opts: DecodeOptions = {}): { peer?: CnpPeer; issues: Issue[] } {
  const issues = new Issues(opts);
  const p = decodeCnpPeer(v, dir, 3, "spec.x[0].to[3]", issues);
  return { ...(p ? { peer: p } : {}), issues: issues.list };
}

const at = (issues: readonly Issue[], severity: Issue["severity"] = "error") =>
  issues.filter((i) => i.severity === severity).map((i) => `${i.path}: ${i.code}`);
const cidr = (text: string) => parseCidr(text);
const app = { matchLabels: { app: "a" }, matchExpressions: [] };
const many = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i));

describe("decodeCnpPeer: the peer types", () => {
  it.each<[string, Direction, unknown, CnpPeer]>([
    [
      "namespaces (ingress)",
      "ingress",
      { namespaces: { matchLabels: { app: "a" } } },
      { kind: "namespaces", namespaces: app, index: 3 },
    ],
    [
      "pods with both selectors",
      "egress",
      { pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: "a" } } } },
      { kind: "pods", namespaces: EVERYTHING, pods: app, index: 3 },
    ],
    [
      "networks, IPv4 and IPv6",
      "egress",
      { networks: ["10.0.0.0/8", "fd00::/8"] },
      { kind: "networks", cidrs: [cidr("10.0.0.0/8"), cidr("fd00::/8")] as never, index: 3 },
    ],
    [
      "networks, a 43-character IPv6 CIDR",
      "egress",
      { networks: ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128"] },
      { kind: "networks", cidrs: [cidr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")] as never, index: 3 },
    ],
    [
      "networks, 25 CIDRs",
      "egress",
      { networks: many(25, (i) => `10.${i}.0.0/16`) },
      { kind: "networks", cidrs: many(25, (i) => `10.${i}.0.0/16`).map(cidr) as never, index: 3 },
    ],
    ["nodes", "egress", { nodes: { matchLabels: { app: "a" } } }, { kind: "nodes", nodes: app, index: 3 }],
  ])("%s", (_, dir, v, expected) => {
    const { peer: p, issues } = peer(dir, v);
    expect(at(issues)).toEqual([]);
    expect(p).toEqual(expected);
  });

  it("nodes is decoded with a warning that it is experimental", () => {
    expect(at(peer("egress", { nodes: {} }).issues, "warning")).toEqual([
      "spec.x[0].to[3].nodes: experimental-field",
    ]);
  });

  it("a CIDR with host bits set is accepted (isCIDR allows it) with a warning", () => {
    const { peer: p, issues } = peer("egress", { networks: ["10.1.2.3/8"] });
    expect(at(issues, "warning")).toEqual(["spec.x[0].to[3].networks[0]: host-bits-set"]);
    expect(p?.kind).toBe("networks");
  });
});

describe("decodeCnpPeer: domainNames is not supported and fails closed", () => {
  it("is checked, then unsupported, with an error saying how the rule is read", () => {
    const { peer: p, issues } = peer("egress", { domainNames: ["kubernetes.io", "*.example.com"] });
    expect(p).toEqual({ kind: "unsupported", fields: ["domainNames"], index: 3 });
    expect(at(issues)).toEqual(["spec.x[0].to[3].domainNames: unsupported-field"]);
    expect(issues[0]?.message).toContain(
      "an Accept rule with it matches no traffic and a Deny or Pass rule with it denies all traffic",
    );
  });

  it.each<[string, unknown, string]>([
    ["a partial wildcard", ["*kubernetes.io"], "spec.x[0].to[3].domainNames[0]: invalid-value"],
    ["a wildcard not at the start", ["www.*.io"], "spec.x[0].to[3].domainNames[0]: invalid-value"],
    ["a single label", ["localhost"], "spec.x[0].to[3].domainNames[0]: invalid-value"],
    ["a duplicate", ["a.io", "a.io"], "spec.x[0].to[3].domainNames[1]: duplicate-value"],
    ["an empty list", [], "spec.x[0].to[3].domainNames: too-few"],
    ["26 names", many(26, (i) => `n${i}.io`), "spec.x[0].to[3].domainNames: too-many"],
  ])("%s is also an error", (_, names, error) => {
    const { peer: p, issues } = peer("egress", { domainNames: names });
    expect(at(issues)).toEqual([error, "spec.x[0].to[3].domainNames: unsupported-field"]);
    expect(p?.kind).toBe("unsupported");
  });
});

describe("decodeCnpPeer: a peer type netguard does not recognise", () => {
  it.each<[string, Direction, unknown]>([
    ["a newer API's peer type", "egress", { services: {} }],
    ["networks in an ingress peer", "ingress", { networks: ["10.0.0.0/8"] }],
    ["a known type beside an unknown one", "egress", { namespaces: {}, extra: 1 }],
  ])("%s: unsupported, with the unknown-field error and a fail-closed warning", (_, dir, v) => {
    const { peer: p, issues } = peer(dir, v);
    expect(p?.kind).toBe("unsupported");
    expect(at(issues)).toHaveLength(1);
    expect(at(issues)[0]).toMatch(/unknown-field$/);
    expect(at(issues, "warning")).toEqual(["spec.x[0].to[3]: fail-closed"]);
  });

  it("the unsupported peer names the fields it did not recognise", () => {
    expect(peer("egress", { services: {}, zz: 1 }).peer).toEqual({
      kind: "unsupported",
      fields: ["services", "zz"],
      index: 3,
    });
  });

  it("NetworkPolicy's ipBlock gets a did-you-mean `networks`", () => {
    expect(peer("egress", { ipBlock: { cidr: "10.0.0.0/8" } }).issues[0]?.message).toContain(
      "did you mean `networks`",
    );
  });

  it("in drop mode an unknown field beside a known one is dropped", () => {
    const { peer: p, issues } = peer("egress", { namespaces: {}, extra: 1 }, { unknownFields: "drop" });
    expect(p).toEqual({ kind: "namespaces", namespaces: EVERYTHING, index: 3 });
    expect(at(issues)).toEqual(["spec.x[0].to[3].extra: unknown-field"]);
  });

  it("in drop mode a peer left with no field is malformed (the API server would reject it)", () => {
    const { peer: p, issues } = peer("egress", { services: {} }, { unknownFields: "drop" });
    expect(p).toBeUndefined();
    expect(at(issues)).toEqual(["spec.x[0].to[3].services: unknown-field", "spec.x[0].to[3]: required"]);
  });
});

describe("decodeCnpPeer: malformed peers", () => {
  it.each<[string, Direction, unknown, string[]]>([
    ["not an object", "egress", "10.0.0.0/8", ["spec.x[0].to[3]: wrong-type"]],
    ["no field set (minProperties 1)", "egress", {}, ["spec.x[0].to[3]: required"]],
    ["a null field only", "egress", { namespaces: null }, ["spec.x[0].to[3]: required"]],
    [
      "two fields set (maxProperties 1)",
      "egress",
      { namespaces: {}, networks: ["10.0.0.0/8"] },
      ["spec.x[0].to[3]: forbidden"],
    ],
    [
      "pods without podSelector",
      "ingress",
      { pods: { namespaceSelector: {} } },
      ["spec.x[0].to[3].pods.podSelector: required"],
    ],
    [
      "a malformed selector",
      "ingress",
      { namespaces: { matchExpressions: [{ key: "a", operator: "In" }] } },
      ["spec.x[0].to[3].namespaces.matchExpressions[0].values: required"],
    ],
    [
      "an unknown field in pods",
      "egress",
      { pods: { podSelector: {}, selector: {} } },
      ["spec.x[0].to[3].pods.selector: unknown-field"],
    ],
    ["networks empty", "egress", { networks: [] }, ["spec.x[0].to[3].networks: too-few"]],
    [
      "networks with 26 CIDRs",
      "egress",
      { networks: many(26, (i) => `10.${i}.0.0/16`) },
      ["spec.x[0].to[3].networks: too-many"],
    ],
    ["networks not a list", "egress", { networks: "10.0.0.0/8" }, ["spec.x[0].to[3].networks: wrong-type"]],
    [
      "a CIDR that is not a string",
      "egress",
      { networks: [10] },
      ["spec.x[0].to[3].networks[0]: wrong-type"],
    ],
    [
      "a duplicate CIDR (listType set)",
      "egress",
      { networks: ["10.0.0.0/8", "10.0.0.0/8"] },
      ["spec.x[0].to[3].networks[1]: duplicate-value"],
    ],
    [
      "an address without prefix",
      "egress",
      { networks: ["10.0.0.1"] },
      ["spec.x[0].to[3].networks[0]: invalid-value"],
    ],
    [
      "a prefix too long",
      "egress",
      { networks: ["10.0.0.0/33"] },
      ["spec.x[0].to[3].networks[0]: invalid-value"],
    ],
    [
      "an IPv4-mapped IPv6 CIDR",
      "egress",
      { networks: ["::ffff:10.0.0.0/104"] },
      ["spec.x[0].to[3].networks[0]: invalid-value"],
    ],
    [
      "an IPv4-mapped IPv6 CIDR with a short prefix (isCIDR judges the address as written)",
      "egress",
      { networks: ["::ffff:10.0.0.0/64"] },
      ["spec.x[0].to[3].networks[0]: invalid-value"],
    ],
    [
      "a CIDR of 44 characters",
      "egress",
      { networks: ["0000:0000:0000:0000:0000:0000:10.100.1.1/128"] },
      ["spec.x[0].to[3].networks[0]: too-long"],
    ],
  ])("%s", (_, dir, v, errors) => {
    const { peer: p, issues } = peer(dir, v);
    expect(at(issues)).toEqual(errors);
    expect(p).toBeUndefined();
  });
});
