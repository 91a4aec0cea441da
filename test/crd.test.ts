/**
 * crds/policy.networking.k8s.io_clusternetworkpolicies.yaml, read as the API server reads it: a valid
 * `apiextensions.k8s.io/v1` CRD (names, scope, status subresource, printer columns, a structural
 * schema), and example ClusterNetworkPolicies accepted or rejected by its openAPIV3Schema for every
 * limit of the published v1alpha2 API. The OpenAPI keywords are checked by ajv; what ajv cannot read
 * (`x-kubernetes-validations` CEL rules, `x-kubernetes-list-type` set/map, strict field validation)
 * is checked by a walk over the same schema, each CEL expression by its TypeScript reading in `CEL`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv, type ErrorObject } from "ajv";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type { Issue } from "../src/issue/issue.js";
import { parseAddr } from "../src/net/address.js";
import { parseCidr } from "../src/net/cidr.js";
import { decodeObjects } from "../src/load/snapshot.js";
import { checkClusterPolicy } from "../src/validate/cluster-policies.js";

type Json = unknown;
type Rec = Record<string, Json>;
interface Schema {
  readonly type?: string;
  readonly format?: string;
  readonly properties?: Readonly<Record<string, Schema>>;
  readonly items?: Schema;
  readonly additionalProperties?: Schema;
  readonly required?: readonly string[];
  readonly "x-kubernetes-validations"?: readonly { rule: string; message: string }[];
  readonly "x-kubernetes-list-type"?: string;
  readonly "x-kubernetes-list-map-keys"?: readonly string[];
  readonly "x-kubernetes-map-type"?: string;
  readonly [key: string]: unknown;
}
interface Version {
  name: string;
  served: boolean;
  storage: boolean;
  subresources?: Rec;
  additionalPrinterColumns?: Rec[];
  schema: { openAPIV3Schema: Schema };
}
interface Crd {
  apiVersion: string;
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { group: string; scope: string; names: Rec; versions: Version[] };
}

const file = join(import.meta.dirname, "..", "crds", "policy.networking.k8s.io_clusternetworkpolicies.yaml");
const doc = parseDocument(readFileSync(file, "utf8"), { uniqueKeys: true });
const crd = doc.toJS() as Crd;
const version = crd.spec.versions[0] as Version;
const root = version.schema.openAPIV3Schema;

const isRec = (v: Json): v is Rec => typeof v === "object" && v !== null && !Array.isArray(v);
const has = (v: Json, key: string): boolean => isRec(v) && v[key] !== undefined;
const list = (v: Json): Json[] => (Array.isArray(v) ? (v as Json[]) : []);

/** `isCIDR` of the Kubernetes CEL library: netip.ParsePrefix, and no IPv4-mapped IPv6 address. */
function isCidr(text: string): boolean {
  const addr = parseAddr(text.slice(0, text.indexOf("/")));
  const mapped = addr?.family === "IPv6" && addr.value >> 32n === 0xffffn;
  return typeof parseCidr(text) !== "string" && !mapped;
}

/** Every CEL expression the CRD may hold, read in TypeScript: `self` is the value at the rule's place. */
const CEL: Readonly<Record<string, (self: Json) => boolean>> = {
  "isCIDR(self)": (self) => typeof self === "string" && isCidr(self),
  "self.start < self.end": (self) => isRec(self) && Number(self.start) < Number(self.end),
  "!(self.to.exists(peer, has(peer.networks) || has(peer.nodes) || has(peer.domainNames)) && has(self.protocols) && self.protocols.exists(protocol, has(protocol.destinationNamedPort)))":
    (self) =>
      !(
        list(isRec(self) ? self.to : undefined).some(
          (p) => has(p, "networks") || has(p, "nodes") || has(p, "domainNames"),
        ) &&
        has(self, "protocols") &&
        list(isRec(self) ? self.protocols : undefined).some((p) => has(p, "destinationNamedPort"))
      ),
};

