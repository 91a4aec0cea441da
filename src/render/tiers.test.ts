import { describe, expect, it } from "vitest";
import {
  DENY_ALL,
  DNS_PORTS,
  METADATA,
  TENANTS,
  localPod,
  nodeRules,
  tierChain,
  tierRule,
} from "../../test/support/tier-ir.js";
import type { NodeRules } from "../compile/ir.js";
import { stateOfSpecs } from "../nft/from-spec.js";
import type { ChainSpec, TableSpec } from "../nft/model.js";
import { renderNode } from "./ruleset.js";

const WEB = ["10.1.0.10", "fd01::10"];
const DB = ["10.1.0.11"];

function chain(t: TableSpec, name: string): readonly string[] {
  const c = t.chains.find((x) => x.name === name);
  if (c === undefined) throw new Error(`no chain ${name} in ${t.chains.map((x) => x.name).join(", ")}`);
  return c.rules;
}

/** The inet table, after checking that the checking fake (nft's grammar, types and references) takes both tables. */
function inet(r: NodeRules): TableSpec {
  const rs = renderNode(r);
  const state = stateOfSpecs([rs.inet, rs.bridge]);
  if (!state.ok) throw new Error(`the fake refuses the tables: ${state.error.message}`);
  return rs.inet;
}

/** Admin egress: metadata denied, DNS to tenants accepted, everything else passed. */
const adminOut = tierChain(
  "Admin",
  "egress",
  "p1",
  ["guard"],
  [
    tierRule("guard", "egress", 0, "Deny", METADATA, undefined, "no-metadata"),
    tierRule("guard", "egress", 1, "Accept", TENANTS, DNS_PORTS, "dns"),
    tierRule("guard", "egress", 2, "Pass"),
  ],
);

describe("tier chains", () => {
  it("renders an Admin egress chain's rules in order: Deny drops, Accept goes to the ingress phase, Pass returns", () => {
    const t = inet(
      nodeRules([localPod("shop/web", WEB, {}, { egress: { admin: adminOut.name } })], [adminOut]),
    );
    expect(chain(t, "admin/out/p1")).toEqual([
      "ip daddr @peer4_metadata counter name cnp/guard/out/no-metadata drop",
      "ip daddr @peer4_tenants meta l4proto . th dport @ports_dns counter name cnp/guard/out/dns goto ingress_phase",
      "ip6 daddr @peer6_tenants meta l4proto . th dport @ports_dns counter name cnp/guard/out/dns goto ingress_phase",
      "counter name cnp/guard/out/2 return",
    ]);
  });

  it("matches ingress peers by source address and accepts an ingress Accept in place", () => {
    const adminIn = tierChain(
      "Admin",
      "ingress",
      "p2",
      ["guard"],
      [
        tierRule("guard", "ingress", 0, "Accept", TENANTS),
        tierRule("guard", "ingress", 1, "Deny", { kind: "any" }, DNS_PORTS),
      ],
    );
    const t = inet(nodeRules([localPod("shop/db", DB, {}, { ingress: { admin: adminIn.name } })], [adminIn]));
    expect(chain(t, "admin/in/p2")).toEqual([
      "ip saddr @peer4_tenants counter name cnp/guard/in/0 accept",
      "ip6 saddr @peer6_tenants counter name cnp/guard/in/0 accept",
      "meta l4proto . th dport @ports_dns counter name cnp/guard/in/1 drop",
    ]);
    // Only ingress tiers: no ingress phase, the forward chain dispatches ingress itself.
    expect(t.chains.map((c) => c.name)).not.toContain("ingress_phase");
    expect(chain(t, "forward").slice(-2)).toEqual(["ip daddr vmap @ingress4", "ip6 daddr vmap @ingress6"]);
  });

  it("matches a named destination port by the destination's address . protocol . port, on top of the peer", () => {
    const c = tierChain(
      "Baseline",
      "egress",
      "b1",
      ["floor"],
      [
        tierRule("floor", "egress", 0, "Accept", TENANTS, { kind: "endpoints", v4: "ep4_http" }),
        tierRule("floor", "egress", 1, "Deny", { kind: "any" }, { kind: "endpoints", v4: "ep4_http" }),
      ],
    );
    const t = inet(nodeRules([localPod("shop/web", WEB, {}, { egress: { baseline: c.name } })], [c]));
    expect(chain(t, "baseline/out/b1")).toEqual([
      "ip daddr @peer4_tenants ip daddr . meta l4proto . th dport @ep4_http counter name cnp/floor/out/0 goto ingress_phase",
      "ip daddr . meta l4proto . th dport @ep4_http counter name cnp/floor/out/1 drop",
    ]);
  });

  it("renders no line for a rule without peers, but still declares its counter", () => {
    const c = tierChain(
      "Admin",
      "egress",
      "p3",
      ["x"],
      [tierRule("x", "egress", 0, "Accept", { kind: "sets" }), tierRule("x", "egress", 1, "Deny")],
    );
    const t = inet(nodeRules([localPod("shop/web", WEB, {}, { egress: { admin: c.name } })], [c]));
    expect(chain(t, "admin/out/p3")).toEqual(["counter name cnp/x/out/1 drop"]);
    expect(t.counters).toEqual(expect.arrayContaining(["cnp/x/out/0", "cnp/x/out/1"]));
  });

  it("declares each counter once and says which policy, rule, tier, direction and action it counts", () => {
    const again = tierChain("Admin", "egress", "p9", ["guard", "other"], adminOut.rules);
    const rs = renderNode(
      nodeRules(
        [
          localPod("shop/web", WEB, {}, { egress: { admin: adminOut.name } }),
          localPod("shop/db", DB, {}, { egress: { admin: again.name } }),
        ],
        [adminOut, again],
      ),
    );
    const cnpCounters = rs.inet.counters.filter((c) => c.startsWith("cnp/"));
    expect(cnpCounters).toEqual(["cnp/guard/out/2", "cnp/guard/out/dns", "cnp/guard/out/no-metadata"]);
    expect(rs.ruleCounters.get("cnp/guard/out/dns")).toEqual({
      policy: "guard",
      rule: "spec.egress[1]",
      name: "dns",
      tier: "Admin",
      direction: "egress",
      action: "Accept",
    });
    expect(rs.ruleCounters.get("cnp/guard/out/2")).toEqual({
      policy: "guard",
      rule: "spec.egress[2]",
      tier: "Admin",
      direction: "egress",
      action: "Pass",
    });
    // Drop counters stay pods' only: tier counters count accepted packets too.
    expect([...rs.counterOwners.keys()].some((k) => k.startsWith("cnp/"))).toBe(false);
  });
});

