import { describe, expect, it } from "vitest";
import type { Issue } from "../../issue/issue.js";
import { validateNetworkPolicy } from "./validate-network-policy.js";
import { type KubeVersion, parseKubeVersion } from "./versions.js";

type Json = Record<string, unknown>;

const V = (s: string): KubeVersion => parseKubeVersion(s) as KubeVersion;
const NEW = V("1.35");

const policy = (spec: Json = { podSelector: {} }, metadata: Json = { name: "p", namespace: "ns" }): Json => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata,
  spec,
});
const ingressFrom = (peer: unknown): Json => policy({ podSelector: {}, ingress: [{ from: [peer] }] });
const egressPort = (port: unknown): Json => policy({ podSelector: {}, egress: [{ ports: [port] }] });
const selector = (sel: unknown): Json => policy({ podSelector: sel });

const errors = (issues: readonly Issue[]) => issues.filter((i) => i.severity === "error");
const brief = (i: Issue) => ({ path: i.path, code: i.code, severity: i.severity });

type Case = [name: string, manifest: unknown, path: string, code: string, message?: string | RegExp];

/** Each case: the manifest must produce an error with exactly this path and code. */
const REJECTED: Case[] = [
  // strict decoding
  [
    "unknown spec field",
    policy({ podselector: {} }),
    "spec.podselector",
    "unknown-field",
    'unknown field "spec.podselector"',
  ],
  ["unknown rule field", policy({ ingress: [{ form: [] }] }), "spec.ingress[0].form", "unknown-field"],
  ["unknown metadata field", policy({}, { name: "p", lables: {} }), "metadata.lables", "unknown-field"],
  ["unknown top-level field", { ...policy(), extra: 1 }, "extra", "unknown-field"],
  ["case matters", policy({ PodSelector: {} }), "spec.PodSelector", "unknown-field"],
  ["status is unknown after 1.26", { ...policy(), status: {} }, "status", "unknown-field"],
  [
    "endPort as a string",
    egressPort({ port: 30000, endPort: "30100" }),
    "spec.egress[0].ports[0].endPort",
    "wrong-type",
    "Invalid type: cannot unmarshal string into Go struct field NetworkPolicyPort.spec.egress.ports.endPort of type int32",
  ],
  ["port as a bool", egressPort({ port: true }), "spec.egress[0].ports[0].port", "wrong-type"],
  ["port not an integer", egressPort({ port: 80.5 }), "spec.egress[0].ports[0].port", "wrong-type"],
  ["port beyond int32", egressPort({ port: 2 ** 31 }), "spec.egress[0].ports[0].port", "wrong-type"],
  ["policyTypes as a string", policy({ policyTypes: "Ingress" }), "spec.policyTypes", "wrong-type"],
  [
    "matchLabels value a number",
    selector({ matchLabels: { a: 1 } }),
    "spec.podSelector.matchLabels.a",
    "wrong-type",
  ],
  ["spec a list", policy([] as unknown as Json), "spec", "wrong-type"],
  ["labels a list", policy({}, { name: "p", labels: ["a"] }), "metadata.labels", "wrong-type"],
  [
    "bad creationTimestamp",
    policy({}, { name: "p", creationTimestamp: "yesterday" }),
    "metadata.creationTimestamp",
    "wrong-type",
  ],
  ["generation a string", policy({}, { name: "p", generation: "1" }), "metadata.generation", "wrong-type"],
  // type meta
  ["wrong apiVersion", { ...policy(), apiVersion: "extensions/v1beta1" }, "apiVersion", "unsupported-value"],
  ["missing kind", { ...policy(), kind: undefined }, "kind", "required"],
  // metadata
  [
    "no name",
    policy({}, { namespace: "ns" }),
    "metadata.name",
    "required",
    "Required value: name or generateName is required",
  ],
  [
    "upper-case name",
    policy({}, { name: "Web" }),
    "metadata.name",
    "invalid-value",
    /^Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '\.', and must start and end with an alphanumeric character \(e\.g\. 'example\.com', regex used/,
  ],
  [
    "name too long",
    policy({}, { name: "a".repeat(254) }),
    "metadata.name",
    "too-long",
    /must be no more than 253 characters/,
  ],
  ["name ends with a dash", policy({}, { name: "web-" }), "metadata.name", "invalid-value"],
  ["bad generateName", policy({}, { generateName: "Web-" }), "metadata.generateName", "invalid-value"],
  [
    "namespace with a dot",
    policy({}, { name: "p", namespace: "a.b" }),
    "metadata.namespace",
    "invalid-value",
  ],
  [
    "namespace too long",
    policy({}, { name: "p", namespace: "a".repeat(64) }),
    "metadata.namespace",
    "too-long",
    /must be no more than 63 characters/,
  ],
  [
    "label key with two slashes",
    policy({}, { name: "p", labels: { "a/b/c": "x" } }),
    "metadata.labels",
    "invalid-value",
  ],
  [
    "label key prefix upper-case",
    policy({}, { name: "p", labels: { "Example.com/a": "x" } }),
    "metadata.labels",
    "invalid-value",
  ],
  [
    "label key name too long",
    policy({}, { name: "p", labels: { ["k".repeat(64)]: "x" } }),
    "metadata.labels",
    "too-long",
    /name part must be no more than 63 characters/,
  ],
  [
    "label value too long",
    policy({}, { name: "p", labels: { a: "v".repeat(64) } }),
    "metadata.labels",
    "too-long",
  ],
  [
    "label value with a space",
    policy({}, { name: "p", labels: { a: "b c" } }),
    "metadata.labels",
    "invalid-value",
  ],
  [
    "annotation key with a space",
    policy({}, { name: "p", annotations: { "a b": "x" } }),
    "metadata.annotations",
    "invalid-value",
  ],
  [
    "annotations over 256KiB",
    policy({}, { name: "p", annotations: { a: "x".repeat(256 * 1024) } }),
    "metadata.annotations",
    "too-long",
    "Too long: must have at most 262144 bytes",
  ],
  [
    "resourceVersion on create",
    policy({}, { name: "p", resourceVersion: "12" }),
    "metadata.resourceVersion",
    "forbidden",
  ],
  [
    "owner reference without uid",
    policy({}, { name: "p", ownerReferences: [{ apiVersion: "v1", kind: "Pod", name: "x" }] }),
    "metadata.ownerReferences.uid",
    "invalid-value",
  ],
  [
    "unqualified finalizer",
    policy({}, { name: "p", finalizers: ["cleanup"] }),
    "metadata.finalizers[0]",
    "invalid-value",
  ],
  // selectors
  [
    "matchLabels bad key",
    selector({ matchLabels: { "-a": "x" } }),
    "spec.podSelector.matchLabels",
    "invalid-value",
  ],
  [
    "matchLabels bad value",
    selector({ matchLabels: { a: "-x" } }),
    "spec.podSelector.matchLabels",
    "invalid-value",
  ],
  [
    "unknown operator",
    selector({ matchExpressions: [{ key: "a", operator: "Equals", values: ["x"] }] }),
    "spec.podSelector.matchExpressions[0].operator",
    "unsupported-value",
    'Invalid value: "Equals": not a valid selector operator',
  ],
  [
    "missing operator",
    selector({ matchExpressions: [{ key: "a" }] }),
    "spec.podSelector.matchExpressions[0].operator",
    "unsupported-value",
  ],
  [
    "In without values",
    selector({ matchExpressions: [{ key: "a", operator: "In" }] }),
    "spec.podSelector.matchExpressions[0].values",
    "required",
  ],
  [
    "NotIn with empty values",
    selector({ matchExpressions: [{ key: "a", operator: "NotIn", values: [] }] }),
    "spec.podSelector.matchExpressions[0].values",
    "required",
  ],
  [
    "Exists with values",
    selector({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }),
    "spec.podSelector.matchExpressions[0].values",
    "forbidden",
  ],
  [
    "expression without key",
    selector({ matchExpressions: [{ operator: "Exists" }] }),
    "spec.podSelector.matchExpressions[0].key",
    "invalid-value",
  ],
  [
    "expression bad value",
    selector({ matchExpressions: [{ key: "a", operator: "In", values: ["ok", "not ok"] }] }),
    "spec.podSelector.matchExpressions[0].values[1]",
    "invalid-value",
  ],
  [
    "peer namespaceSelector bad key",
    ingressFrom({ namespaceSelector: { matchLabels: { "a b": "" } } }),
    "spec.ingress[0].from[0].namespaceSelector.matchLabels",
    "invalid-value",
  ],
  // policyTypes
  [
    "unknown policy type",
    policy({ policyTypes: ["FOO"] }),
    "spec.policyTypes[0]",
    "unsupported-value",
    'Unsupported value: "FOO": supported values: "Ingress", "Egress"',
  ],
  [
    "lower-case policy type",
    policy({ policyTypes: ["Ingress", "egress"] }),
    "spec.policyTypes[1]",
    "unsupported-value",
  ],
  [
    "three policy types",
    policy({ policyTypes: ["Ingress", "Egress", "Ingress"] }),
    "spec.policyTypes",
    "invalid-value",
    /may not specify more than two policyTypes/,
  ],
  ["null policy type", policy({ policyTypes: [null] }), "spec.policyTypes[0]", "unsupported-value"],
  // peers
  [
    "empty peer",
    ingressFrom({}),
    "spec.ingress[0].from[0]",
    "required",
    "Required value: must specify a peer",
  ],
  ["null peer", ingressFrom(null), "spec.ingress[0].from[0]", "required"],
  [
    "ipBlock and podSelector",
    ingressFrom({ podSelector: {}, ipBlock: { cidr: "10.0.0.0/8" } }),
    "spec.ingress[0].from[0]",
    "forbidden",
    "Forbidden: may not specify both ipBlock and another peer",
  ],
  [
    "ipBlock and namespaceSelector (egress)",
    policy({ egress: [{ to: [{ namespaceSelector: {}, ipBlock: { cidr: "10.0.0.0/8" } }] }] }),
    "spec.egress[0].to[0]",
    "forbidden",
  ],
  // ipBlock
  [
    "ipBlock without cidr",
    ingressFrom({ ipBlock: {} }),
    "spec.ingress[0].from[0].ipBlock.cidr",
    "required",
    "Required value",
  ],
  ["cidr null", ingressFrom({ ipBlock: { cidr: null } }), "spec.ingress[0].from[0].ipBlock.cidr", "required"],
  [
    "cidr without prefix",
    ingressFrom({ ipBlock: { cidr: "10.0.0.0" } }),
    "spec.ingress[0].from[0].ipBlock.cidr",
    "invalid-value",
    'Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
  ],
  [
    "cidr prefix too long",
    ingressFrom({ ipBlock: { cidr: "10.0.0.0/33" } }),
    "spec.ingress[0].from[0].ipBlock.cidr",
    "invalid-value",
  ],
  [
    "cidr with a zone",
    ingressFrom({ ipBlock: { cidr: "fe80::1%eth0/64" } }),
    "spec.ingress[0].from[0].ipBlock.cidr",
    "invalid-value",
  ],
  [
    "except not a CIDR",
    ingressFrom({ ipBlock: { cidr: "10.0.0.0/8", except: ["x"] } }),
    "spec.ingress[0].from[0].ipBlock.except[0]",
    "invalid-value",
  ],
  [
    "except equal to cidr",
    ingressFrom({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.0.0.0/8"] } }),
    "spec.ingress[0].from[0].ipBlock.except[0]",
    "not-subset",
    'Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
  ],
  [
    "except outside cidr",
    ingressFrom({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "192.168.0.0/16"] } }),
    "spec.ingress[0].from[0].ipBlock.except[1]",
    "not-subset",
  ],
  [
    "except of the other family",
    policy({ egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["fd00::/64"] } }] }] }),
    "spec.egress[0].to[0].ipBlock.except[0]",
    "not-subset",
  ],
  // ports
  [
    "unknown protocol",
    egressPort({ protocol: "ICMP" }),
    "spec.egress[0].ports[0].protocol",
    "unsupported-value",
    'Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
  ],
  [
    "lower-case protocol",
    egressPort({ protocol: "tcp", port: 80 }),
    "spec.egress[0].ports[0].protocol",
    "unsupported-value",
  ],
  [
    "port 0",
    egressPort({ port: 0 }),
    "spec.egress[0].ports[0].port",
    "invalid-value",
    "Invalid value: 0: must be between 1 and 65535, inclusive",
  ],
  ["port 65536", egressPort({ port: 65536 }), "spec.egress[0].ports[0].port", "invalid-value"],
  [
    "quoted number is a bad port name",
    egressPort({ port: "8080" }),
    "spec.egress[0].ports[0].port",
    "invalid-value",
    'Invalid value: "8080": must contain at least one letter (a-z)',
  ],
  [
    "port name too long",
    egressPort({ port: "a-very-long-port-name" }),
    "spec.egress[0].ports[0].port",
    "too-long",
    /must be no more than 15 characters/,
  ],
  ["port name upper-case", egressPort({ port: "HTTP" }), "spec.egress[0].ports[0].port", "invalid-value"],
  [
    "port name double hyphen",
    egressPort({ port: "a--b" }),
    "spec.egress[0].ports[0].port",
    "invalid-value",
    /must not contain consecutive hyphens/,
  ],
  [
    "port name leading hyphen",
    egressPort({ port: "-http" }),
    "spec.egress[0].ports[0].port",
    "invalid-value",
    /must not begin or end with a hyphen/,
  ],
  ["empty port name", egressPort({ port: "" }), "spec.egress[0].ports[0].port", "invalid-value"],
  [
    "endPort without port",
    egressPort({ endPort: 100 }),
    "spec.egress[0].ports[0].endPort",
    "forbidden",
    "Invalid value: 100: may not be specified when `port` is not specified",
  ],
  [
    "endPort with named port",
    egressPort({ port: "http", endPort: 100 }),
    "spec.egress[0].ports[0].endPort",
    "forbidden",
    /may not be specified when `port` is non-numeric/,
  ],
  [
    "endPort below port",
    egressPort({ port: 100, endPort: 99 }),
    "spec.egress[0].ports[0].endPort",
    "invalid-value",
    /must be greater than or equal to `port`/,
  ],
  [
    "endPort above 65535",
    egressPort({ port: 100, endPort: 70000 }),
    "spec.egress[0].ports[0].endPort",
    "invalid-value",
    /must be between 1 and 65535, inclusive/,
  ],
];