/** Each schema node with its path (`spec.egress[].to[]`), depth first. */
function* nodes(s: Schema, path = ""): Generator<[string, Schema]> {
  yield [path, s];
  for (const [k, p] of Object.entries(s.properties ?? {})) yield* nodes(p, path ? `${path}.${k}` : k);
  if (s.items) yield* nodes(s.items, `${path}[]`);
  if (s.additionalProperties) yield* nodes(s.additionalProperties, `${path}{}`);
}

/** The schema as plain JSON Schema for ajv: without the `x-kubernetes-*` keys. */
function plain(s: Json): Json {
  if (Array.isArray(s)) return s.map(plain);
  if (!isRec(s)) return s;
  return Object.fromEntries(
    Object.entries(s)
      .filter(([k]) => !k.startsWith("x-kubernetes-"))
      .map(([k, v]) => [k, k === "properties" && isRec(v) ? mapValues(v, plain) : plain(v)]),
  );
}
const mapValues = (r: Rec, f: (v: Json) => Json): Rec =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, f(v)]));

const ajv = new Ajv({ allErrors: true, strict: true });
ajvFormats.default(ajv, ["date-time"]);
ajv.addFormat("int32", { type: "number", validate: (n) => n >= -(2 ** 31) && n < 2 ** 31 });
ajv.addFormat("int64", { type: "number", validate: (n) => Number.isSafeInteger(n) });
const check = ajv.compile(plain(root) as object);

const typeOf = (v: Json): string =>
  Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : v === null ? "null" : typeof v;
const fits = (s: Schema, v: Json): boolean =>
  s.type === typeOf(v) || (s.type === "number" && typeOf(v) === "integer");

/** What ajv cannot check: CEL rules, set and map lists, and unknown fields (kubectl's strict validation). */
function kubeErrors(s: Schema, v: Json, at: string, out: string[]): void {
  if (!fits(s, v)) return; // a type error, already reported by ajv; the API server stops there too
  for (const { rule, message } of s["x-kubernetes-validations"] ?? []) {
    const cel = CEL[rule];
    if (!cel) throw new Error(`no TypeScript reading of the CEL rule ${rule}`);
    if (!cel(v)) out.push(`${at} ${message}`);
  }
  const items = list(v);
  const keyOf = (x: Json): string =>
    s["x-kubernetes-list-type"] === "map"
      ? JSON.stringify((s["x-kubernetes-list-map-keys"] ?? []).map((k) => (isRec(x) ? x[k] : undefined)))
      : JSON.stringify(x);
  if (s["x-kubernetes-list-type"] === "set" || s["x-kubernetes-list-type"] === "map") {
    const keys = items.map(keyOf);
    if (new Set(keys).size < keys.length) out.push(`${at} duplicate ${s["x-kubernetes-list-type"]} item`);
  }
  items.forEach((x, i) => s.items && kubeErrors(s.items, x, `${at}/${i}`, out));
  if (!isRec(v) || (!s.properties && !s.additionalProperties)) return;
  for (const [k, x] of Object.entries(v)) {
    const sub = s.properties?.[k] ?? s.additionalProperties;
    if (sub) kubeErrors(sub, x, `${at}/${k}`, out);
    else out.push(`${at}/${k} unknown field`);
  }
}

const ajvError = (e: ErrorObject): string =>
  `${e.instancePath || "/"} ${e.keyword}${e.keyword === "required" ? ` ${String(e.params.missingProperty)}` : ""}`;

/** Why the API server would reject `obj` (empty: accepted), as `/json/pointer reason` lines. */
function rejections(obj: Json): string[] {
  const out = check(obj) ? [] : (check.errors ?? []).map(ajvError);
  kubeErrors(root, obj, "", out);
  return out;
}

/**
 * The errors `netguard validate` reports for `obj` (src/validate/cluster-policies.ts, the one
 * decoder plus metadata checks), but `domainNames`' `unsupported-field`: netguard's own refusal,
 * which the API server does not share.
 */
function validateErrors(obj: Json): string[] {
  const found: Issue[] = [];
  const [decoded] = decodeObjects([{ value: obj, source: { file: "t.yaml", line: 1 } }]);
  if (decoded) checkClusterPolicy(decoded, found);
  return found
    .filter((i) => i.severity === "error" && i.code !== "unsupported-field")
    .map((i) => `${i.path}: ${i.message}`);
}

