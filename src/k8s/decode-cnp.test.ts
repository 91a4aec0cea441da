import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "./cnp-model.js";
import { CNP_API_VERSION, decodeClusterNetworkPolicy } from "./decode-cnp.js";
import { EVERYTHING } from "./decode-selector.js";
import { type DecodeOptions, Issues } from "./fields.js";

type Json = Record<string, unknown>;

const app = { matchLabels: { app: "a" } };
const minimal: Json = { tier: "Admin", priority: 10, subject: { namespaces: {} } };

function decodeRaw(raw: unknown, opts: DecodeOptions = {}): { cnp?: ClusterNetworkPolicy; issues: Issue[] } {
  const issues = new Issues(opts);
  const cnp = decodeClusterNetworkPolicy(raw, issues);
  return { ...(cnp ? { cnp } : {}), issues: issues.list };
}

function decode(spec: unknown, opts: DecodeOptions = {}, extra: Json = {}) {
  return decodeRaw(
    { apiVersion: CNP_API_VERSION, kind: "ClusterNetworkPolicy", metadata: { name: "p" }, spec, ...extra },
    opts,
  );
}

const errorsAt = (issues: readonly Issue[]) =>
  issues.filter((i) => i.severity === "error").map((i) => `${i.path}: ${i.code}`);

/** A policy read fail-closed: Admin, one Deny rule per direction whose only peer is unsupported. */
function expectDeniesAll(cnp: ClusterNetworkPolicy | undefined): void {
  expect(cnp?.tier).toBe("Admin");
  for (const rules of [cnp?.ingress, cnp?.egress]) {
    expect(rules).toHaveLength(1);
    expect(rules?.[0]?.action).toBe("Deny");
    expect(rules?.[0]?.peers.map((p) => p.kind)).toEqual(["unsupported"]);
    expect(rules?.[0]?.protocols).toEqual({ kind: "any" });
  }
}

describe("decodeClusterNetworkPolicy: a valid policy", () => {
  it("decodes tier, priority, subject and rules in written order with their indexes", () => {
    const { cnp, issues } = decode({
      tier: "Baseline",
      priority: 1000,
      subject: { pods: { namespaceSelector: app, podSelector: {} } },
      ingress: [
        { name: "first", action: "Deny", from: [{ namespaces: {} }] },
        { action: "Pass", from: [{ pods: { podSelector: app } }] },
      ],
      egress: [
        {
          action: "Accept",
          to: [{ networks: ["10.0.0.0/8"] }],
          protocols: [{ udp: { destinationPort: { number: 53 } } }],
        },
      ],
    });
    expect(errorsAt(issues)).toEqual([]);
    expect(cnp?.name).toBe("p");
    expect(cnp?.tier).toBe("Baseline");
    expect(cnp?.priority).toBe(1000);
    expect(cnp?.subject).toEqual({
      kind: "pods",
      namespaces: { matchLabels: { app: "a" }, matchExpressions: [] },
      pods: EVERYTHING,
    });
    expect(cnp?.ingress.map((r) => [r.index, r.name, r.action])).toEqual([
      [0, "first", "Deny"],
      [1, undefined, "Pass"],
    ]);
    expect(cnp?.ingress[1]?.peers).toEqual([
      {
        kind: "pods",
        namespaces: EVERYTHING,
        pods: { matchLabels: { app: "a" }, matchExpressions: [] },
        index: 0,
      },
    ]);
    expect(cnp?.egress[0]?.protocols).toEqual({
      kind: "list",
      items: [{ kind: "range", protocol: "UDP", from: 53, to: 53, index: 0 }],
    });
  });

  it("a policy with no ingress or egress has no rules (it affects no traffic)", () => {
    const { cnp, issues } = decode(minimal);
    expect(issues).toEqual([]);
    expect(cnp).toEqual({
      name: "p",
      tier: "Admin",
      priority: 10,
      subject: { kind: "namespaces", namespaces: EVERYTHING },
      ingress: [],
      egress: [],
    });
  });

  it("priority 0 is the lowest value allowed", () => {
    expect(decode({ ...minimal, priority: 0 }).cnp?.priority).toBe(0);
  });

  it("a null field is read as absent, as the API server prunes it", () => {
    const { cnp, issues } = decode({ ...minimal, ingress: null, egress: null });
    expect(issues).toEqual([]);
    expect(cnp?.ingress).toEqual([]);
  });
});

