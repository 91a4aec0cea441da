/**
 * Properties of the ClusterNetworkPolicy decoder over arbitrary input: it never throws; every issue
 * names a field of the input (or a required field missing from it); drop mode reads an object as if
 * its unknown fields were absent; fail-closed mode never ignores an unknown field.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import type { Issue } from "../issue/issue.js";
import type { ClusterNetworkPolicy } from "./cnp-model.js";
import { CNP_API_VERSION, decodeClusterNetworkPolicy } from "./decode-cnp.js";
import { type DecodeOptions, Issues, type JsonObject } from "./fields.js";

type Json = Record<string, unknown>;

/** Every field name of every level the decoder reads. */
const FIELDS = [
  ...["apiVersion", "kind", "metadata", "spec", "status", "tier", "priority", "subject", "ingress", "egress"],
  ...["namespaces", "pods", "namespaceSelector", "podSelector", "matchLabels", "matchExpressions"],
  ...["key", "operator", "values", "name", "action", "from", "to", "protocols", "networks", "nodes"],
  ...["domainNames", "tcp", "udp", "sctp", "destinationNamedPort", "destinationPort", "number", "range"],
  ...["start", "end"],
];
const UNKNOWN_KEYS = ["ports", "ipBlock", "matchLabel", "services", "x-extra"];
const LEAVES = [
  "Admin",
  "Baseline",
  "Accept",
  "Deny",
  "Pass",
  "In",
  "Exists",
  "10.0.0.0/8",
  "::/0",
  "http",
  "a.io",
];

/** Values built from the decoder's own vocabulary, so random input reaches every level. */
const { node } = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.oneof(
      fc.constantFrom(...LEAVES),
      fc.integer({ min: -2, max: 70000 }),
      fc.boolean(),
      fc.constant(null),
    ),
    fc.array(tie("node"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom(...FIELDS, ...UNKNOWN_KEYS), tie("node"), { maxKeys: 4 }),
  ),
}));
const peerish = fc.record(
  {
    namespaces: node,
    pods: fc.record({ podSelector: node }),
    networks: fc.array(fc.constantFrom(...LEAVES)),
    nodes: node,
  },
  { requiredKeys: [] },
);
const ruleish = fc.record(
  {
    name: node,
    action: fc.constantFrom("Accept", "Deny", "Pass", "Allow"),
    from: fc.array(fc.oneof(peerish, node), { maxLength: 3 }),
    to: fc.array(fc.oneof(peerish, node), { maxLength: 3 }),
    protocols: fc.array(node, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const specish = fc.record(
  {
    tier: fc.oneof(fc.constantFrom("Admin", "Baseline"), node),
    priority: fc.oneof(fc.integer({ min: 0, max: 1000 }), node),
    subject: fc.oneof(fc.record({ namespaces: node }), node),
    ingress: fc.oneof(fc.array(ruleish, { maxLength: 3 }), node),
    egress: fc.oneof(fc.array(ruleish, { maxLength: 3 }), node),
  },
  { requiredKeys: [] },
);
const objectish = fc.record({ metadata: fc.constant({ name: "p" }), spec: fc.oneof(specish, node) });

function decode(
  raw: unknown,
  opts: DecodeOptions = {},
): { cnp: ClusterNetworkPolicy | undefined; issues: Issue[] } {
  const issues = new Issues(opts);
  const cnp = decodeClusterNetworkPolicy(raw, issues);
  return { cnp, issues: issues.list };
}

/** `spec.egress[2].to[0]` → `["spec", "egress", 2, "to", 0]`. */
function segments(path: string): Array<string | number> {
  return [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) =>
    m[2] === undefined ? (m[1] ?? "") : Number(m[2]),
  );
}

/**
 * True when `path` leads through `input` to a value; or, once a field is missing (or not an
 * object), only field names follow, each one the decoder reads (a required field: `spec.tier`).
 */
function pathFits(input: unknown, path: string): boolean {
  let at: unknown = input;
  let missing = false;
  for (const seg of segments(path)) {
    if (missing) {
      if (typeof seg === "number" || !FIELDS.includes(seg)) return false;
    } else if (typeof seg === "number") {
      if (!Array.isArray(at) || seg >= at.length) return false;
      at = (at as unknown[])[seg];
    } else if (typeof at === "object" && at !== null && !Array.isArray(at) && Object.hasOwn(at, seg)) {
      at = (at as Json)[seg];
    } else {
      if (!FIELDS.includes(seg)) return false;
      missing = true;
    }
  }
  return true;
}

describe("decodeClusterNetworkPolicy on arbitrary input", () => {
  it("never throws on any JSON value, in either mode", () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), fc.boolean(), (spec, junk, drop) => {
        const opts: DecodeOptions = { unknownFields: drop ? "drop" : "fail-closed" };
        decode(junk, opts);
        decode({ kind: "ClusterNetworkPolicy", metadata: { name: "p" }, spec }, opts);
      }),
      { numRuns: numRuns(300) },
    );
  });

  it("every issue's path is a field of the input or a required field missing from it", () => {
    fc.assert(
      fc.property(objectish, fc.boolean(), (raw, drop) => {
        const input = JSON.parse(JSON.stringify(raw)) as Json;
        const { issues } = decode(input, { unknownFields: drop ? "drop" : "fail-closed" });
        const misfits = issues.filter((i) => !pathFits(input, i.path)).map((i) => `${i.path} ${i.code}`);
        expect(misfits).toEqual([]);
      }),
      { numRuns: numRuns(500) },
    );
  });
});

