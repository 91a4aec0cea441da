import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import type { CnpRule } from "./cnp-model.js";
import { decodeCnpRules } from "./decode-cnp-rule.js";
import { type DecodeOptions, Issues } from "./fields.js";
import type { Direction } from "./model.js";

type Json = Record<string, unknown>;

function rules(
  dir: Direction,
  list: unknown,
  opts: DecodeOptions = {},
): { rules: CnpRule[]; issues: Issue[] } {
  const issues = new Issues(opts);
  return { rules: decodeCnpRules({ [dir]: list }, dir, issues), issues: issues.list };
}

const errorsAt = (issues: readonly Issue[]) =>
  issues.filter((i) => i.severity === "error").map((i) => `${i.path}: ${i.code}`);

const ns = { namespaces: {} };
const tcp80 = { tcp: { destinationPort: { number: 80 } } };
const named = { destinationNamedPort: "http" };
const many = <T>(n: number, item: T): T[] => Array.from({ length: n }, () => item);

/** The fail-closed reading of a rule: its action, one unsupported peer naming `fields`, any protocol. */
function failedClosed(index: number, action: CnpRule["action"], fields: string[], name?: string): CnpRule {
  return {
    index,
    name,
    action,
    peers: [{ kind: "unsupported", fields, index: 0 }],
    protocols: { kind: "any" },
  };
}

describe("decodeCnpRules: valid rules", () => {
  it.each<[Direction, Json]>([
    ["ingress", { action: "Accept", from: [ns] }],
    ["egress", { action: "Deny", to: [ns] }],
  ])("a %s rule without protocols matches every protocol and port", (dir, rule) => {
    const { rules: out, issues } = rules(dir, [rule]);
    expect(issues).toEqual([]);
    expect(out[0]?.protocols).toEqual({ kind: "any" });
    expect(out[0]?.peers).toEqual([
      { kind: "namespaces", namespaces: { matchLabels: {}, matchExpressions: [] }, index: 0 },
    ]);
  });

  it.each(["Accept", "Deny", "Pass"])("action %s is read as written", (action) => {
    expect(rules("ingress", [{ action, from: [ns] }]).rules[0]?.action).toBe(action);
  });

  it("25 rules, 25 peers and 25 protocols are within the limits; a 100-character name too", () => {
    const rule = { name: "n".repeat(100), action: "Deny", from: many(25, ns), protocols: many(25, tcp80) };
    const { rules: out, issues } = rules("ingress", many(25, rule));
    expect(issues).toEqual([]);
    expect(out).toHaveLength(25);
    expect(out[24]?.index).toBe(24);
    expect(out[0]?.peers).toHaveLength(25);
  });

  it("a name of 100 characters outside the BMP is within maxLength (it counts characters)", () => {
    const { issues } = rules("ingress", [{ name: "🙂".repeat(100), action: "Deny", from: [ns] }]);
    expect(issues).toEqual([]);
  });

  it("an ingress rule may use destinationNamedPort with any peer (the CEL rule is on egress only)", () => {
    const { rules: out, issues } = rules("ingress", [{ action: "Accept", from: [ns], protocols: [named] }]);
    expect(errorsAt(issues)).toEqual([]);
    expect(out[0]?.protocols).toEqual({ kind: "list", items: [{ kind: "named", name: "http", index: 0 }] });
  });

  it("an egress rule to pods may use destinationNamedPort", () => {
    const { issues } = rules("egress", [
      { action: "Accept", to: [{ pods: { podSelector: {} } }], protocols: [named] },
    ]);
    expect(errorsAt(issues)).toEqual([]);
  });
});