describe("decodeClusterNetworkPolicy: objects it cannot identify are skipped", () => {
  it.each<[string, unknown, string]>([
    ["not a mapping", [1], ": wrong-type"],
    [
      "another kind",
      { kind: "NetworkPolicy", metadata: { name: "p" }, spec: minimal },
      "kind: unsupported-value",
    ],
    [
      "another version",
      {
        apiVersion: "policy.networking.k8s.io/v1alpha1",
        kind: "ClusterNetworkPolicy",
        metadata: { name: "p" },
        spec: minimal,
      },
      "apiVersion: unsupported-api-version",
    ],
    [
      "no metadata.name",
      { kind: "ClusterNetworkPolicy", metadata: {}, spec: minimal },
      "metadata.name: required",
    ],
    ["no spec", { kind: "ClusterNetworkPolicy", metadata: { name: "p" } }, "spec: required"],
    [
      "a spec that is not an object",
      { kind: "ClusterNetworkPolicy", metadata: { name: "p" }, spec: "x" },
      "spec: wrong-type",
    ],
  ])("%s", (_, raw, error) => {
    const { cnp, issues } = decodeRaw(raw);
    expect(cnp).toBeUndefined();
    expect(errorsAt(issues)).toEqual([error]);
  });
});

describe("decodeClusterNetworkPolicy: spec.tier and spec.priority", () => {
  it.each<[string, Json, string]>([
    ["tier missing", { priority: 1, subject: { namespaces: {} } }, "spec.tier: required"],
    ["tier not in the enum (case matters)", { ...minimal, tier: "admin" }, "spec.tier: unsupported-value"],
    ["tier not a string", { ...minimal, tier: 1 }, "spec.tier: wrong-type"],
    ["priority missing", { tier: "Admin", subject: { namespaces: {} } }, "spec.priority: required"],
    ["priority above 1000", { ...minimal, priority: 1001 }, "spec.priority: invalid-value"],
    ["priority below 0", { ...minimal, priority: -1 }, "spec.priority: invalid-value"],
    ["priority not an integer", { ...minimal, priority: 1.5 }, "spec.priority: wrong-type"],
    ["priority a string", { ...minimal, priority: "10" }, "spec.priority: wrong-type"],
  ])(
    "%s is an error and the policy denies all traffic of its subject from the Admin tier",
    (_, spec, error) => {
      const { cnp, issues } = decode({ ...spec, egress: [{ action: "Accept", to: [{ namespaces: {} }] }] });
      expect(errorsAt(issues)).toEqual([error, "spec: fail-closed"]);
      expectDeniesAll(cnp);
      expect(cnp?.subject).toEqual({ kind: "namespaces", namespaces: EVERYTHING });
    },
  );

  it("a Baseline policy with an unusable priority is moved to the Admin tier at priority 0", () => {
    const { cnp } = decode({ ...minimal, tier: "Baseline", priority: 5000 });
    expect([cnp?.tier, cnp?.priority]).toEqual(["Admin", 0]);
  });
});