/** A policy the API server accepts, using every field of the spec. */
const selector = fc.record(
  {
    matchLabels: fc.dictionary(fc.constantFrom("app", "tier"), fc.constantFrom("a", "b"), { maxKeys: 2 }),
    matchExpressions: fc.array(
      fc.oneof(
        fc.record({
          key: fc.constantFrom("app", "tier"),
          operator: fc.constantFrom("In", "NotIn"),
          values: fc.constant(["a"]),
        }),
        fc.record({
          key: fc.constantFrom("app", "tier"),
          operator: fc.constantFrom("Exists", "DoesNotExist"),
        }),
      ),
      { maxLength: 2 },
    ),
  },
  { requiredKeys: [] },
);
const pods = fc.record(
  { namespaceSelector: selector, podSelector: selector },
  { requiredKeys: ["podSelector"] },
);
const cidrs = fc.uniqueArray(fc.constantFrom("10.0.0.0/8", "192.168.1.0/24", "fd00::/8", "0.0.0.0/0"), {
  minLength: 1,
  maxLength: 3,
});
const podPeer = fc.oneof(fc.record({ namespaces: selector }), fc.record({ pods }));
const egressPeer = fc.oneof(podPeer, fc.record({ networks: cidrs }), fc.record({ nodes: selector }));
const port = fc.oneof(
  fc.record({ number: fc.integer({ min: 1, max: 65535 }) }),
  fc.integer({ min: 1, max: 65534 }).map((start) => ({ range: { start, end: start + 1 } })),
);
const portProtocol = fc.oneof(
  ...["tcp", "udp", "sctp"].map((p) => port.map((destinationPort) => ({ [p]: { destinationPort } }))),
);
const protocols = (named: boolean) =>
  fc.array(named ? fc.oneof(portProtocol, fc.constant({ destinationNamedPort: "http" })) : portProtocol, {
    minLength: 1,
    maxLength: 2,
  });
const rule = (key: "from" | "to", peer: fc.Arbitrary<unknown>, named: boolean) =>
  fc.record(
    {
      name: fc.string({ maxLength: 10 }),
      action: fc.constantFrom("Accept", "Deny", "Pass"),
      [key]: fc.array(peer, { minLength: 1, maxLength: 3 }),
      protocols: protocols(named),
    },
    { requiredKeys: ["action", key] },
  );