describe("decodeCnpRules: every error makes the rule fail closed in its place", () => {
  it.each<[string, Direction, Json, string[], CnpRule["action"], string[]]>([
    ["action missing", "ingress", { from: [ns] }, ["spec.ingress[0].action: required"], "Deny", ["action"]],
    [
      "action not in the enum",
      "ingress",
      { action: "Allow", from: [ns] },
      ["spec.ingress[0].action: unsupported-value"],
      "Deny",
      ["action"],
    ],
    [
      "action lowercase",
      "egress",
      { action: "accept", to: [ns] },
      ["spec.egress[0].action: unsupported-value"],
      "Deny",
      ["action"],
    ],
    ["from missing", "ingress", { action: "Accept" }, ["spec.ingress[0].from: required"], "Accept", ["from"]],
    [
      "from empty (minItems 1)",
      "ingress",
      { action: "Pass", from: [] },
      ["spec.ingress[0].from: too-few"],
      "Pass",
      ["from"],
    ],
    [
      "from with 26 peers",
      "ingress",
      { action: "Deny", from: many(26, ns) },
      ["spec.ingress[0].from: too-many"],
      "Deny",
      ["from"],
    ],
    [
      "to not a list",
      "egress",
      { action: "Deny", to: ns },
      ["spec.egress[0].to: wrong-type"],
      "Deny",
      ["to"],
    ],
    [
      "protocols empty (minItems 1)",
      "egress",
      { action: "Deny", to: [ns], protocols: [] },
      ["spec.egress[0].protocols: too-few"],
      "Deny",
      ["protocols"],
    ],
    [
      "protocols with 26 entries",
      "egress",
      { action: "Accept", to: [ns], protocols: many(26, tcp80) },
      ["spec.egress[0].protocols: too-many"],
      "Accept",
      ["protocols"],
    ],
    [
      "a malformed protocol",
      "egress",
      { action: "Deny", to: [ns], protocols: [tcp80, { tcp: {} }] },
      ["spec.egress[0].protocols[1].tcp.destinationPort: required"],
      "Deny",
      ["protocols"],
    ],
    [
      "a malformed peer",
      "egress",
      { action: "Deny", to: [ns, {}] },
      ["spec.egress[0].to[1]: required"],
      "Deny",
      ["to"],
    ],
    [
      "a name over 100 characters",
      "ingress",
      { name: "n".repeat(101), action: "Accept", from: [ns] },
      ["spec.ingress[0].name: too-long"],
      "Accept",
      ["name"],
    ],
    [
      "a name that is not a string",
      "ingress",
      { name: 7, action: "Accept", from: [ns] },
      ["spec.ingress[0].name: wrong-type"],
      "Accept",
      ["name"],
    ],
    [
      "NetworkPolicy's ports",
      "ingress",
      { action: "Deny", from: [ns], ports: [] },
      ["spec.ingress[0].ports: unknown-field"],
      "Deny",
      ["ports"],
    ],
    [
      "the other direction's peer list",
      "egress",
      { action: "Deny", from: [ns] },
      ["spec.egress[0].from: unknown-field", "spec.egress[0].to: required"],
      "Deny",
      ["from", "to"],
    ],
  ])("%s", (_, dir, rule, errors, action, fields) => {
    const { rules: out, issues } = rules(dir, [rule]);
    expect(errorsAt(issues)).toEqual(errors);
    expect(out).toHaveLength(1);
    expect({ ...out[0], name: undefined }).toEqual(failedClosed(0, action, fields));
    expect(issues.at(-1)).toMatchObject({
      code: "rule-fails-closed",
      severity: "warning",
      path: `spec.${dir}[0]`,
    });
  });

  it("a rule that is not an object fails closed as Deny all", () => {
    const { rules: out, issues } = rules("ingress", ["x"]);
    expect(errorsAt(issues)).toEqual(["spec.ingress[0]: wrong-type"]);
    expect(out).toEqual([failedClosed(0, "Deny", [])]);
  });

  it("a rule with an error keeps its index and name; the rules around it are read as written", () => {
    const { rules: out } = rules("egress", [
      { action: "Accept", to: [ns] },
      { name: "bad", action: "Accept", to: [{ networks: ["10.0.0.0/33"] }] },
      { action: "Deny", to: [ns] },
    ]);
    expect(out.map((r) => [r.index, r.name, r.action, r.peers[0]?.kind])).toEqual([
      [0, undefined, "Accept", "namespaces"],
      [1, "bad", "Accept", "unsupported"],
      [2, undefined, "Deny", "namespaces"],
    ]);
  });

  it("a misspelt `ports` or the other direction's list gets a did-you-mean", () => {
    const { issues } = rules("ingress", [{ action: "Deny", to: [ns], ports: [] }]);
    const messages = issues.map((i) => i.message).join("\n");
    expect(messages).toContain("did you mean `from`");
    expect(messages).toContain("did you mean `protocols`");
  });

  it("in drop mode an unknown rule field is dropped and the rule read as written", () => {
    const { rules: out, issues } = rules("ingress", [{ action: "Deny", from: [ns], ports: [] }], {
      unknownFields: "drop",
    });
    expect(errorsAt(issues)).toEqual(["spec.ingress[0].ports: unknown-field"]);
    expect(out[0]?.peers[0]?.kind).toBe("namespaces");
  });
});

