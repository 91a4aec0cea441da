import { describe, expect, it } from "vitest";
import { decodeObject } from "./decode-object.js";
import { editDistance, suggestField } from "./suggest.js";

const SPEC = ["podSelector", "policyTypes", "ingress", "egress"];
const PEER = ["podSelector", "namespaceSelector", "ipBlock"];
const SELECTOR = ["matchLabels", "matchExpressions"];
const INGRESS_RULE = ["from", "ports"];
const PORT = ["protocol", "port", "endPort"];

describe("suggestField: did-you-mean for a misspelled field name", () => {
  it.each<[string, readonly string[], string]>([
    ["matchLabel", SELECTOR, "matchLabels"],
    ["matchlabels", SELECTOR, "matchLabels"],
    ["matchExpression", SELECTOR, "matchExpressions"],
    ["podselector", SPEC, "podSelector"],
    ["pod_selector", PEER, "podSelector"],
    ["namespaceSelecter", PEER, "namespaceSelector"],
    ["nameSpaceSelector", PEER, "namespaceSelector"],
    ["ip-block", PEER, "ipBlock"],
    ["_from", INGRESS_RULE, "from"],
    ["form", INGRESS_RULE, "from"],
    ["port", INGRESS_RULE, "ports"],
    ["ports", PORT, "port"],
    ["endport", PORT, "endPort"],
    ["protcol", PORT, "protocol"],
    ["policyType", SPEC, "policyTypes"],
    ["ingres", SPEC, "ingress"],
    ["egres", SPEC, "egress"],
  ])("%s → %s", (key, known, expected) => {
    expect(suggestField(key, known)).toBe(expected);
  });

  it.each<[string, readonly string[]]>([
    ["action", SPEC],
    ["to", INGRESS_RULE],
    ["x", PORT],
    ["", SPEC],
    ["selector", PEER],
    ["a".repeat(1_000_000), SPEC],
  ])("%s has no suggestion", (key, known) => {
    expect(suggestField(key.slice(0, 1_000_000), known)).toBeUndefined();
  });

  it("picks the closest, and the same one whatever the order of the known fields", () => {
    expect(suggestField("ingres", ["egress", "ingress"])).toBe("ingress");
    expect(suggestField("ab", ["ac", "ad"])).toBe("ac");
    expect(suggestField("ab", ["ad", "ac"])).toBe("ac");
  });

  it("edit distance counts an adjacent transposition as one edit", () => {
    expect(editDistance("from", "form")).toBe(1);
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "abc")).toBe(0);
  });
});

describe("the decoder's unknown-field message names the field meant", () => {
  function messageAt(spec: unknown, path: string): string | undefined {
    const { issues } = decodeObject(
      { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p" }, spec },
      { file: "f.yaml", line: 1 },
      { unknownFields: "drop" },
    );
    return issues.find((i) => i.path === path && i.code === "unknown-field")?.message;
  }

  it.each<[string, unknown, string, string]>([
    [
      "matchLabel in a peer's podSelector",
      { ingress: [{ from: [{ podSelector: { matchLabel: { a: "b" } } }] }] },
      "spec.ingress[0].from[0].podSelector.matchLabel",
      "matchLabels",
    ],
    [
      "namespaceSelecter in a peer",
      { ingress: [{ from: [{ namespaceSelecter: {} }] }] },
      "spec.ingress[0].from[0].namespaceSelecter",
      "namespaceSelector",
    ],
    ["port at rule level", { egress: [{ port: [{ port: 80 }] }] }, "spec.egress[0].port", "ports"],
    ["to in an ingress rule", { ingress: [{ to: [] }] }, "spec.ingress[0].to", "from"],
    ["from in an egress rule", { egress: [{ from: [] }] }, "spec.egress[0].from", "to"],
    [
      "exept in an ipBlock",
      { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", exept: [] } }] }] },
      "spec.egress[0].to[0].ipBlock.exept",
      "except",
    ],
  ])("%s", (_what, spec, path, meant) => {
    expect(messageAt(spec, path)).toMatch(new RegExp(`^unknown field \\(did you mean \`${meant}\`\\?\\)`));
  });

  it("no suggestion when nothing is close", () => {
    expect(messageAt({ action: "Allow" }, "spec.action")).toMatch(/^unknown field; the API server drops it/);
  });
});