const validCnp = fc
  .record(
    {
      tier: fc.constantFrom("Admin", "Baseline"),
      priority: fc.integer({ min: 0, max: 1000 }),
      subject: fc.oneof(fc.record({ namespaces: selector }), fc.record({ pods })),
      ingress: fc.array(rule("from", podPeer, true), { maxLength: 2 }),
      egress: fc.array(rule("to", egressPeer, false), { maxLength: 2 }),
    },
    { requiredKeys: ["tier", "priority", "subject"] },
  )
  .map((spec) => ({
    apiVersion: CNP_API_VERSION,
    kind: "ClusterNetworkPolicy",
    metadata: { name: "p" },
    spec,
  }));

/** Every object the decoder checks the fields of (not maps, metadata or status), with its path. */
function checkedObjects(v: unknown, path: string, out: Array<{ node: Json; path: string }>): void {
  if (Array.isArray(v)) {
    v.forEach((item, i) => checkedObjects(item, `${path}[${i}]`, out));
    return;
  }
  if (typeof v !== "object" || v === null) return;
  out.push({ node: v as Json, path });
  for (const [k, child] of Object.entries(v as JsonObject)) {
    if (!["matchLabels", "metadata", "status"].includes(k))
      checkedObjects(child, path ? `${path}.${k}` : k, out);
  }
}

/** `raw` with `key: junk` added to one object the decoder checks; the path of the new field. */
function withUnknownField(
  raw: unknown,
  at: number,
  key: string,
  junk: unknown,
): { mutated: Json; path: string } {
  const mutated = JSON.parse(JSON.stringify(raw)) as Json;
  const nodes: Array<{ node: Json; path: string }> = [];
  checkedObjects(mutated, "", nodes);
  const target = nodes[at % nodes.length];
  if (!target) throw new Error("no object node");
  target.node[key] = junk;
  return { mutated, path: target.path ? `${target.path}.${key}` : key };
}

const errorsOf = (issues: readonly Issue[]) =>
  issues.filter((i) => i.severity === "error").map((i) => `${i.code} ${i.path}`);

describe("decodeClusterNetworkPolicy on valid policies", () => {
  it("a policy the API server accepts decodes without errors", () => {
    fc.assert(
      fc.property(validCnp, (raw) => {
        const { cnp, issues } = decode(raw);
        expect(errorsOf(issues)).toEqual([]);
        expect(cnp?.ingress.length).toBe(raw.spec.ingress?.length ?? 0);
        expect(cnp?.egress.every((r) => r.peers.every((p) => p.kind !== "unsupported"))).toBe(true);
      }),
      { numRuns: numRuns(300) },
    );
  });

  it("drop mode: an unknown field anywhere adds one unknown-field error at its path and changes nothing else", () => {
    fc.assert(
      fc.property(
        validCnp,
        fc.nat(),
        fc.constantFrom(...UNKNOWN_KEYS),
        fc.jsonValue(),
        (raw, at, key, junk) => {
          const before = decode(raw, { unknownFields: "drop" });
          const { mutated, path } = withUnknownField(raw, at, key, junk);
          const after = decode(mutated, { unknownFields: "drop" });
          expect(errorsOf(before.issues)).toEqual([]);
          expect(errorsOf(after.issues)).toEqual([`unknown-field ${path}`]);
          expect(after.cnp).toEqual(before.cnp);
        },
      ),
      { numRuns: numRuns(300) },
    );
  });

  it("fail-closed mode: an unknown field anywhere is an error at its path and something fails closed", () => {
    fc.assert(
      fc.property(
        validCnp,
        fc.nat(),
        fc.constantFrom(...UNKNOWN_KEYS),
        fc.jsonValue(),
        (raw, at, key, junk) => {
          const { mutated, path } = withUnknownField(raw, at, key, junk);
          const { cnp, issues } = decode(mutated);
          expect(errorsOf(issues)).toContain(`unknown-field ${path}`);
          expect(issues.some((i) => i.code === "fail-closed" || i.code === "rule-fails-closed")).toBe(true);
          expect(cnp).not.toEqual(decode(raw).cnp);
        },
      ),
      { numRuns: numRuns(300) },
    );
  });
});
