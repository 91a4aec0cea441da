import { describe, expect, it } from "vitest";
import { objectContaining } from "../../test/support/matchers.js";
import type { Issue } from "../issue/issue.js";
import { type Addr, parseAddr } from "../net/address.js";
import { parseCidr } from "../net/cidr.js";
import { type Decoded, decodeObject } from "./decode-object.js";
import type { NetworkPolicy, Pod, PortSpec, Rule } from "./model.js";

type Json = Record<string, unknown>;

const SOURCE = { file: "f.yaml", line: 3 };
const POLICY_REF = { kind: "NetworkPolicy", namespace: "ns", name: "p" };

const networkPolicy = (spec: unknown, metadata: Json = { name: "p", namespace: "ns" }): Json => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata,
  spec,
});

function decode(value: unknown): { decoded?: Decoded; issues: Issue[] } {
  return decodeObject(value, { file: "f.yaml", line: 3 });
}

/** Decodes a NetworkPolicy spec; the object itself must decode. */
function policyOf(spec: unknown): { policy: NetworkPolicy; issues: Issue[] } {
  const { decoded, issues } = decode(networkPolicy(spec));
  if (decoded?.kind !== "NetworkPolicy") throw new Error(`not decoded: ${JSON.stringify(issues)}`);
  return { policy: decoded.value, issues };
}

const errors = (issues: readonly Issue[]) => issues.filter((i) => i.severity === "error");
const ip = (text: string) => parseAddr(text) as Addr;

describe("policyTypes defaulting", () => {
  it.each<[string, Json, boolean, boolean]>([
    ["absent → Ingress only", { podSelector: {} }, true, false],
    ["absent with an ingress rule → Ingress only", { podSelector: {}, ingress: [{}] }, true, false],
    [
      "absent with a non-empty egress list → Ingress and Egress",
      { podSelector: {}, egress: [{}] },
      true,
      true,
    ],
    ["absent with `egress: []` → Ingress only", { podSelector: {}, egress: [] }, true, false],
    ["absent with `egress: null` → Ingress only", { podSelector: {}, egress: null }, true, false],
    ["an empty list is defaulted like an absent one", { podSelector: {}, policyTypes: [] }, true, false],
    [
      "an empty list with egress rules is defaulted like an absent one",
      { podSelector: {}, policyTypes: [], egress: [{}] },
      true,
      true,
    ],
    ["[Egress] → Egress only", { podSelector: {}, policyTypes: ["Egress"] }, false, true],
    [
      "[Ingress] with egress rules → Ingress only",
      { podSelector: {}, policyTypes: ["Ingress"], egress: [{}] },
      true,
      false,
    ],
    ["[Ingress, Egress] → both", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }, true, true],
  ])("%s", (_name, spec, ingress, egress) => {
    const { policy, issues } = policyOf(spec);
    expect(issues).toEqual([]);
    expect([policy.affectsIngress, policy.affectsEgress]).toEqual([ingress, egress]);
  });

  it("rules of a direction that policyTypes does not name are ignored", () => {
    const { policy } = policyOf({ podSelector: {}, policyTypes: ["Egress"], ingress: [{}], egress: [{}] });
    expect(policy.ingress).toEqual([]);
    expect(policy.egress).toHaveLength(1);
  });

  it.each<[string, unknown[]]>([
    ["an unknown type alone", ["Sideways"]],
    ["an unknown type next to Ingress", ["Ingress", "Sideways"]],
    ["a lower-case type", ["ingress"]],
    ["a non-string type", [1]],
  ])("%s makes the policy affect both directions (fail closed)", (_name, types) => {
    const { policy, issues } = policyOf({ podSelector: {}, policyTypes: types, egress: [{}] });
    expect(policy.affectsIngress).toBe(true);
    expect(policy.affectsEgress).toBe(true);
    expect(policy.egress).toEqual([]); // Egress was not named: its rules do not open anything
    const bad = types.findIndex((t) => t !== "Ingress");
    expect(errors(issues)).toEqual([
      expect.objectContaining({ code: "unsupported-value", path: `spec.policyTypes[${bad}]` }),
    ]);
  });

  it("a policyTypes that is not a list isolates both directions", () => {
    const { policy, issues } = policyOf({ podSelector: {}, policyTypes: "Egress", ingress: [{}] });
    expect([policy.affectsIngress, policy.affectsEgress]).toEqual([true, true]);
    expect([policy.ingress, policy.egress]).toEqual([[], []]);
    expect(errors(issues)).toEqual([
      expect.objectContaining({ code: "wrong-type", path: "spec.policyTypes" }),
    ]);
  });
});

