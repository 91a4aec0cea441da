import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { selectorMatches } from "../policy/selector.js";
import { validateNetworkPolicy } from "../validate/api/validate-network-policy.js";
import { type KubeVersion, NEWEST_KUBE_VERSION } from "../validate/api/versions.js";
import { apiCheckObjects, kubeVersionOption, loadChecked } from "./api-check.js";
import type { RawObject } from "./documents.js";
import type { InputFs } from "./sources.js";

const v = (minor: number): KubeVersion => ({ major: 1, minor });

function files(entries: Record<string, string>): InputFs {
  return {
    readFile: async (p) => entries[p] ?? Promise.reject(new Error(`ENOENT: ${p}`)),
    kind: (p) => Promise.resolve(p in entries ? "file" : undefined),
    list: () => Promise.resolve([]),
    readStdin: () => Promise.resolve(""),
  };
}

const policy = (spec: unknown, metadata: Record<string, unknown> = { name: "p", namespace: "ns" }) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata,
  spec,
});
const raw = (value: unknown, line = 1): RawObject => ({ value, source: { file: "f.yaml", line } });
const brief = (issues: readonly Issue[]) => issues.map((i) => `${i.severity} ${i.code} ${i.path}`);

const HOST_BITS = policy({ podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.5/8" } }] }] });
const CIDR_PATH = "spec.ingress[0].from[0].ipBlock.cidr";

describe("apiCheckObjects: every command checks NetworkPolicies as `validate` does, at --kube-version", () => {
  it.each<[number, string[]]>([
    [37, [`error cidr-host-bits ${CIDR_PATH}`]],
    [36, [`error cidr-host-bits ${CIDR_PATH}`]],
    [34, [`warning cidr-host-bits ${CIDR_PATH}`]],
    [30, []],
  ])("a CIDR with host bits set at 1.%i, exactly as validate treats it", (minor, expected) => {
    const issues = apiCheckObjects([raw(HOST_BITS, 4)], v(minor));
    expect(brief(issues)).toEqual(expected);
    expect(brief(issues)).toEqual(brief(validateNetworkPolicy(HOST_BITS, { kubeVersion: v(minor) })));
    for (const i of issues) {
      expect(i.source).toEqual({ file: "f.yaml", line: 4 });
      expect(i.object).toEqual({ kind: "NetworkPolicy", namespace: "ns", name: "p" });
    }
  });

  it("one issue per problem: what the decoder reports (unknown field, wrong type, bad value) is not repeated", () => {
    const objects = [
      policy({ podSelector: {}, ingress: [{ from: [{ podSelector: { matchLabel: { app: "x" } } }] }] }),
      policy({ podSelector: {}, ingress: [{ ports: [{ port: true }] }] }),
      policy({ podSelector: {}, ingress: [{ ports: [{ port: "HTTP" }] }] }),
      policy({
        podSelector: {},
        ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["11.0.0.0/16"] } }] }],
      }),
      policy({ podSelector: { matchExpressions: [{ key: "a", operator: "in", values: ["x"] }] } }),
      policy({ podselector: {} }),
      policy({ podSelector: {} }, {}),
    ].map((o) => raw(o));
    expect(apiCheckObjects(objects, v(37))).toEqual([]);
  });

  it("what only the API server checks is kept: label syntax, metadata fields, status in versions without it", () => {
    const labels = policy({ podSelector: { matchLabels: { app: "a b" } } });
    expect(brief(apiCheckObjects([raw(labels)], v(37)))).toEqual([
      "error invalid-value spec.podSelector.matchLabels",
    ]);
    const meta = apiCheckObjects(
      [raw(policy({ podSelector: {} }, { name: "p", lables: { a: "b" } }))],
      v(37),
    );
    expect(brief(meta)).toEqual(["error unknown-field metadata.lables"]);
    expect(meta[0]?.message).toMatch(/^unknown field \(did you mean `labels`\?\); the API server drops it/);
    expect(meta[0]?.object).toEqual({ kind: "NetworkPolicy", namespace: "default", name: "p" });
    const withStatus = raw({ ...policy({ podSelector: {} }), status: {} });
    expect(brief(apiCheckObjects([withStatus], v(37)))).toEqual(["error unknown-field status"]);
    expect(apiCheckObjects([withStatus], v(25))).toEqual([]);
  });

  it("an unknown field in rules that policyTypes leaves unread (so the decoder never sees it) comes from the API check", () => {
    const unread = policy({ podSelector: {}, policyTypes: ["Ingress"], egress: [{ too: [] }] });
    const issues = apiCheckObjects([raw(unread)], v(37));
    expect(brief(issues)).toEqual(["error unknown-field spec.egress[0].too"]);
    expect(issues[0]?.message).toContain("did you mean `to`?");
  });

  it("endPort before 1.21: unknown to that API server, and the message says netguard evaluates the range", () => {
    const ranged = policy({ podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 90 }] }] });
    const issues = apiCheckObjects([raw(ranged)], v(20));
    expect(brief(issues)).toEqual(["error unknown-field spec.ingress[0].ports[0].endPort"]);
    expect(issues[0]?.message).toContain("evaluates the range as written");
    expect(apiCheckObjects([raw(ranged)], v(25))).toEqual([]);
  });

  it("a NetworkPolicy as `kubectl get -o yaml` prints it (stored metadata) has no API issue", () => {
    const stored = policy(
      { podSelector: {}, policyTypes: ["Ingress"] },
      {
        name: "p",
        namespace: "ns",
        uid: "6f1c9a8e-0d7b-4c41-9d0e-1f2a3b4c5d6e",
        resourceVersion: "12345",
        generation: 1,
        creationTimestamp: "2026-01-02T03:04:05Z",
        annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}" },
        managedFields: [{ manager: "kubectl", operation: "Apply", apiVersion: "networking.k8s.io/v1" }],
      },
    );
    expect(apiCheckObjects([raw(stored)], v(37))).toEqual([]);
  });

  it("only NetworkPolicies are checked", () => {
    const pod = { apiVersion: "v1", kind: "Pod", metadata: { name: "a", bogus: 1 }, spec: {} };
    expect(apiCheckObjects([raw(pod), raw("text"), raw(null)], v(37))).toEqual([]);
  });
});

