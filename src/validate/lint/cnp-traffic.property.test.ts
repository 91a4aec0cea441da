/**
 * The lints' reasoning checked against the reference evaluator's matching (src/policy/cnp-match.ts,
 * selector.ts) on every endpoint, port and label map of a small cluster: "covers" must never be
 * claimed when some packet matches the inner rule but not the outer one (no false `cnp-rule-shadowed`),
 * and "cannot overlap" never when some packet matches both (no missed `cnp-same-priority-overlap`).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../../test/gen/cluster.js";
import { clusterOf, namespace, pod } from "../../../test/support/lint-testing.js";
import type { CnpPeer, CnpPort, CnpRule } from "../../k8s/cnp-model.js";
import type { LabelSelector, Labels, Protocol, Requirement } from "../../k8s/model.js";
import { parseAddr } from "../../net/address.js";
import { parseCidr, type Cidr } from "../../net/cidr.js";
import { type CnpMatchContext, matchCnpRule } from "../../policy/cnp-match.js";
import type { Endpoint } from "../../policy/endpoint.js";
import { selectorMatches } from "../../policy/selector.js";
import { ruleCovers, rulesMayOverlap } from "./cnp-traffic.js";
import { selectorImplies, selectorsDisjoint } from "./selector-logic.js";

const KEYS = ["app", "team"];
const VALUES = ["x", "y"];

/** Every label map over KEYS with each key absent, one of VALUES, or another value. */
const LABEL_MAPS: Labels[] = KEYS.reduce<Labels[]>(
  (maps, key) => maps.flatMap((m) => [m, ...[...VALUES, "z"].map((v) => ({ ...m, [key]: v }))]),
  [{}],
);

const requirement: fc.Arbitrary<Requirement> = fc
  .record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom("In", "NotIn", "Exists", "DoesNotExist"),
    values: fc.subarray(VALUES, { minLength: 1 }),
  })
  .map((r) => (r.operator === "Exists" || r.operator === "DoesNotExist" ? { ...r, values: [] } : r));

const selector: fc.Arbitrary<LabelSelector> = fc.record({
  matchLabels: fc.dictionary(fc.constantFrom(...KEYS), fc.constantFrom(...VALUES), { maxKeys: 2 }),
  matchExpressions: fc.array(requirement, { maxLength: 2 }),
});

const CIDRS = ["10.0.0.0/8", "10.1.0.0/16", "10.1.1.0/24", "10.2.0.0/16", "192.0.2.0/24", "0.0.0.0/0"];
const cidr = fc.constantFrom(...CIDRS).map((t) => parseCidr(t) as Cidr);

const peer: fc.Arbitrary<CnpPeer> = fc.oneof(
  selector.map((namespaces) => ({ kind: "namespaces" as const, namespaces, index: 0 })),
  fc
    .tuple(selector, selector)
    .map(([namespaces, pods]) => ({ kind: "pods" as const, namespaces, pods, index: 0 })),
  fc
    .array(cidr, { minLength: 1, maxLength: 2 })
    .map((cidrs) => ({ kind: "networks" as const, cidrs, index: 0 })),
);

const PORTS = [53, 80, 81, 443];
const port: fc.Arbitrary<CnpPort> = fc.oneof(
  fc
    .tuple(fc.constantFrom<Protocol>("TCP", "UDP"), fc.constantFrom(...PORTS), fc.constantFrom(0, 1, 400))
    .map(([protocol, from, width]) => ({
      kind: "range" as const,
      protocol,
      from,
      to: from + width,
      index: 0,
    })),
  fc.constantFrom("http", "dns").map((name) => ({ kind: "named" as const, name, index: 0 })),
);

const rule: fc.Arbitrary<CnpRule> = fc
  .record({
    action: fc.constantFrom("Accept", "Deny", "Pass"),
    peers: fc.array(peer, { minLength: 1, maxLength: 2 }),
    protocols: fc.option(fc.array(port, { minLength: 1, maxLength: 2 }), { nil: undefined }),
  })
  .map((r) => ({
    index: 0,
    name: undefined,
    action: r.action,
    peers: r.peers.map((p, index) => ({ ...p, index })),
    protocols: r.protocols
      ? { kind: "list" as const, items: r.protocols.map((p, index) => ({ ...p, index })) }
      : { kind: "any" as const },
  }));