describe("rules and peers", () => {
  it.each<[string, Json, Rule["peers"]["kind"]]>([
    ["absent from", {}, "any"],
    ["empty from", { from: [] }, "any"],
    ["null from", { from: null }, "any"],
    ["a listed peer", { from: [{ podSelector: {} }] }, "list"],
  ])("%s → peers %s", (_name, rule, kind) => {
    const { policy } = policyOf({ podSelector: {}, ingress: [rule] });
    expect(policy.ingress[0]?.peers.kind).toBe(kind);
  });

  it("normalises podSelector-only, namespaceSelector-only and combined peers", () => {
    const { policy, issues } = policyOf({
      podSelector: { matchLabels: { app: "db" } },
      ingress: [
        {
          from: [
            { podSelector: { matchLabels: { app: "web" } } },
            { namespaceSelector: { matchLabels: { team: "a" } } },
            { namespaceSelector: {}, podSelector: { matchExpressions: [{ key: "x", operator: "Exists" }] } },
            { ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } },
          ],
        },
      ],
    });
    expect(issues).toEqual([]);
    expect(policy.podSelector).toEqual({ matchLabels: { app: "db" }, matchExpressions: [] });
    expect(policy.ingress[0]?.peers).toEqual({
      kind: "list",
      items: [
        {
          kind: "pods",
          namespaces: { kind: "own" },
          pods: { matchLabels: { app: "web" }, matchExpressions: [] },
          index: 0,
        },
        {
          kind: "pods",
          namespaces: { kind: "matching", selector: { matchLabels: { team: "a" }, matchExpressions: [] } },
          pods: { matchLabels: {}, matchExpressions: [] },
          index: 1,
        },
        {
          kind: "pods",
          namespaces: { kind: "matching", selector: { matchLabels: {}, matchExpressions: [] } },
          pods: { matchLabels: {}, matchExpressions: [{ key: "x", operator: "Exists", values: [] }] },
          index: 2,
        },
        { kind: "ipBlock", cidr: parseCidr("10.0.0.0/8"), except: [parseCidr("10.1.0.0/16")], index: 3 },
      ],
    });
  });

  it("egress rules read `to`", () => {
    const { policy, issues } = policyOf({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{ ipBlock: { cidr: "2001:db8::/32" } }] }],
    });
    expect(issues).toEqual([]);
    expect(policy.egress[0]?.peers).toEqual({
      kind: "list",
      items: [{ kind: "ipBlock", cidr: parseCidr("2001:db8::/32"), except: [], index: 0 }],
    });
  });

  it("rules keep their index as written", () => {
    const { policy } = policyOf({ podSelector: {}, ingress: [{}, {}] });
    expect(policy.ingress.map((r) => r.index)).toEqual([0, 1]);
  });
});

describe("ports", () => {
  const portsOf = (ports: unknown[]): Rule["ports"] | undefined => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [{ ports }] });
    expect(issues).toEqual([]);
    return policy.ingress[0]?.ports;
  };

  it.each<[string, Json, PortSpec]>([
    [
      "a number defaults to TCP",
      { port: 80 },
      { kind: "range", protocol: "TCP", from: 80, to: 80, index: 0 },
    ],
    [
      "UDP with a number",
      { protocol: "UDP", port: 53 },
      { kind: "range", protocol: "UDP", from: 53, to: 53, index: 0 },
    ],
    [
      "SCTP with a number",
      { protocol: "SCTP", port: 9 },
      { kind: "range", protocol: "SCTP", from: 9, to: 9, index: 0 },
    ],
    ["port 1", { port: 1 }, { kind: "range", protocol: "TCP", from: 1, to: 1, index: 0 }],
    ["port 65535", { port: 65535 }, { kind: "range", protocol: "TCP", from: 65535, to: 65535, index: 0 }],
    [
      "an endPort range",
      { port: 32000, endPort: 32768 },
      { kind: "range", protocol: "TCP", from: 32000, to: 32768, index: 0 },
    ],
    [
      "endPort equal to port",
      { port: 80, endPort: 80 },
      { kind: "range", protocol: "TCP", from: 80, to: 80, index: 0 },
    ],
    ["a named port", { port: "http" }, { kind: "named", protocol: "TCP", name: "http", index: 0 }],
    [
      "a named port with digits and dashes",
      { protocol: "UDP", port: "dns-53" },
      { kind: "named", protocol: "UDP", name: "dns-53", index: 0 },
    ],
    ["protocol only", { protocol: "UDP" }, { kind: "protocol", protocol: "UDP", index: 0 }],
    ["an empty port entry is all TCP ports", {}, { kind: "protocol", protocol: "TCP", index: 0 }],
  ])("%s", (_name, port, expected) => {
    expect(portsOf([port])).toEqual({ kind: "list", items: [expected] });
  });

  it.each<[string, unknown]>([
    ["absent", undefined],
    ["empty", []],
  ])("%s ports → any port", (_name, ports) => {
    const rule = ports === undefined ? {} : { ports };
    const { policy } = policyOf({ podSelector: {}, ingress: [rule] });
    expect(policy.ingress[0]?.ports).toEqual({ kind: "any" });
  });
});