// ---- Examples -------------------------------------------------------------------------------------

const times = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const cnp = (spec: Rec, extra: Rec = {}): Rec => ({
  apiVersion: "policy.networking.k8s.io/v1alpha2",
  kind: "ClusterNetworkPolicy",
  metadata: { name: "example" },
  spec: { tier: "Admin", priority: 10, subject: { namespaces: {} }, ...spec },
  ...extra,
});
const ns = { namespaces: { matchLabels: { team: "a" } } };
const egress = (rule: Rec): Rec => cnp({ egress: [{ action: "Deny", to: [ns], ...rule }] });
const ingress = (rule: Rec): Rec => cnp({ ingress: [{ action: "Deny", from: [ns], ...rule }] });
const tcp = (destinationPort: Json): Rec => ({ tcp: { destinationPort } });
const cidrs = (...networks: Json[]): Rec => egress({ to: [{ networks }] });
const domains = (...domainNames: Json[]): Rec => egress({ action: "Accept", to: [{ domainNames }] });
const condition = (type: string, extra: Rec = {}): Rec => ({
  type,
  status: "True",
  lastTransitionTime: "2026-01-02T03:04:05Z",
  reason: "Programmed",
  message: "",
  ...extra,
});
const full = cnp(
  {
    tier: "Baseline",
    priority: 1000,
    subject: { pods: { namespaceSelector: { matchLabels: { a: "b" } }, podSelector: {} } },
    ingress: [
      {
        name: "web",
        action: "Accept",
        from: [
          ns,
          {
            pods: {
              namespaceSelector: {},
              podSelector: { matchExpressions: [{ key: "x", operator: "Exists" }] },
            },
          },
        ],
        protocols: [
          tcp({ number: 80 }),
          { udp: { destinationPort: { range: { start: 1, end: 65535 } } } },
          { sctp: { destinationPort: { number: 65535 } } },
          { destinationNamedPort: "http" },
        ],
      },
      { action: "Pass", from: [{ namespaces: {} }] },
    ],
    egress: [
      {
        action: "Deny",
        to: [{ networks: ["10.0.0.1/8", "fd00::/8", "0.0.0.0/0", "::/0"] }, { nodes: {} }],
        protocols: [tcp({ number: 6443 })],
      },
      { action: "Accept", to: [{ domainNames: ["kubernetes.io", "*.kubernetes.io", "example.com."] }] },
      { action: "Accept", to: [ns], protocols: [{ destinationNamedPort: "dns" }] },
    ],
  },
  {
    status: {
      conditions: [
        condition("Accepted"),
        condition("Programmed", { status: "Unknown", observedGeneration: 3 }),
      ],
    },
  },
);