describe("validateNetworkPolicy: manifests the API server rejects", () => {
  it.each(REJECTED)("%s", (_name, manifest, path, code, message) => {
    const found = errors(validateNetworkPolicy(manifest, { kubeVersion: NEW })).filter(
      (i) => i.path === path && i.code === code,
    );
    expect(found, JSON.stringify(validateNetworkPolicy(manifest, { kubeVersion: NEW }))).not.toHaveLength(0);
    if (typeof message === "string") expect(found.map((i) => i.message)).toContain(message);
    else if (message) expect(found.some((i) => message.test(i.message))).toBe(true);
  });
});

/** Manifests the API server accepts: no errors. */
const ACCEPTED: [string, unknown][] = [
  ["minimal", policy()],
  ["no spec at all", { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p" } }],
  ["generateName only", policy({}, { generateName: "web-" })],
  ["dotted name", policy({}, { name: "a.b-c.d" })],
  ["duplicate policyTypes", policy({ policyTypes: ["Ingress", "Ingress"] })],
  ["empty policyTypes", policy({ policyTypes: [] })],
  ["null fields", policy({ podSelector: null, ingress: null, egress: [{ ports: null, to: null }] })],
  ["null port entry is a zero port", egressPort(null)],
  ["named port", egressPort({ protocol: "SCTP", port: "metrics-2" })],
  ["port range", egressPort({ port: 32000, endPort: 32768 })],
  ["endPort equal to port", egressPort({ port: 80, endPort: 80 })],
  ["protocol only", egressPort({ protocol: "UDP" })],
  [
    "both selectors in one peer",
    ingressFrom({ podSelector: { matchLabels: { a: "b" } }, namespaceSelector: {} }),
  ],
  [
    "ipBlock with except",
    ingressFrom({ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "10.2.3.4/32"] } }),
  ],
  ["IPv6 ipBlock", ingressFrom({ ipBlock: { cidr: "2001:db8::/32", except: ["2001:db8:1::/48"] } })],
  ["match everything", ingressFrom({ ipBlock: { cidr: "0.0.0.0/0", except: ["169.254.169.254/32"] } })],
  ["empty label value", selector({ matchLabels: { "example.com/role": "" } })],
  ["upper-case annotation key", policy({}, { name: "p", annotations: { "Example.COM/Note": "x y z" } })],
  ["label key with prefix", policy({}, { name: "p", labels: { "app.kubernetes.io/name": "web_1.x" } })],
  [
    "Exists/DoesNotExist without values",
    selector({
      matchExpressions: [
        { key: "a", operator: "Exists" },
        { key: "b", operator: "DoesNotExist", values: [] },
      ],
    }),
  ],
  ["empty namespace (filled by the request)", policy({}, { name: "p", namespace: "" })],
  ["null creationTimestamp", policy({}, { name: "p", creationTimestamp: null })],
  [
    "server-set fields",
    policy({}, { name: "p", uid: "x", creationTimestamp: "2024-01-02T03:04:05Z", generation: 3 }),
  ],
  ["standard finalizer", policy({}, { name: "p", finalizers: ["kubernetes", "example.com/x"] })],
  [
    "owner reference",
    policy(
      {},
      {
        name: "p",
        ownerReferences: [
          { apiVersion: "apps/v1", kind: "Deployment", name: "d", uid: "u", controller: true },
        ],
      },
    ),
  ],
];

describe("validateNetworkPolicy: manifests the API server accepts", () => {
  it.each(ACCEPTED)("%s", (_name, manifest) => {
    expect(errors(validateNetworkPolicy(manifest, { kubeVersion: NEW })).map(brief)).toEqual([]);
  });
});

describe("decoding errors stop validation, as in the API server", () => {
  it("reports the type error only", () => {
    const issues = validateNetworkPolicy(
      policy({ podSelector: {}, egress: [{ ports: [{ port: "x", endPort: "9" }] }] }, { name: "BAD" }),
      { kubeVersion: NEW },
    );
    expect(issues.map(brief)).toEqual([
      { path: "spec.egress[0].ports[0].endPort", code: "wrong-type", severity: "error" },
    ]);
  });
  it("reports unknown fields and still validates", () => {
    const issues = validateNetworkPolicy(policy({ podselector: {} }, { name: "BAD" }), { kubeVersion: NEW });
    expect(issues.map((i) => i.path).sort()).toEqual(["metadata.name", "spec.podselector"]);
  });
  it("never throws on a non-object", () => {
    for (const v of [null, 1, "x", [], true]) {
      expect(errors(validateNetworkPolicy(v, { kubeVersion: NEW })).length).toBeGreaterThan(0);
    }
  });
});
