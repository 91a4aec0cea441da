import { describe, expect, it } from "vitest";
import { found, lintFirst, manifest } from "../../../test/support/lint-testing.js";

type Json = Record<string, unknown>;
const CODES = ["direction-not-in-policy-types", "empty-egress-not-isolating", "missing-pod-selector"];
const lints = (spec: Json) => found(lintFirst([manifest(spec)]).filter((i) => CODES.includes(i.code)));

describe("spec structure lints", () => {
  it.each<[string, Json, string[]]>([
    [
      "ingress rules with policyTypes [Egress] are ignored",
      { podSelector: {}, policyTypes: ["Egress"], ingress: [{}], egress: [{}] },
      ["direction-not-in-policy-types spec.ingress"],
    ],
    [
      "egress rules with policyTypes [Ingress] are ignored",
      { podSelector: {}, policyTypes: ["Ingress"], egress: [{ ports: [{ port: 80 }] }] },
      ["direction-not-in-policy-types spec.egress"],
    ],
    [
      "both directions named: nothing ignored",
      { podSelector: {}, policyTypes: ["Ingress", "Egress"], ingress: [{}], egress: [{}] },
      [],
    ],
    ["defaulted policyTypes never ignore rules", { podSelector: {}, ingress: [{}], egress: [{}] }, []],
    [
      "policyTypes [Egress] with `ingress: []` ignores nothing",
      { podSelector: {}, policyTypes: ["Egress"], ingress: [] },
      [],
    ],
    [
      "`egress: []` without policyTypes does not isolate egress",
      { podSelector: {}, egress: [] },
      ["empty-egress-not-isolating spec.egress"],
    ],
    [
      "`egress: []` with `policyTypes: []` is defaulted the same way",
      { podSelector: {}, policyTypes: [], egress: [] },
      ["empty-egress-not-isolating spec.egress"],
    ],
    [
      "`egress: []` with policyTypes [Ingress, Egress] isolates egress as meant",
      { podSelector: {}, policyTypes: ["Ingress", "Egress"], egress: [] },
      [],
    ],
    ["`ingress: []` without policyTypes isolates ingress: fine", { podSelector: {}, ingress: [] }, []],
    [
      "a missing podSelector selects the whole namespace",
      { ingress: [] },
      ["missing-pod-selector spec.podSelector"],
    ],
    ["`podSelector: {}` is explicit", { podSelector: {}, ingress: [] }, []],
  ])("%s", (_name, spec, expected) => {
    expect(lints(spec)).toEqual(expected);
  });

  it("reports warnings with the policy's reference and source", () => {
    const [issue] = lintFirst([manifest({ ingress: [] })]);
    expect(issue).toMatchObject({
      severity: "warning",
      object: { kind: "NetworkPolicy", namespace: "ns", name: "p" },
      source: { file: "t.yaml", line: 1 },
    });
    expect(issue?.message).toMatch(/selects every pod in its namespace/);
  });
});