describe("decodeClusterNetworkPolicy: unknown fields in the object or spec", () => {
  it.each<[string, Json, Json, string]>([
    ["in the spec (NetworkPolicy's podSelector)", { ...minimal, podSelector: {} }, {}, "spec.podSelector"],
    ["in the spec, misspelt", { ...minimal, priorty: 3 }, {}, "spec.priorty"],
    ["in the object", minimal, { extra: 1 }, "extra"],
  ])("%s: failing closed, the policy denies all traffic of its subject", (_, spec, extra, path) => {
    const { cnp, issues } = decode(
      { ...spec, ingress: [{ action: "Accept", from: [{ namespaces: {} }] }] },
      {},
      extra,
    );
    expect(errorsAt(issues)).toEqual([`${path}: unknown-field`, "spec: fail-closed"]);
    expectDeniesAll(cnp);
    expect(cnp?.priority).toBe(10);
  });

  it("a misspelt spec field gets a did-you-mean", () => {
    const { issues } = decode({ ...minimal, priorty: 3 });
    expect(issues[0]?.message).toContain("did you mean `priority`");
  });

  it("in drop mode the field is reported and the policy is read without it", () => {
    const { cnp, issues } = decode({ ...minimal, podSelector: {} }, { unknownFields: "drop" });
    expect(errorsAt(issues)).toEqual(["spec.podSelector: unknown-field"]);
    expect(cnp).toEqual(decode(minimal).cnp);
  });

  it("status is a known field (written by implementations, not read)", () => {
    expect(decode(minimal, {}, { status: { conditions: [] } }).issues).toEqual([]);
  });
});

describe("decodeClusterNetworkPolicy: spec.subject", () => {
  it.each<[string, unknown, ClusterNetworkPolicy["subject"]]>([
    [
      "namespaces",
      { namespaces: app },
      { kind: "namespaces", namespaces: { matchLabels: { app: "a" }, matchExpressions: [] } },
    ],
    [
      "pods without namespaceSelector (every namespace)",
      { pods: { podSelector: app } },
      { kind: "pods", namespaces: EVERYTHING, pods: { matchLabels: { app: "a" }, matchExpressions: [] } },
    ],
  ])("%s", (_, subject, expected) => {
    const { cnp, issues } = decode({ ...minimal, subject });
    expect(issues).toEqual([]);
    expect(cnp?.subject).toEqual(expected);
  });

  it.each<[string, unknown, string[], readonly string[]]>([
    ["missing", undefined, ["spec.subject: required"], []],
    ["not an object", "all", ["spec.subject: wrong-type"], []],
    ["empty (minProperties 1)", {}, ["spec.subject: required"], []],
    [
      "both namespaces and pods (maxProperties 1)",
      { namespaces: {}, pods: { podSelector: {} } },
      ["spec.subject: forbidden"],
      ["namespaces", "pods"],
    ],
    [
      "pods without the required podSelector",
      { pods: { namespaceSelector: {} } },
      ["spec.subject.pods.podSelector: required"],
      ["pods"],
    ],
    [
      "a malformed selector",
      { namespaces: { matchExpressions: [{ key: "a", operator: "Is" }] } },
      ["spec.subject.namespaces.matchExpressions[0].operator: unsupported-value"],
      ["namespaces"],
    ],
    [
      "NetworkPolicy's podSelector",
      { podSelector: {} },
      ["spec.subject.podSelector: unknown-field"],
      ["podSelector"],
    ],
    [
      "a newer API's field",
      { serviceAccounts: {} },
      ["spec.subject.serviceAccounts: unknown-field"],
      ["serviceAccounts"],
    ],
  ])("%s is an error and the subject is unknown (read fail-closed)", (_, subject, errors, fields) => {
    const { cnp, issues } = decode({ ...minimal, subject });
    expect(errorsAt(issues)).toEqual(errors);
    expect(cnp?.subject).toEqual({ kind: "unknown", fields });
    expect(cnp?.tier).toBe("Admin");
  });

  it("NetworkPolicy's podSelector in a subject gets a did-you-mean `pods`", () => {
    const { issues } = decode({ ...minimal, subject: { podSelector: {} } });
    expect(issues[0]?.message).toContain("did you mean `pods`");
    expect(issues.some((i) => i.code === "fail-closed" && i.severity === "warning")).toBe(true);
  });

  it("in drop mode an unknown subject field is dropped and the rest read", () => {
    const { cnp, issues } = decode(
      { ...minimal, subject: { namespaces: {}, serviceAccounts: {} } },
      { unknownFields: "drop" },
    );
    expect(errorsAt(issues)).toEqual(["spec.subject.serviceAccounts: unknown-field"]);
    expect(cnp?.subject).toEqual({ kind: "namespaces", namespaces: EVERYTHING });
  });
});