describe("crds/policy.networking.k8s.io_clusternetworkpolicies.yaml", () => {
  it("is one YAML document without errors or duplicate keys", () => {
    expect([...doc.errors, ...doc.warnings].map((e) => e.message)).toEqual([]);
  });

  it("defines the cluster-scoped ClusterNetworkPolicy of policy.networking.k8s.io, short name cnp", () => {
    expect([crd.apiVersion, crd.kind]).toEqual(["apiextensions.k8s.io/v1", "CustomResourceDefinition"]);
    expect(crd.metadata.name).toBe("clusternetworkpolicies.policy.networking.k8s.io");
    expect(crd.spec.group).toBe("policy.networking.k8s.io");
    expect(crd.spec.scope).toBe("Cluster");
    expect(crd.spec.names).toEqual({
      kind: "ClusterNetworkPolicy",
      listKind: "ClusterNetworkPolicyList",
      plural: "clusternetworkpolicies",
      singular: "clusternetworkpolicy",
      shortNames: ["cnp"],
    });
  });

  it("carries the approval a *.k8s.io group needs, and names the bundle and channel it matches", () => {
    // The API server refuses a CRD in a k8s.io group without api-approved.kubernetes.io.
    expect(crd.metadata.annotations).toEqual({
      "api-approved.kubernetes.io": "https://github.com/kubernetes-sigs/network-policy-api/pull/300",
      "policy.networking.k8s.io/bundle-version": "v0.2.0",
      "policy.networking.k8s.io/channel": "experimental",
    });
  });

  it("serves and stores v1alpha2 only, with the status subresource and tier, priority, age columns", () => {
    expect(crd.spec.versions.map((v) => [v.name, v.served, v.storage])).toEqual([["v1alpha2", true, true]]);
    expect(version.subresources).toEqual({ status: {} });
    expect(version.additionalPrinterColumns).toEqual([
      { name: "Tier", type: "string", jsonPath: ".spec.tier" },
      { name: "Priority", type: "string", jsonPath: ".spec.priority" },
      { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
    ]);
  });

  it("has a structural schema: every node typed, only keywords a CRD allows, no properties beside additionalProperties", () => {
    const allowed = new Set(
      "type format description properties items additionalProperties required enum minimum maximum minLength maxLength pattern minItems maxItems minProperties maxProperties".split(
        " ",
      ),
    );
    for (const [path, s] of nodes(root)) {
      expect([path, typeof s.type]).toEqual([path, "string"]);
      const bad = Object.keys(s).filter((k) => !allowed.has(k) && !k.startsWith("x-kubernetes-"));
      expect([path, bad]).toEqual([path, []]);
      expect([path, s.properties && s.additionalProperties]).toEqual([path, undefined]);
      for (const r of s.required ?? [])
        expect([path, r, s.properties?.[r] !== undefined]).toEqual([path, r, true]);
      if (s["x-kubernetes-list-type"] === "set") expect([path, s.items?.type]).toEqual([path, "string"]);
      for (const k of s["x-kubernetes-list-map-keys"] ?? []) expect(s.items?.required).toContain(k);
    }
    // Integers carry the format of their Go type: int32 everywhere, int64 for observedGeneration.
    const integers = [...nodes(root)].filter(([, s]) => s.type === "integer");
    expect(integers.map(([p, s]) => [p.endsWith(".observedGeneration"), s.format])).toEqual(
      integers.map(([p]) => [
        p.endsWith(".observedGeneration"),
        p.endsWith(".observedGeneration") ? "int64" : "int32",
      ]),
    );
    expect(root.required).toEqual(["metadata", "spec"]);
    expect(root.properties?.metadata).toEqual({ type: "object" });
  });

  it("every label selector has the same LabelSelector schema, atomic", () => {
    const selectors = [...nodes(root)].filter(([, s]) => s["x-kubernetes-map-type"] === "atomic");
    expect(selectors.map(([p]) => p).sort()).toEqual([
      "spec.egress[].to[].namespaces",
      "spec.egress[].to[].nodes",
      "spec.egress[].to[].pods.namespaceSelector",
      "spec.egress[].to[].pods.podSelector",
      "spec.ingress[].from[].namespaces",
      "spec.ingress[].from[].pods.namespaceSelector",
      "spec.ingress[].from[].pods.podSelector",
      "spec.subject.namespaces",
      "spec.subject.pods.namespaceSelector",
      "spec.subject.pods.podSelector",
    ]);
    const bare = ([, s]: [string, Schema]) => JSON.stringify({ ...s, description: undefined });
    expect(new Set(selectors.map(bare)).size).toBe(1);
  });

  it("writes each repeated definition the same way: rule fields, peers, protocols, ports", () => {
    const at = (path: string): Schema => {
      const found = [...nodes(root)].find(([p]) => p === path);
      if (!found) throw new Error(`no schema node ${path}`);
      return found[1];
    };
    const strip = (v: Json): Json =>
      Array.isArray(v) ? v.map(strip) : isRec(v) ? mapValues({ ...v, description: undefined }, strip) : v;
    const shape = (path: string): string => JSON.stringify(strip(at(path)));
    const same = (...paths: string[]) => expect(new Set(paths.map(shape)).size, paths.join(" = ")).toBe(1);
    for (const field of ["name", "action", "protocols"])
      same(`spec.ingress[].${field}`, `spec.egress[].${field}`);
    for (const kind of ["namespaces", "pods"])
      same(`spec.ingress[].from[].${kind}`, `spec.egress[].to[].${kind}`);
    same("spec.subject.pods", "spec.ingress[].from[].pods");
    const peers = (p: string) => JSON.stringify({ ...(strip(at(p)) as Rec), items: undefined });
    expect(peers("spec.ingress[].from")).toBe(peers("spec.egress[].to"));
    expect(peers("spec.ingress")).toBe(peers("spec.egress"));
    same(...["tcp", "udp", "sctp"].map((p) => `spec.ingress[].protocols[].${p}`));
  });

  it("holds exactly the CEL rules of the published API, each with a reading in this test", () => {
    const rules = [...nodes(root)].flatMap(([p, s]) =>
      (s["x-kubernetes-validations"] ?? []).map((v) => `${p}: ${v.rule}`),
    );
    const range = "self.start < self.end";
    const named = Object.keys(CEL).find((r) => r.includes("destinationNamedPort"));
    expect(rules.sort()).toEqual(
      [
        "spec.egress[]: " + String(named),
        "spec.egress[].to[].networks[]: isCIDR(self)",
        ...["ingress[].protocols[]", "egress[].protocols[]"].flatMap((r) =>
          ["sctp", "tcp", "udp"].map((p) => `spec.${r}.${p}.destinationPort.range: ${range}`),
        ),
      ].sort(),
    );
  });

  it("marks the experimental fields as such in their descriptions", () => {
    const experimental = [...nodes(root)].filter(([, s]) => String(s.description).startsWith("Experimental"));
    expect(experimental.map(([p]) => p).sort()).toEqual([
      "spec.egress[].protocols[].destinationNamedPort",
      "spec.egress[].to[].domainNames",
      "spec.egress[].to[].nodes",
      "spec.ingress[].protocols[].destinationNamedPort",
    ]);
  });
});

describe("a ClusterNetworkPolicy the CRD accepts", () => {
  it.each<[string, Json]>([
    ["the smallest policy: tier, priority and a subject", cnp({})],
    ["every field, experimental ones included, and a status", full],
    ["priority 0", cnp({ priority: 0 })],
    [
      "a pods subject without namespaceSelector (every namespace)",
      cnp({ subject: { pods: { podSelector: {} } } }),
    ],
    [
      "25 ingress and 25 egress rules",
      cnp({
        ingress: times(25, () => ({ action: "Deny", from: [ns] })),
        egress: times(25, () => ({ action: "Pass", to: [ns] })),
      }),
    ],
    [
      "25 peers and 25 protocols in a rule",
      ingress({ from: times(25, () => ns), protocols: times(25, (i) => tcp({ number: i + 1 })) }),
    ],
    ["a rule name of 100 characters", ingress({ name: "n".repeat(100) })],
    ["25 distinct CIDRs", cidrs(...times(25, (i) => `10.${i}.0.0/16`))],
    ["a 43-character CIDR", cidrs("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128")],
    ["a CIDR with host bits set (isCIDR allows them)", cidrs("192.168.1.1/24")],
    ["25 distinct domain names", domains(...times(25, (i) => `host${i}.example.com`))],
    [
      "a named port in an egress rule whose peers are pods and namespaces",
      egress({ to: [ns, { pods: { podSelector: {} } }], protocols: [{ destinationNamedPort: "http" }] }),
    ],
    [
      "ports 1 and 65535, and the range 1..2",
      ingress({
        protocols: [tcp({ number: 1 }), tcp({ number: 65535 }), tcp({ range: { start: 1, end: 2 } })],
      }),
    ],
  ])("%s", (_name, obj) => {
    expect(rejections(obj)).toEqual([]);
    expect(validateErrors(obj)).toEqual([]); // `netguard validate` accepts it too
  });
});

describe("a ClusterNetworkPolicy the CRD rejects", () => {
  const peer0 = "/spec/egress/0/to/0";
  const proto0 = "/spec/ingress/0/protocols/0";
  it.each<[string, Json, string[]]>([
    ["without spec", { ...cnp({}), spec: undefined }, ["/ required spec"]],
    [
      "without tier, priority or subject",
      { ...cnp({}), spec: {} },
      ["/spec required tier", "/spec required priority", "/spec required subject"],
    ],
    ["an unknown tier", cnp({ tier: "admin" }), ["/spec/tier enum"]],
    ["priority -1", cnp({ priority: -1 }), ["/spec/priority minimum"]],
    ["priority 1001", cnp({ priority: 1001 }), ["/spec/priority maximum"]],
    ["a fractional priority", cnp({ priority: 1.5 }), ["/spec/priority type"]],
    ["a subject with no field", cnp({ subject: {} }), ["/spec/subject minProperties"]],
    [
      "a subject with two fields",
      cnp({ subject: { namespaces: {}, pods: { podSelector: {} } } }),
      ["/spec/subject maxProperties"],
    ],
    [
      "a pods subject without podSelector",
      cnp({ subject: { pods: { namespaceSelector: {} } } }),
      ["/spec/subject/pods required podSelector"],
    ],
    [
      "an unknown subject field",
      cnp({ subject: { serviceAccounts: {} } }),
      ["/spec/subject/serviceAccounts unknown field"],
    ],
    [
      "26 ingress rules",
      cnp({ ingress: times(26, () => ({ action: "Deny", from: [ns] })) }),
      ["/spec/ingress maxItems"],
    ],
    [
      "26 egress rules",
      cnp({ egress: times(26, () => ({ action: "Deny", to: [ns] })) }),
      ["/spec/egress maxItems"],
    ],
    ["a rule without action", cnp({ ingress: [{ from: [ns] }] }), ["/spec/ingress/0 required action"]],
    ["the v1alpha1 action Allow", ingress({ action: "Allow" }), ["/spec/ingress/0/action enum"]],
    [
      "an ingress rule without from",
      cnp({ ingress: [{ action: "Deny" }] }),
      ["/spec/ingress/0 required from"],
    ],
    ["an egress rule without to", cnp({ egress: [{ action: "Deny" }] }), ["/spec/egress/0 required to"]],
    ["no peers", ingress({ from: [] }), ["/spec/ingress/0/from minItems"]],
    ["26 peers", egress({ to: times(26, () => ns) }), ["/spec/egress/0/to maxItems"]],
    ["a rule name of 101 characters", ingress({ name: "n".repeat(101) }), ["/spec/ingress/0/name maxLength"]],
    ["a peer with no field", egress({ to: [{}] }), [`${peer0} minProperties`]],
    ["a peer with two fields", egress({ to: [{ namespaces: {}, nodes: {} }] }), [`${peer0} maxProperties`]],
    ["a source with no field", ingress({ from: [{}] }), ["/spec/ingress/0/from/0 minProperties"]],
    [
      "a source with two fields",
      ingress({ from: [{ namespaces: {}, pods: { podSelector: {} } }] }),
      ["/spec/ingress/0/from/0 maxProperties"],
    ],
    [
      "a networks peer in an ingress rule",
      ingress({ from: [{ networks: ["10.0.0.0/8"] }] }),
      ["/spec/ingress/0/from/0/networks unknown field"],
    ],
    [
      "a v1 ipBlock peer",
      egress({ to: [{ ipBlock: { cidr: "10.0.0.0/8" } }] }),
      [`${peer0}/ipBlock unknown field`],
    ],
    ["empty protocols", ingress({ protocols: [] }), ["/spec/ingress/0/protocols minItems"]],
    [
      "26 protocols",
      ingress({ protocols: times(26, (i) => tcp({ number: i + 1 })) }),
      ["/spec/ingress/0/protocols maxItems"],
    ],
    ["a protocol with no field", ingress({ protocols: [{}] }), [`${proto0} minProperties`]],
    [
      "a protocol with two fields",
      ingress({ protocols: [{ ...tcp({ number: 1 }), destinationNamedPort: "x" }] }),
      [`${proto0} maxProperties`],
    ],
    ["tcp without destinationPort", ingress({ protocols: [{ tcp: {} }] }), [`${proto0}/tcp minProperties`]],
    ["udp without destinationPort", ingress({ protocols: [{ udp: {} }] }), [`${proto0}/udp minProperties`]],
    [
      "sctp without destinationPort",
      ingress({ protocols: [{ sctp: {} }] }),
      [`${proto0}/sctp minProperties`],
    ],
    [
      "a destinationPort with neither number nor range",
      ingress({ protocols: [tcp({})] }),
      [`${proto0}/tcp/destinationPort minProperties`],
    ],
    [
      "a destinationPort with number and range",
      ingress({ protocols: [tcp({ number: 1, range: { start: 1, end: 2 } })] }),
      [`${proto0}/tcp/destinationPort maxProperties`],
    ],
    [
      "port 0",
      ingress({ protocols: [tcp({ number: 0 })] }),
      [`${proto0}/tcp/destinationPort/number minimum`],
    ],
    [
      "port 65536",
      ingress({ protocols: [tcp({ number: 65536 })] }),
      [`${proto0}/tcp/destinationPort/number maximum`],
    ],
    [
      // The server fails the CEL rule too (evaluating `self.end` is an error: no such key).
      "a range without end",
      ingress({ protocols: [tcp({ range: { start: 1 } })] }),
      [
        `${proto0}/tcp/destinationPort/range required end`,
        `${proto0}/tcp/destinationPort/range Start port must be less than End port`,
      ],
    ],
    [
      "a range starting at 0",
      ingress({ protocols: [tcp({ range: { start: 0, end: 5 } })] }),
      [`${proto0}/tcp/destinationPort/range/start minimum`],
    ],
    [
      "a range with start = end",
      ingress({ protocols: [tcp({ range: { start: 5, end: 5 } })] }),
      [`${proto0}/tcp/destinationPort/range Start port must be less than End port`],
    ],
    [
      "a udp range with start > end",
      egress({ protocols: [{ udp: { destinationPort: { range: { start: 9, end: 5 } } } }] }),
      ["/spec/egress/0/protocols/0/udp/destinationPort/range Start port must be less than End port"],
    ],
    ["no CIDRs", cidrs(), [`${peer0}/networks minItems`]],
    ["26 CIDRs", cidrs(...times(26, (i) => `10.${i}.0.0/16`)), [`${peer0}/networks maxItems`]],
    ["a CIDR twice", cidrs("10.0.0.0/8", "10.0.0.0/8"), [`${peer0}/networks duplicate set item`]],
    [
      "an address without prefix length",
      cidrs("10.0.0.0"),
      [`${peer0}/networks/0 Invalid CIDR format provided`],
    ],
    [
      "an IPv4 prefix length of 33",
      cidrs("10.0.0.0/33"),
      [`${peer0}/networks/0 Invalid CIDR format provided`],
    ],
    [
      "an IPv4 address with a leading zero",
      cidrs("010.0.0.0/8"),
      [`${peer0}/networks/0 Invalid CIDR format provided`],
    ],
    [
      "an IPv4-mapped IPv6 CIDR",
      cidrs("::ffff:10.0.0.0/104"),
      [`${peer0}/networks/0 Invalid CIDR format provided`],
    ],
    [
      // isCIDR looks at the address as written, not at the network: a short prefix does not save it.
      "an IPv4-mapped IPv6 address with a /64 prefix",
      cidrs("::ffff:10.0.0.0/64"),
      [`${peer0}/networks/0 Invalid CIDR format provided`],
    ],
    [
      "a 44-character CIDR",
      cidrs("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/0128"),
      [`${peer0}/networks/0 maxLength`, `${peer0}/networks/0 Invalid CIDR format provided`],
    ],
    ["no domain names", domains(), [`${peer0}/domainNames minItems`]],
    ["26 domain names", domains(...times(26, (i) => `h${i}.example.com`)), [`${peer0}/domainNames maxItems`]],
    [
      "a domain name twice",
      domains("a.example.com", "a.example.com"),
      [`${peer0}/domainNames duplicate set item`],
    ],
    ["a single-label domain name", domains("localhost"), [`${peer0}/domainNames/0 pattern`]],
    [
      "a wildcard that is not a whole-label prefix",
      domains("*kubernetes.io"),
      [`${peer0}/domainNames/0 pattern`],
    ],
    ["a wildcard inside a domain name", domains("www.*.io"), [`${peer0}/domainNames/0 pattern`]],
    ...(["networks", "nodes", "domainNames"] as const).map((kind): [string, Json, string[]] => [
      `a named port in an egress rule with a ${kind} peer`,
      egress({
        to: [ns, { [kind]: kind === "nodes" ? {} : [kind === "networks" ? "10.0.0.0/8" : "example.com"] }],
        protocols: [tcp({ number: 1 }), { destinationNamedPort: "http" }],
      }),
      [
        "/spec/egress/0 networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
      ],
    ]),
    [
      "a selector requirement without operator",
      cnp({ subject: { namespaces: { matchExpressions: [{ key: "a" }] } } }),
      ["/spec/subject/namespaces/matchExpressions/0 required operator"],
    ],
    [
      "a non-string label value",
      cnp({ subject: { namespaces: { matchLabels: { a: 1 } } } }),
      ["/spec/subject/namespaces/matchLabels/a type"],
    ],
    ["a status without conditions", cnp({}, { status: {} }), ["/status required conditions"]],
    [
      "two conditions of one type",
      cnp({}, { status: { conditions: [condition("Ready"), condition("Ready")] } }),
      ["/status/conditions duplicate map item"],
    ],
    [
      "a condition status other than True, False or Unknown",
      cnp({}, { status: { conditions: [condition("Ready", { status: "Yes" })] } }),
      ["/status/conditions/0/status enum"],
    ],
    [
      "a condition without reason",
      cnp({}, { status: { conditions: [condition("Ready", { reason: undefined })] } }),
      ["/status/conditions/0 required reason"],
    ],
    [
      "a condition type that is not a CamelCase name",
      cnp({}, { status: { conditions: [condition("not ready!")] } }),
      ["/status/conditions/0/type pattern"],
    ],
    [
      "a condition type of 317 characters",
      cnp({}, { status: { conditions: [condition("T".repeat(317))] } }),
      ["/status/conditions/0/type maxLength"],
    ],
    [
      "an empty condition reason",
      cnp({}, { status: { conditions: [condition("Ready", { reason: "" })] } }),
      ["/status/conditions/0/reason minLength", "/status/conditions/0/reason pattern"],
    ],
    [
      "a condition reason starting with a digit",
      cnp({}, { status: { conditions: [condition("Ready", { reason: "1Ready" })] } }),
      ["/status/conditions/0/reason pattern"],
    ],
    [
      "a condition reason of 1025 characters",
      cnp({}, { status: { conditions: [condition("Ready", { reason: "R".repeat(1025) })] } }),
      ["/status/conditions/0/reason maxLength"],
    ],
    [
      "a condition message of 32769 characters",
      cnp({}, { status: { conditions: [condition("Ready", { message: "m".repeat(32769) })] } }),
      ["/status/conditions/0/message maxLength"],
    ],
    [
      "a negative observedGeneration",
      cnp({}, { status: { conditions: [condition("Ready", { observedGeneration: -1 })] } }),
      ["/status/conditions/0/observedGeneration minimum"],
    ],
    [
      "a lastTransitionTime that is not an RFC 3339 time",
      cnp({}, { status: { conditions: [condition("Ready", { lastTransitionTime: "yesterday" })] } }),
      ["/status/conditions/0/lastTransitionTime format"],
    ],
    ["an unknown top-level field", cnp({}, { data: {} }), ["/data unknown field"]],
  ])("%s", (_name, obj, expected) => {
    const json = JSON.parse(JSON.stringify(obj)) as Json;
    expect(rejections(json)).toEqual(expected);
    // `netguard validate` rejects it too, but for `status`, which the API server resets on create
    // (status subresource), so validate does not check it.
    if (!expected.every((e) => e.startsWith("/status"))) expect(validateErrors(json)).not.toEqual([]);
  });
});