describe("pod chains with tiers", () => {
  const baseOut = tierChain("Baseline", "egress", "b1", ["floor"], [tierRule("floor", "egress", 0, "Deny")]);
  const adminIn = tierChain("Admin", "ingress", "a1", ["guard"], [tierRule("guard", "ingress", 0, "Pass")]);
  const baseIn = tierChain("Baseline", "ingress", "b2", ["floor"], [tierRule("floor", "ingress", 0, "Deny")]);
  const rules = nodeRules(
    [
      localPod("shop/web", WEB, {}, { egress: { admin: adminOut.name, baseline: baseOut.name } }),
      localPod(
        "shop/db",
        DB,
        { ingress: DENY_ALL },
        { ingress: { admin: adminIn.name, baseline: baseIn.name } },
      ),
    ],
    [adminOut, baseOut, adminIn, baseIn],
  );
  const t = inet(rules);

  it("consults Admin, then Baseline, then allows, for a pod no NetworkPolicy isolates", () => {
    expect(chain(t, "out/shop/web")).toEqual(["jump admin/out/p1", "jump baseline/out/b1", "return"]);
  });

  it("consults Admin, then the NetworkPolicy part, and never Baseline, for an isolated pod", () => {
    expect(chain(t, "in/shop/db")).toEqual(["jump admin/in/a1", "counter name drop/in/shop/db drop"]);
  });

  it("maps a pod to its chain when a tier selects it, and leaves other directions open", () => {
    const map = (name: string) => t.maps.find((m) => m.name === name)?.elements;
    expect(map("egress4")?.get("10.1.0.10")).toBe("jump out/shop/web");
    expect(map("egress6")?.get("fd01::10")).toBe("jump out/shop/web");
    expect(map("ingress4")?.get("10.1.0.10")).toBe("accept");
    expect(map("egress4")?.get("10.1.0.11")).toBe("continue");
    expect(map("ingress4")?.get("10.1.0.11")).toBe("jump in/shop/db");
    expect(t.chains.map((c) => c.name)).not.toContain("in/shop/web");
  });

  it("moves the forward chain's ingress dispatch into ingress_phase, which ends in accept", () => {
    expect(chain(t, "ingress_phase")).toEqual([
      "ip daddr vmap @ingress4",
      "ip6 daddr vmap @ingress6",
      "accept",
    ]);
    expect(chain(t, "forward").slice(-3)).toEqual([
      "ip saddr vmap @egress4",
      "ip6 saddr vmap @egress6",
      "goto ingress_phase",
    ]);
  });

  it("lists chains by name with the forward chain last, and the checking fake takes the tables", () => {
    const names = t.chains.map((c) => c.name);
    expect(names.at(-1)).toBe("forward");
    expect(names.slice(0, -1)).toEqual([...names.slice(0, -1)].sort());
    const rs = renderNode(rules);
    expect(stateOfSpecs([rs.inet, rs.bridge]).ok).toBe(true);
  });

  it("goes at most 5 chains below the forward hook (nft allows 15)", () => {
    expect(maxDepth(t, "forward")).toBe(5);
  });
});