const TYPO = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: p
  namespace: ns
spec:
  podSelector: {}
  ingress:
  - from:
    - podSelector:
        matchLabel:
          app: x
    - ipBlock:
        cidr: 10.0.0.5/8
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: ns
  labels:
    app: web
`;

describe("loadChecked: what simulate, explain, diff and compile load", () => {
  it("reports a typo once with its did-you-mean and evaluates the peer as the API server stores it", async () => {
    const loaded = await loadChecked(files({ "c.yaml": TYPO }), ["c.yaml"], [], { kubeVersion: v(37) });
    const typo = loaded.issues.filter((i) => i.code === "unknown-field");
    expect(typo.map((i) => i.path)).toEqual(["spec.ingress[0].from[0].podSelector.matchLabel"]);
    expect(typo[0]?.message).toContain("did you mean `matchLabels`?");
    const peer = loaded.snapshot.policies[0]?.ingress[0]?.peers;
    expect(peer?.kind).toBe("list");
    const first = peer?.kind === "list" ? peer.items[0] : undefined;
    expect(first?.kind === "pods" && selectorMatches(first.pods, { app: "web" })).toBe(true);
    expect(loaded.objects).toHaveLength(2);
  });

  it("issues are at the line of their field", async () => {
    const loaded = await loadChecked(files({ "c.yaml": TYPO }), ["c.yaml"], [], { kubeVersion: v(37) });
    const at = (code: string) => loaded.issues.find((i) => i.code === code)?.source;
    expect(at("unknown-field")).toEqual({ file: "c.yaml", line: 11 });
    expect(at("cidr-host-bits")).toEqual({ file: "c.yaml", line: 14 });
  });

  it("follows --kube-version: host bits are an error at 1.36, a warning at 1.34, nothing at 1.30", async () => {
    const severity = async (minor: number) =>
      (await loadChecked(files({ "c.yaml": TYPO }), ["c.yaml"], [], { kubeVersion: v(minor) })).issues
        .filter((i) => i.code === "cidr-host-bits")
        .map((i) => i.severity);
    expect(await severity(36)).toEqual(["error"]);
    expect(await severity(34)).toEqual(["warning"]);
    expect(await severity(30)).toEqual([]);
  });

  it("checks the inputs, not the base objects laid under them (the live cluster accepted those)", async () => {
    const base = [
      raw(
        policy(
          { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: "10.0.0.5/8" } }] }] },
          { name: "live", namespace: "ns" },
        ),
      ),
    ];
    const loaded = await loadChecked(files({ "c.yaml": "" }), ["c.yaml"], base, { kubeVersion: v(37) });
    expect(loaded.issues.filter((i) => i.code === "cidr-host-bits")).toEqual([]);
    expect(loaded.snapshot.policies.map((p) => p.name)).toEqual(["live"]);
  });
});

describe("kubeVersionOption: --kube-version as validate reads it", () => {
  it("defaults to the newest tracked release, notes a newer one and rejects a non-version", () => {
    expect(kubeVersionOption(undefined)).toEqual({ version: NEWEST_KUBE_VERSION });
    expect(kubeVersionOption("v1.30.2")).toEqual({ version: v(30) });
    const newer = kubeVersionOption("1.99");
    expect(typeof newer !== "string" && newer.note).toContain("newer than the newest release");
    expect(kubeVersionOption("2.0")).toMatch(/^--kube-version: /);
  });
});