describe("errors carry the API server's field path", () => {
  const ingress = (rule: Json): Json => ({ podSelector: {}, ingress: [rule] });

  it.each<[string, Json, string, string]>([
    [
      "an except outside the cidr",
      ingress({
        from: [{ podSelector: {} }, { ipBlock: { cidr: "10.0.0.0/8", except: ["192.168.0.0/16"] } }],
      }),
      "spec.ingress[0].from[1].ipBlock.except[0]",
      "invalid-value",
    ],
    [
      "an except equal to the cidr",
      ingress({ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.0.0.0/8"] } }] }),
      "spec.ingress[0].from[0].ipBlock.except[1]",
      "invalid-value",
    ],
    [
      "an except wider than the cidr",
      ingress({ from: [{ ipBlock: { cidr: "10.0.0.0/16", except: ["10.0.0.0/8"] } }] }),
      "spec.ingress[0].from[0].ipBlock.except[0]",
      "invalid-value",
    ],
    [
      "an except of the other family",
      ingress({ from: [{ ipBlock: { cidr: "0.0.0.0/0", except: ["::1/128"] } }] }),
      "spec.ingress[0].from[0].ipBlock.except[0]",
      "invalid-value",
    ],
    [
      "an except that is not a CIDR",
      ingress({ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.1"] } }] }),
      "spec.ingress[0].from[0].ipBlock.except[0]",
      "invalid-value",
    ],
    [
      "a malformed cidr",
      ingress({ from: [{ ipBlock: { cidr: "10.0.0.0/33" } }] }),
      "spec.ingress[0].from[0].ipBlock.cidr",
      "invalid-value",
    ],
    [
      "an ipBlock without cidr",
      ingress({ from: [{ ipBlock: {} }] }),
      "spec.ingress[0].from[0].ipBlock.cidr",
      "required",
    ],
    [
      "a quoted number as port (a port NAME, and not a valid one)",
      ingress({ ports: [{ port: "8080" }] }),
      "spec.ingress[0].ports[0].port",
      "invalid-value",
    ],
    ["port 0", ingress({ ports: [{ port: 0 }] }), "spec.ingress[0].ports[0].port", "invalid-value"],
    ["port 70000", ingress({ ports: [{ port: 70000 }] }), "spec.ingress[0].ports[0].port", "invalid-value"],
    ["port 65536", ingress({ ports: [{ port: 65536 }] }), "spec.ingress[0].ports[0].port", "invalid-value"],
    [
      "a fractional port",
      ingress({ ports: [{ port: 80.5 }] }),
      "spec.ingress[0].ports[0].port",
      "invalid-value",
    ],
    [
      "an upper-case port name",
      ingress({ ports: [{ port: "HTTP" }] }),
      "spec.ingress[0].ports[0].port",
      "invalid-value",
    ],
    [
      "a port name longer than 15 characters",
      ingress({ ports: [{ port: "a-very-long-port-name" }] }),
      "spec.ingress[0].ports[0].port",
      "invalid-value",
    ],
    ["a boolean port", ingress({ ports: [{ port: true }] }), "spec.ingress[0].ports[0].port", "wrong-type"],
    [
      "endPort below port",
      ingress({ ports: [{ port: 80 }, { port: 8080, endPort: 8000 }] }),
      "spec.ingress[0].ports[1].endPort",
      "invalid-value",
    ],
    [
      "endPort with a named port",
      ingress({ ports: [{ port: "http", endPort: 90 }] }),
      "spec.ingress[0].ports[0].endPort",
      "forbidden",
    ],
    [
      "an unsupported protocol",
      ingress({ ports: [{ protocol: "ICMP", port: 1 }] }),
      "spec.ingress[0].ports[0].protocol",
      "unsupported-value",
    ],
    [
      "a lower-case protocol",
      ingress({ ports: [{ protocol: "tcp", port: 80 }] }),
      "spec.ingress[0].ports[0].protocol",
      "unsupported-value",
    ],
    [
      "In without values in spec.podSelector",
      { podSelector: { matchExpressions: [{ key: "app", operator: "In" }] } },
      "spec.podSelector.matchExpressions[0].values",
      "required",
    ],
    [
      "NotIn with an empty values list in spec.podSelector",
      {
        podSelector: {
          matchExpressions: [
            { key: "a", operator: "Exists" },
            { key: "app", operator: "NotIn", values: [] },
          ],
        },
      },
      "spec.podSelector.matchExpressions[1].values",
      "required",
    ],
    [
      "Exists with values in a peer podSelector",
      ingress({
        from: [{ podSelector: { matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] } }],
      }),
      "spec.ingress[0].from[0].podSelector.matchExpressions[0].values",
      "forbidden",
    ],
    [
      "an unknown operator in a peer namespaceSelector",
      ingress({
        from: [
          { namespaceSelector: { matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] } },
        ],
      }),
      "spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].operator",
      "unsupported-value",
    ],
    [
      "a non-string matchLabels value",
      ingress({ from: [{ podSelector: { matchLabels: { app: 1 } } }] }),
      "spec.ingress[0].from[0].podSelector.matchLabels.app",
      "wrong-type",
    ],
    [
      "a peer with ipBlock plus podSelector",
      ingress({ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, podSelector: {} }] }),
      "spec.ingress[0].from[0]",
      "forbidden",
    ],
    [
      "a peer with ipBlock plus namespaceSelector",
      ingress({ from: [{ ipBlock: { cidr: "10.0.0.0/8" }, namespaceSelector: {} }] }),
      "spec.ingress[0].from[0]",
      "forbidden",
    ],
    ["an empty peer {}", ingress({ from: [{}] }), "spec.ingress[0].from[0]", "required"],
    [
      "a peer that is not an object",
      ingress({ from: ["10.0.0.0/8"] }),
      "spec.ingress[0].from[0]",
      "wrong-type",
    ],
    [
      "a from that is not a list",
      ingress({ from: { podSelector: {} } }),
      "spec.ingress[0].from",
      "wrong-type",
    ],
    [
      "an egress peer with ipBlock plus podSelector",
      { podSelector: {}, egress: [{}, { to: [{ podSelector: {}, ipBlock: { cidr: "::/0" } }] }] },
      "spec.egress[1].to[0]",
      "forbidden",
    ],
    [
      "an egress port 0",
      { podSelector: {}, policyTypes: ["Egress"], egress: [{ ports: [{ port: 0 }] }] },
      "spec.egress[0].ports[0].port",
      "invalid-value",
    ],
  ])("%s → %s", (_name, spec, path, code) => {
    const { issues } = policyOf(spec);
    const errs = errors(issues);
    expect(errs.length).toBeGreaterThan(0);
    expect(errs[0]).toMatchObject({ severity: "error", path, code });
    expect(errs[0]?.message).not.toBe("");
    for (const i of issues) {
      expect(i.source).toEqual(SOURCE);
      expect(i.object).toEqual(POLICY_REF);
    }
  });

  it("reports every bad element of a rule, each with its own path", () => {
    const { issues } = policyOf({
      podSelector: {},
      ingress: [{ from: [{}, { ipBlock: { cidr: "x" } }], ports: [{ port: 0 }, { port: "8080" }] }],
    });
    expect(errors(issues).map((i) => i.path)).toEqual([
      "spec.ingress[0].from[0]",
      "spec.ingress[0].from[1].ipBlock.cidr",
      "spec.ingress[0].ports[0].port",
      "spec.ingress[0].ports[1].port",
    ]);
  });

  it("rejects endPort without port and drops the rule", () => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [{ ports: [{ endPort: 90 }] }] });
    expect(policy.ingress).toEqual([]);
    expect(errors(issues)).toHaveLength(1);
    expect(errors(issues)[0]?.path).toMatch(/^spec\.ingress\[0\]\.ports\[0\]\.(port|endPort)$/);
  });
});

