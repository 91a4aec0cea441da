import { describe, expect, it } from "vitest";
import { found, lintFirst, manifest } from "../../../test/support/lint-testing.js";

type Json = Record<string, unknown>;
const CODES = ["empty-rule", "duplicate-rule", "shadowed-rule"];
const lints = (spec: Json) => found(lintFirst([manifest(spec)]).filter((i) => CODES.includes(i.code)));

const app = (name: string, extra: Json = {}) => ({ podSelector: { matchLabels: { app: name, ...extra } } });
const tcp = (port: number, endPort?: number) => ({ port, ...(endPort ? { endPort } : {}) });

describe("rule redundancy lints", () => {
  it.each<[string, Json, string[]]>([
    ["an empty rule allows everything", { podSelector: {}, ingress: [{}] }, ["empty-rule spec.ingress[0]"]],
    [
      "empty from and ports lists are an empty rule too",
      { podSelector: {}, egress: [{ to: [], ports: [] }] },
      ["empty-rule spec.egress[0]"],
    ],
    [
      "identical rules (ports in another order) are duplicates",
      {
        podSelector: {},
        ingress: [
          { from: [app("a")], ports: [tcp(80), tcp(443)] },
          { from: [app("a")], ports: [tcp(443), tcp(80)] },
        ],
      },
      ["duplicate-rule spec.ingress[1]"],
    ],
    [
      "a narrower pod selector with the same ports is shadowed",
      {
        podSelector: {},
        ingress: [
          { from: [app("a")], ports: [tcp(80)] },
          { from: [app("a", { tier: "x" })], ports: [tcp(80)] },
        ],
      },
      ["shadowed-rule spec.ingress[1]"],
    ],
    [
      "an earlier rule is shadowed by a later broader one",
      {
        podSelector: {},
        ingress: [{ from: [app("a")], ports: [tcp(80)] }, { ports: [tcp(80)] }],
      },
      ["shadowed-rule spec.ingress[0]"],
    ],
    [
      "a rule without ports covers any ports for the same peers",
      { podSelector: {}, egress: [{ to: [app("a")] }, { to: [app("a")], ports: [tcp(443)] }] },
      ["shadowed-rule spec.egress[1]"],
    ],
    [
      "port ranges are covered by their union",
      {
        podSelector: {},
        ingress: [
          { from: [app("a")], ports: [tcp(80, 85), tcp(86, 90)] },
          { from: [app("a")], ports: [tcp(82, 88)] },
        ],
      },
      ["shadowed-rule spec.ingress[1]"],
    ],
    [
      "an ipBlock inside a broader ipBlock is shadowed",
      {
        podSelector: {},
        egress: [
          { to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] },
          { to: [{ ipBlock: { cidr: "10.1.0.0/16" } }] },
        ],
      },
      ["shadowed-rule spec.egress[1]"],
    ],
    [
      "an ipBlock cut out of the broader one by except is not shadowed",
      {
        podSelector: {},
        egress: [
          { to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }] },
          { to: [{ ipBlock: { cidr: "10.1.2.0/24" } }] },
        ],
      },
      [],
    ],
    [
      "pods of all namespaces cover pods of the own namespace",
      {
        podSelector: {},
        ingress: [{ from: [{ ...app("a"), namespaceSelector: {} }] }, { from: [app("a")] }],
      },
      ["shadowed-rule spec.ingress[1]"],
    ],
    [
      "an empty rule shadows every other rule of its direction only",
      { podSelector: {}, ingress: [{}, { from: [app("a")] }], egress: [{ to: [app("a")] }] },
      ["empty-rule spec.ingress[0]", "shadowed-rule spec.ingress[1]"],
    ],
    [
      "the same port on another protocol is not covered",
      { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: "UDP" }] }, { ports: [tcp(53)] }] },
      [],
    ],
    [
      "different pod selectors are not covered",
      { podSelector: {}, ingress: [{ from: [app("a")] }, { from: [app("b")] }] },
      [],
    ],
    [
      "a named port is not known to cover a number",
      { podSelector: {}, ingress: [{ ports: [{ port: "http" }] }, { ports: [tcp(8080)] }] },
      [],
    ],
    [
      "own namespace does not cover a namespaceSelector",
      {
        podSelector: {},
        ingress: [
          { from: [app("a")] },
          { from: [{ ...app("a"), namespaceSelector: { matchLabels: { t: "x" } } }] },
        ],
      },
      [],
    ],
  ])("%s", (_name, spec, expected) => {
    expect(lints(spec)).toEqual(expected);
  });
});
