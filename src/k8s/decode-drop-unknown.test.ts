import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { selectorMatches } from "../policy/selector.js";
import { decodeObject } from "./decode-object.js";
import type { DecodeOptions, UnknownFieldMode } from "./fields.js";
import type { NetworkPolicy, Peer, Rule } from "./model.js";

type Json = Record<string, unknown>;

function policyOf(
  spec: unknown,
  opts: DecodeOptions = { unknownFields: "drop" },
  extra: Json = {},
): { policy: NetworkPolicy; issues: Issue[] } {
  const { decoded, issues } = decodeObject(
    {
      apiVersion: "networking.k8s.io/v1",
      kind: "NetworkPolicy",
      metadata: { name: "p", namespace: "ns" },
      spec,
      ...extra,
    },
    { file: "f.yaml", line: 1 },
    opts,
  );
  if (decoded?.kind !== "NetworkPolicy") throw new Error(`not decoded: ${JSON.stringify(issues)}`);
  return { policy: decoded.value, issues };
}

const unknownAt = (issues: readonly Issue[]) =>
  issues.filter((i) => i.code === "unknown-field" && i.severity === "error").map((i) => i.path);

function onlyPeer(rule: Rule | undefined): Peer {
  if (rule?.peers.kind !== "list" || rule.peers.items.length !== 1) throw new Error("one peer expected");
  return rule.peers.items[0] as Peer;
}

const typoPeer = { podSelector: { matchLabel: { app: "x" } } };

describe("unknown fields in drop mode: evaluated as the API server stores the object (field validation Warn)", () => {
  it("a peer's `podSelector: {matchLabel: …}` becomes the empty selector: every pod of the namespace", () => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [{ from: [typoPeer] }] });
    expect(unknownAt(issues)).toEqual(["spec.ingress[0].from[0].podSelector.matchLabel"]);
    const message = issues.find((i) => i.code === "unknown-field")?.message;
    expect(message).toMatch(/^unknown field \(did you mean `matchLabels`\?\); the API server drops it/);
    expect(message).toContain("evaluated without it");
    expect(issues.map((i) => i.code)).not.toContain("rule-dropped");
    const peer = onlyPeer(policy.ingress[0]);
    expect(peer).toMatchObject({ kind: "pods", namespaces: { kind: "own" } });
    if (peer.kind !== "pods") throw new Error("pods peer expected");
    expect(selectorMatches(peer.pods, { app: "anything-else" })).toBe(true);
    expect(selectorMatches(peer.pods, {})).toBe(true);
  });

  it("the same typo fails closed in the default mode (the agent): the rule allows nothing", () => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [{ from: [typoPeer] }] }, {});
    expect(unknownAt(issues)).toEqual(["spec.ingress[0].from[0].podSelector.matchLabel"]);
    expect(issues.find((i) => i.code === "unknown-field")?.message).toMatch(
      /^unknown field \(did you mean `matchLabels`\?\); netguard does not know what it means, so it fails closed/,
    );
    expect(policy.ingress).toEqual([]);
  });

  it.each<[string, Json, string, Json]>([
    [
      "ipBlock `exept`: the block has no exceptions",
      { to: [{ ipBlock: { cidr: "10.0.0.0/8", exept: ["10.1.0.0/16"] } }] },
      "spec.egress[0].to[0].ipBlock.exept",
      { peers: { kind: "list", items: [{ kind: "ipBlock", except: [] }] } },
    ],
    [
      "port `endport`: a single port",
      { ports: [{ port: 80, endport: 90 }] },
      "spec.egress[0].ports[0].endport",
      { ports: { kind: "list", items: [{ kind: "range", from: 80, to: 80 }] } },
    ],
    [
      "peer `nameSpaceSelector`: pods of the policy's own namespace",
      { to: [{ podSelector: {}, nameSpaceSelector: {} }] },
      "spec.egress[0].to[0].nameSpaceSelector",
      { peers: { kind: "list", items: [{ kind: "pods", namespaces: { kind: "own" } }] } },
    ],
    [
      "rule `from` in an egress rule: a rule without peers, to everyone",
      { from: [{ podSelector: {} }], ports: [{ port: 53 }] },
      "spec.egress[0].from",
      { peers: { kind: "any" } },
    ],
    [
      "requirement `value` with Exists: the requirement stands",
      { to: [{ podSelector: { matchExpressions: [{ key: "a", operator: "Exists", value: [] }] } }] },
      "spec.egress[0].to[0].podSelector.matchExpressions[0].value",
      {
        peers: {
          kind: "list",
          items: [{ pods: { matchExpressions: [{ key: "a", operator: "Exists", values: [] }] } }],
        },
      },
    ],
  ])("%s", (_what, rule, path, expected) => {
    const spec = { podSelector: {}, policyTypes: ["Egress"], egress: [rule] };
    const { policy, issues } = policyOf(spec);
    expect(unknownAt(issues)).toEqual([path]);
    expect(policy.egress).toHaveLength(1);
    expect(policy.egress[0]).toMatchObject(expected);
    // Fail-closed mode drops that rule instead.
    expect(policyOf(spec, { unknownFields: "fail-closed" }).policy.egress).toEqual([]);
  });

  it("an unknown spec field is dropped: the policy keeps its rules and its policyTypes defaulting", () => {
    const { policy, issues } = policyOf({
      podSelector: { matchLabels: { app: "db" } },
      ingress: [{}],
      action: "Allow",
    });
    expect(unknownAt(issues)).toEqual(["spec.action"]);
    expect(issues.map((i) => i.code)).not.toContain("fail-closed");
    expect([policy.affectsIngress, policy.affectsEgress]).toEqual([true, false]);
    expect(policy.ingress).toHaveLength(1);
  });

  it("a misspelled spec.podSelector is dropped: the policy selects every pod of its namespace, as stored", () => {
    const { policy, issues } = policyOf({ podselector: { matchLabels: { app: "db" } }, ingress: [{}] });
    expect(unknownAt(issues)).toEqual(["spec.podselector"]);
    expect(issues[0]?.message).toContain("did you mean `podSelector`?");
    expect(policy.podSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(policy.ingress).toHaveLength(1);
  });

  it("unknown top-level and spec fields are both reported (one issue each), the policy is read as written", () => {
    const { policy, issues } = policyOf(
      { podSelector: {}, policyTypes: ["Egress"], egress: [{}], egres: [] },
      { unknownFields: "drop" },
      { specs: {} },
    );
    expect(unknownAt(issues)).toEqual(["specs", "spec.egres"]);
    expect(issues.filter((i) => i.severity === "error")).toHaveLength(2);
    expect(policy.egress).toHaveLength(1);
  });

  it("other errors in a rule still drop the rule in drop mode", () => {
    const { policy, issues } = policyOf({
      podSelector: {},
      ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/33", exept: [] } }] }],
    });
    expect(unknownAt(issues)).toEqual(["spec.ingress[0].from[0].ipBlock.exept"]);
    expect(issues.find((i) => i.code === "unknown-field")?.message).toContain("the API server drops it");
    expect(issues.map((i) => i.code)).toContain("rule-dropped");
    expect(policy.ingress).toEqual([]);
  });

  it.each<UnknownFieldMode>(["drop", "fail-closed"])(
    "%s: a policy without unknown fields decodes the same",
    (m) => {
      const spec = { podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabels: { a: "b" } } }] }] };
      expect(policyOf(spec, { unknownFields: m })).toEqual(policyOf(spec, {}));
    },
  );
});