describe("decodeCnpRules: the egress CEL rule on named ports", () => {
  it.each<[string, Json]>([
    ["networks", { networks: ["10.0.0.0/8"] }],
    ["nodes", { nodes: {} }],
    ["domainNames", { domainNames: ["example.com"] }],
  ])("a %s peer with destinationNamedPort is rejected, as the CRD's CEL rule does", (_, peer) => {
    const { rules: out, issues } = rules("egress", [
      { action: "Deny", to: [ns, peer], protocols: [tcp80, named] },
    ]);
    const cel = issues.find((i) => i.path === "spec.egress[0]" && i.severity === "error");
    expect(cel?.message).toBe(
      "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
    );
    expect(out[0]?.peers.map((p) => p.kind)).toEqual(["unsupported"]);
  });

  it("without a named port the same peers are accepted", () => {
    const { issues } = rules("egress", [
      { action: "Deny", to: [{ networks: ["10.0.0.0/8"] }, { nodes: {} }], protocols: [tcp80] },
    ]);
    expect(errorsAt(issues)).toEqual([]);
  });
});

describe("decodeCnpRules: domainNames outside Accept rules", () => {
  it.each(["Deny", "Pass"])(
    "a %s rule with domainNames warns that the API supports them only in Accept rules",
    (action) => {
      const { issues } = rules("egress", [{ action, to: [ns, { domainNames: ["a.io"] }] }]);
      expect(issues.filter((i) => i.code === "domain-names-not-accept").map((i) => i.path)).toEqual([
        "spec.egress[0].to[1].domainNames",
      ]);
    },
  );

  it("an Accept rule with domainNames does not", () => {
    const { issues } = rules("egress", [{ action: "Accept", to: [{ domainNames: ["a.io"] }] }]);
    expect(issues.map((i) => i.code)).toEqual(["unsupported-field"]);
  });
});

describe("decodeCnpRules: the rule lists", () => {
  it("26 rules are an error; each is still read", () => {
    const { rules: out, issues } = rules("egress", many(26, { action: "Deny", to: [ns] }));
    expect(errorsAt(issues)).toEqual(["spec.egress: too-many"]);
    expect(out).toHaveLength(26);
  });

  it("a list that is not a list fails closed as one rule denying the direction", () => {
    const { rules: out, issues } = rules("ingress", { action: "Accept", from: [ns] });
    expect(errorsAt(issues)).toEqual(["spec.ingress: wrong-type"]);
    expect(out).toEqual([failedClosed(0, "Deny", ["ingress"])]);
  });

  it("an empty list is no rules", () => {
    expect(rules("ingress", [])).toEqual({ rules: [], issues: [] });
  });
});