/** Two namespaces per team value, pods of every app value, named ports on some. */
const index = clusterOf([
  namespace("nx", { team: "x" }),
  namespace("ny", { team: "y" }),
  namespace("nn", {}),
  ...["nx", "ny", "nn"].flatMap((ns, i) => [
    pod(ns, "ax", `10.1.${i}.1`, { app: "x" }, ["http:80/TCP", "dns:53/UDP"]),
    pod(ns, "ay", `10.2.${i}.1`, { app: "y" }, ["http:81/TCP"]),
    pod(ns, "none", `10.3.${i}.1`, {}),
  ]),
]);
const ctx: CnpMatchContext = { index, nodeLabels: new Map() };
const ENDPOINTS: Endpoint[] = [
  ...index.targets.map((p) => ({ kind: "pod" as const, pod: p, addr: p.ips[0] })),
  ...["192.0.2.7", "10.9.9.9", "203.0.113.1"].map((a) => ({
    kind: "external" as const,
    addr: parseAddr(a)!,
  })),
];
/** Every packet: each endpoint as the peer, each pod as the receiver (named ports), each port. */
const PACKETS = ENDPOINTS.flatMap((peer) =>
  index.targets.flatMap((receiver) =>
    (["TCP", "UDP"] as const).flatMap((protocol) =>
      [...PORTS, 82, 453].map((port) => ({ peer, receiver, protocol, port })),
    ),
  ),
);

describe("the lints' selector reasoning (selector-logic.ts) agrees with selector matching", () => {
  it("selectorImplies(b, a) only when every label map b selects, a selects; selectorsDisjoint only when none matches both", () => {
    fc.assert(
      fc.property(selector, selector, (a, b) => {
        if (selectorImplies(b, a))
          for (const l of LABEL_MAPS) if (selectorMatches(b, l)) expect(selectorMatches(a, l)).toBe(true);
        if (selectorsDisjoint(a, b))
          for (const l of LABEL_MAPS) expect(selectorMatches(a, l) && selectorMatches(b, l)).toBe(false);
      }),
      { numRuns: numRuns(2000) },
    );
  });

  it("proves the obvious cases (not vacuous)", () => {
    const s = (matchLabels: Labels): LabelSelector => ({ matchLabels, matchExpressions: [] });
    expect(selectorImplies(s({ app: "x" }), s({}))).toBe(true);
    expect(selectorImplies(s({ app: "x", team: "y" }), s({ app: "x" }))).toBe(true);
    expect(selectorsDisjoint(s({ app: "x" }), s({ app: "y" }))).toBe(true);
  });
});

describe("the lints' rule reasoning agrees with the reference evaluator's matchCnpRule", () => {
  it("ruleCovers(a, b) only when every packet b matches, a matches; !rulesMayOverlap only when none matches both", () => {
    fc.assert(
      fc.property(rule, rule, (a, b) => {
        const covers = ruleCovers(a, b);
        const overlap = rulesMayOverlap(a, b);
        for (const packet of PACKETS) {
          const inB = matchCnpRule(ctx, b, packet) !== undefined;
          const inA = matchCnpRule(ctx, a, packet) !== undefined;
          if (covers && inB) expect(inA).toBe(true);
          if (!overlap) expect(inA && inB).toBe(false);
        }
      }),
      { numRuns: numRuns(300) },
    );
  });

  it("finds covering rules among random ones (not vacuous)", () => {
    const pairs = fc.sample(fc.tuple(rule, rule), { numRuns: 500, seed: 7 });
    expect(pairs.filter(([a, b]) => ruleCovers(a, b)).length).toBeGreaterThan(5);
    expect(pairs.filter(([a, b]) => !rulesMayOverlap(a, b)).length).toBeGreaterThan(5);
  });
});