describe("fail closed", () => {
  it.each<[string, Json]>([
    [
      "a bad peer next to a good one",
      { from: [{ podSelector: {} }, { ipBlock: { cidr: "10.0.0.0/8", except: ["11.0.0.0/16"] } }] },
    ],
    ["a bad port next to a good one", { ports: [{ port: 80 }, { port: 0 }] }],
    ["good peers but a bad port", { from: [{ podSelector: {} }], ports: [{ port: "8080" }] }],
    ["an empty peer among good ones", { from: [{ namespaceSelector: {} }, {}] }],
    ["ports that are not a list", { ports: { port: 80 } }],
  ])("a rule with %s is dropped entirely and other rules survive", (_name, bad) => {
    const good0 = { from: [{ podSelector: { matchLabels: { a: "b" } } }] };
    const good2 = { ports: [{ port: 443 }] };
    const { policy, issues } = policyOf({ podSelector: {}, ingress: [good0, bad, good2] });
    expect(policy.ingress.map((r) => r.index)).toEqual([0, 2]);
    expect(policy.affectsIngress).toBe(true);
    const dropped = issues.filter((i) => i.code === "rule-dropped");
    expect(dropped).toEqual([
      expect.objectContaining({
        severity: "warning",
        path: "spec.ingress[1]",
        source: SOURCE,
        object: POLICY_REF,
      }),
    ]);
    expect(errors(issues).length).toBeGreaterThan(0);
    for (const e of errors(issues)) expect(e.path.startsWith("spec.ingress[1].")).toBe(true);
  });

  it("a dropped egress rule is named by its egress path", () => {
    const { policy, issues } = policyOf({
      podSelector: {},
      policyTypes: ["Egress"],
      egress: [{ to: [{}] }, { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
    });
    expect(policy.egress.map((r) => r.index)).toEqual([1]);
    expect(issues.filter((i) => i.code === "rule-dropped").map((i) => i.path)).toEqual(["spec.egress[0]"]);
  });

  it("dropping the only rule leaves a policy that allows nothing (not everything)", () => {
    const { policy } = policyOf({ podSelector: {}, ingress: [{ from: [{}] }] });
    expect(policy.affectsIngress).toBe(true);
    expect(policy.ingress).toEqual([]);
  });

  it.each<[string, unknown]>([
    ["In without values", { matchExpressions: [{ key: "app", operator: "In" }] }],
    ["an unknown operator", { matchExpressions: [{ key: "app", operator: "Equals", values: ["x"] }] }],
    ["a missing key", { matchExpressions: [{ operator: "Exists" }] }],
    ["a non-string label value", { matchLabels: { app: 7 } }],
    ["a string selector", "app=web"],
  ])("a spec.podSelector with %s selects every pod of the namespace and allows nothing", (_name, sel) => {
    const { policy, issues } = policyOf({
      podSelector: sel,
      ingress: [{}],
      egress: [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }],
    });
    expect(policy.podSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(policy.ingress).toEqual([]);
    expect(policy.egress).toEqual([]);
    expect(policy.affectsIngress).toBe(true);
    expect(policy.affectsEgress).toBe(true);
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "fail-closed",
        severity: "error",
        path: "spec.podSelector",
        source: SOURCE,
        object: POLICY_REF,
      }),
    );
  });

  it("an absent podSelector selects every pod without any error", () => {
    const { policy, issues } = policyOf({ ingress: [{}] });
    expect(issues).toEqual([]);
    expect(policy.podSelector).toEqual({ matchLabels: {}, matchExpressions: [] });
    expect(policy.ingress).toHaveLength(1);
  });

  it("an ingress list that is not a list isolates ingress and allows nothing", () => {
    const { policy, issues } = policyOf({ podSelector: {}, ingress: { from: [] } });
    expect(policy.affectsIngress).toBe(true);
    expect(policy.ingress).toEqual([]);
    expect(errors(issues)).toEqual([expect.objectContaining({ path: "spec.ingress", code: "wrong-type" })]);
  });
});