describe("shared tier chains", () => {
  it("renders one chain for every pod the same policies select, each pod's chain jumping to it", () => {
    const t = inet(
      nodeRules(
        [
          localPod("shop/web", WEB, {}, { egress: { admin: adminOut.name } }),
          localPod("shop/db", DB, {}, { egress: { admin: adminOut.name } }),
        ],
        [adminOut],
      ),
    );
    expect(t.chains.filter((c) => c.name === "admin/out/p1")).toHaveLength(1);
    expect(chain(t, "out/shop/web")).toEqual(["jump admin/out/p1", "return"]);
    expect(chain(t, "out/shop/db")).toEqual(["jump admin/out/p1", "return"]);
  });

  it("renders a node without tiers as before tiers existed: no ingress phase, no tier counters", () => {
    const t = inet(
      nodeRules([localPod("shop/web", WEB, { ingress: DENY_ALL }), localPod("shop/db", DB)], []),
    );
    expect(t.chains.map((c) => c.name)).toEqual(["in/shop/web", "forward"]);
    expect(chain(t, "in/shop/web")).toEqual(["counter name drop/in/shop/web drop"]);
    expect(chain(t, "forward").slice(-2)).toEqual(["ip daddr vmap @ingress4", "ip6 daddr vmap @ingress6"]);
    expect(t.counters).toEqual(["drop/in/shop/web", "link_scope", "unprogrammed"]);
  });

  it("refuses (a compiler bug) a pod naming a tier chain that is missing or of another direction", () => {
    const wrongWay = nodeRules(
      [localPod("shop/web", WEB, {}, { ingress: { admin: adminOut.name } })],
      [adminOut],
    );
    expect(() => renderNode(wrongWay)).toThrow(/Admin ingress tier admin\/out\/p1 is a Admin egress chain/);
    const missing = nodeRules(
      [localPod("shop/web", WEB, {}, { egress: { baseline: "baseline/out/x" } })],
      [],
    );
    expect(() => renderNode(missing)).toThrow(/no tier chain baseline\/out\/x/);
  });
});

/** The deepest chain below `from`, following jump/goto and `vmap @map` elements (as nft_chain_validate does). */
function maxDepth(t: TableSpec, from: string): number {
  const chains = new Map<string, ChainSpec>(t.chains.map((c) => [c.name, c]));
  const targets = (c: ChainSpec): string[] =>
    c.rules.flatMap((r) => {
      const direct = [...r.matchAll(/(?:jump|goto) (\S+)/g)].map((m) => m[1] ?? "");
      const viaMap = [...r.matchAll(/vmap @(\S+)/g)].flatMap((m) =>
        [...(t.maps.find((x) => x.name === m[1])?.elements.values() ?? [])]
          .map((v) => /^(?:jump|goto) (\S+)$/.exec(v)?.[1])
          .filter((x): x is string => x !== undefined),
      );
      return [...direct, ...viaMap];
    });
  const depth = (name: string, seen: ReadonlySet<string>): number => {
    const c = chains.get(name);
    if (c === undefined || seen.has(name)) throw new Error(`missing or looping chain ${name}`);
    const next = new Set([...seen, name]);
    return Math.max(0, ...targets(c).map((x) => 1 + depth(x, next)));
  };
  return depth(from, new Set());
}