describe("decodeObject: kinds, apiVersion and metadata", () => {
  it.each(["AdminNetworkPolicy", "BaselineAdminNetworkPolicy"])(
    "a %s (v1alpha1, replaced by ClusterNetworkPolicy) is an error, never a silently skipped kind",
    (kind) => {
      const value = {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind,
        metadata: { name: "p" },
        spec: {},
      };
      const { decoded, issues } = decode(value);
      expect(decoded).toBeUndefined();
      expect(issues).toEqual([
        expect.objectContaining({ code: "policy-kind-not-evaluated", severity: "error", path: "kind" }),
      ]);
      expect(issues[0]?.message).toContain("replaced by ClusterNetworkPolicy");
      // Another group's kind of the same name is someone else's CRD: skipped as before.
      const other = decode({ ...value, apiVersion: "example.com/v1" });
      expect(other.issues.map((i) => i.code)).toEqual(["skipped-kind"]);
    },
  );

  it("a ClusterNetworkPolicy (v1alpha2) decodes, cluster-scoped, with where it was read from", () => {
    const { decoded, issues } = decode({
      apiVersion: "policy.networking.k8s.io/v1alpha2",
      kind: "ClusterNetworkPolicy",
      metadata: { name: "deny-all" },
      spec: {
        tier: "Admin",
        priority: 3,
        subject: { namespaces: {} },
        ingress: [{ action: "Deny", from: [{ namespaces: {} }] }],
      },
    });
    expect(issues).toEqual([]);
    expect(decoded?.kind).toBe("ClusterNetworkPolicy");
    expect(decoded?.value).toMatchObject({ name: "deny-all", tier: "Admin", priority: 3 });
    expect(decoded?.value.source).toBeDefined();
  });

  it("a ClusterNetworkPolicy of another version is an error naming the version netguard reads", () => {
    const { decoded, issues } = decode({
      apiVersion: "policy.networking.k8s.io/v1alpha1",
      kind: "ClusterNetworkPolicy",
      metadata: { name: "p" },
      spec: {},
    });
    expect(decoded).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({ code: "unsupported-api-version", severity: "error", path: "apiVersion" }),
    ]);
    expect(issues[0]?.message).toContain("policy.networking.k8s.io/v1alpha2");
  });

  it.each<[string, Json, string]>([
    ["a Service", { apiVersion: "v1", kind: "Service", metadata: { name: "s", namespace: "ns" } }, "Service"],
    ["a ConfigMap", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, "ConfigMap"],
    ["an object without kind", { metadata: { name: "x" } }, "object without kind"],
  ])("%s is skipped with a skipped-kind warning", (_name, value, kind) => {
    const { decoded, issues } = decode(value);
    expect(decoded).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({
        code: "skipped-kind",
        severity: "warning",
        source: SOURCE,
        object: { kind },
      }),
    ]);
  });

  it.each<[string, unknown]>([
    ["null", null],
    ["a list", [1, 2]],
    ["a string", "kind: Pod"],
  ])("%s is not an object: wrong-type error", (_name, value) => {
    const { decoded, issues } = decode(value);
    expect(decoded).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({ code: "wrong-type", severity: "error", source: SOURCE }),
    ]);
  });

  it.each<[string, Json]>([
    [
      "NetworkPolicy in extensions/v1beta1",
      { ...networkPolicy({ podSelector: {} }), apiVersion: "extensions/v1beta1" },
    ],
    [
      "NetworkPolicy in networking.k8s.io/v1beta1",
      { ...networkPolicy({}), apiVersion: "networking.k8s.io/v1beta1" },
    ],
    ["Pod in apps/v1", { apiVersion: "apps/v1", kind: "Pod", metadata: { name: "x" } }],
    ["Namespace in v2", { apiVersion: "v2", kind: "Namespace", metadata: { name: "x" } }],
  ])("%s is rejected with unsupported-api-version", (_name, value) => {
    const { decoded, issues } = decode(value);
    expect(decoded).toBeUndefined();
    expect(issues).toEqual([
      expect.objectContaining({
        code: "unsupported-api-version",
        severity: "error",
        path: "apiVersion",
        source: SOURCE,
        object: objectContaining({ kind: value.kind }),
      }),
    ]);
  });

  it.each<[string, Json]>([
    ["metadata without name", networkPolicy({}, { namespace: "ns" })],
    ["an empty name", networkPolicy({}, { name: "", namespace: "ns" })],
    ["no metadata at all", { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", spec: {} }],
    ["a Pod without name", { apiVersion: "v1", kind: "Pod", metadata: {} }],
    ["a Namespace without name", { apiVersion: "v1", kind: "Namespace" }],
  ])("%s is an error at metadata.name and nothing is decoded", (_name, value) => {
    const { decoded, issues } = decode(value);
    expect(decoded).toBeUndefined();
    expect(errors(issues)).toEqual([
      expect.objectContaining({ path: "metadata.name", source: SOURCE, object: { kind: value.kind } }),
    ]);
  });

  it.each<[string, Json]>([
    ["NetworkPolicy", networkPolicy({}, { name: "p", labels: { bad: 1 } })],
    ["Pod", { apiVersion: "v1", kind: "Pod", metadata: { name: "p", labels: { bad: 1 } } }],
  ])("a %s without metadata.namespace is in `default`", (kind, value) => {
    const { decoded, issues } = decode(value);
    expect(decoded?.kind).toBe(kind);
    expect(decoded?.value).toMatchObject({ namespace: "default", name: "p" });
    // the bad label gives one issue, which must name the defaulted namespace
    expect(issues).toEqual([
      expect.objectContaining({
        path: "metadata.labels.bad",
        object: { kind, namespace: "default", name: "p" },
      }),
    ]);
  });

  // Regression: ObjectMeta.namespace "" and absent are the same value to the API server and kubectl.
  it("an empty metadata.namespace is treated like an absent one (`default`)", () => {
    const { decoded } = decode(networkPolicy({}, { name: "p", namespace: "" }));
    expect(decoded?.kind).toBe("NetworkPolicy");
    expect(decoded?.value).toMatchObject({ namespace: "default" });
  });

  it("a decoded policy keeps its source and identity", () => {
    const { decoded } = decode(networkPolicy({}));
    expect(decoded?.value).toMatchObject({ namespace: "ns", name: "p", source: SOURCE });
  });

  it("an absent apiVersion is accepted", () => {
    const { apiVersion: _omit, ...value } = networkPolicy({});
    expect(decode(value).decoded?.kind).toBe("NetworkPolicy");
  });
});

describe("Namespace decoding", () => {
  it.each<[string, Json | undefined, Json]>([
    ["without labels", undefined, { "kubernetes.io/metadata.name": "team-a" }],
    ["with labels", { env: "prod" }, { env: "prod", "kubernetes.io/metadata.name": "team-a" }],
    [
      "with a conflicting name label (the API server overwrites it)",
      { "kubernetes.io/metadata.name": "other" },
      { "kubernetes.io/metadata.name": "team-a" },
    ],
  ])("adds kubernetes.io/metadata.name %s", (_name, labels, expected) => {
    const { decoded, issues } = decode({
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "team-a", ...(labels ? { labels } : {}) },
    });
    expect(issues).toEqual([]);
    expect(decoded).toEqual({
      kind: "Namespace",
      value: { name: "team-a", labels: expected, declared: true, source: SOURCE },
    });
  });

  it("a Namespace's issues name the object without a namespace", () => {
    const { issues } = decode({ kind: "Namespace", metadata: { name: "n", labels: { a: 1 } } });
    expect(issues).toEqual([
      expect.objectContaining({ path: "metadata.labels.a", object: { kind: "Namespace", name: "n" } }),
    ]);
  });
});

describe("Pod decoding", () => {
  const podOf = (spec: Json, status: Json): { pod: Pod; issues: Issue[] } => {
    const { decoded, issues } = decode({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "ns", labels: { app: "web" } },
      spec,
      status,
    });
    if (decoded?.kind !== "Pod") throw new Error(`not decoded: ${JSON.stringify(issues)}`);
    return { pod: decoded.value, issues };
  };
  const running = (extra: Json = {}): Json => ({ phase: "Running", podIP: "10.0.0.5", ...extra });

  it.each<[string, Json, string[]]>([
    [
      "podIPs is preferred over podIP",
      { podIP: "10.9.9.9", podIPs: [{ ip: "10.0.0.1" }, { ip: "fd00::1" }] },
      ["10.0.0.1", "fd00::1"],
    ],
    ["podIP is used when podIPs is absent", { podIP: "10.0.0.2" }, ["10.0.0.2"]],
    ["podIP is used when podIPs is empty", { podIP: "10.0.0.2", podIPs: [] }, ["10.0.0.2"]],
    [
      "an IPv6-primary dual-stack pod keeps the order",
      { podIPs: [{ ip: "fd00::1" }, { ip: "10.0.0.1" }] },
      ["fd00::1", "10.0.0.1"],
    ],
    [
      "only the first address of a family is kept",
      { podIPs: [{ ip: "10.0.0.1" }, { ip: "10.0.0.2" }] },
      ["10.0.0.1"],
    ],
  ])("%s", (_name, status, expected) => {
    const { pod, issues } = podOf({ containers: [] }, { phase: "Running", ...status });
    expect(issues).toEqual([]);
    expect(pod.ips).toEqual(expected.map(ip));
    expect(pod.nonTarget).toBeUndefined();
  });

  it("an invalid pod IP is an error at its path", () => {
    const { pod, issues } = podOf(
      {},
      { phase: "Running", podIPs: [{ ip: "10.0.0.1" }, { ip: "fe80::1%eth0" }] },
    );
    expect(pod.ips).toEqual([ip("10.0.0.1")]);
    expect(errors(issues)).toEqual([
      expect.objectContaining({
        path: "status.podIPs[1].ip",
        source: SOURCE,
        object: { kind: "Pod", namespace: "ns", name: "p" },
      }),
    ]);
  });

  it.each<[string, Json, Json, Pod["nonTarget"]]>([
    ["a running pod with an IP is a target", {}, running(), undefined],
    ["a pending pod with an IP is a target", {}, { phase: "Pending", podIP: "10.0.0.5" }, undefined],
    ["a host-network pod", { hostNetwork: true }, running(), "host-network"],
    ["a Succeeded pod", {}, running({ phase: "Succeeded" }), "terminated"],
    ["a Failed pod", {}, running({ phase: "Failed" }), "terminated"],
    ["a pod without IP", {}, { phase: "Pending" }, "no-ip"],
    ["a pod without status", {}, {}, "no-ip"],
    ["hostNetwork wins over the phase", { hostNetwork: true }, { phase: "Failed" }, "host-network"],
  ])("%s → nonTarget %s", (_name, spec, status, expected) => {
    expect(podOf(spec, status).pod.nonTarget).toBe(expected);
  });

  it("keeps labels, node name and identity", () => {
    const { pod } = podOf({ nodeName: "n1" }, running());
    expect(pod).toMatchObject({
      namespace: "ns",
      name: "p",
      labels: { app: "web" },
      nodeName: "n1",
      source: SOURCE,
    });
  });

  it.each<[string, Json, Pod["ports"]]>([
    [
      "ports of every container, protocol defaulting to TCP",
      {
        containers: [
          {
            name: "a",
            ports: [
              { name: "http", containerPort: 80 },
              { containerPort: 9090, protocol: "UDP" },
            ],
          },
          { name: "b", ports: [{ name: "metrics", containerPort: 9100 }] },
        ],
      },
      [
        { name: "http", port: 80, protocol: "TCP" },
        { port: 9090, protocol: "UDP" },
        { name: "metrics", port: 9100, protocol: "TCP" },
      ],
    ],
    [
      "a restartable (sidecar) init container's ports count",
      {
        containers: [{ name: "a", ports: [{ name: "http", containerPort: 80 }] }],
        initContainers: [
          { name: "proxy", restartPolicy: "Always", ports: [{ name: "proxy", containerPort: 15001 }] },
        ],
      },
      [
        { name: "http", port: 80, protocol: "TCP" },
        { name: "proxy", port: 15001, protocol: "TCP" },
      ],
    ],
    [
      "an ordinary init container's ports do not count",
      {
        containers: [{ name: "a", ports: [{ name: "http", containerPort: 80 }] }],
        initContainers: [{ name: "setup", ports: [{ name: "setup", containerPort: 7000 }] }],
      },
      [{ name: "http", port: 80, protocol: "TCP" }],
    ],
    [
      "an init container with another restartPolicy does not count",
      { initContainers: [{ name: "setup", restartPolicy: "OnFailure", ports: [{ containerPort: 7000 }] }] },
      [],
    ],
    ["no containers, no ports", {}, []],
  ])("%s", (_name, spec, expected) => {
    const { pod, issues } = podOf(spec, running());
    expect(issues).toEqual([]);
    expect(pod.ports).toEqual(expected);
  });

  it("an out-of-range containerPort is an error at its path", () => {
    const { pod, issues } = podOf(
      { containers: [{ ports: [{ containerPort: 0 }, { containerPort: 80 }] }] },
      running(),
    );
    expect(pod.ports).toEqual([{ port: 80, protocol: "TCP" }]);
    expect(errors(issues).map((i) => i.path)).toEqual(["spec.containers[0].ports[0].containerPort"]);
  });
});
