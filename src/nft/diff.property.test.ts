/**
 * Property: for any two tables A and B (sets of several types written in several spellings, a
 * verdict map jumping to chains, counters, chains whose rules name them), the diff from A's model
 * to B is a transaction the checking fake accepts — every reference still valid at every command,
 * no interval overlapping its old self — and it ends exactly in B's model; B's diff against its own
 * model is empty. Only a changed base chain policy may make it a full replace.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { describeAsRoot } from "../../test/support/root.js";
import { compareTables } from "../datapath/drift.js";
import { parseListing } from "./json.js";
import { Transaction } from "./transaction.js";
import { applyCommands } from "./apply.js";
import { diffTable } from "./diff.js";
import { stateOfSpecs } from "./from-spec.js";
import type { ChainSpec, MapSpec, SetSpec, TableSpec } from "./model.js";
import type { TableState } from "./state.js";

/** Element slots: each is absent or one of its spellings; slots of one set never overlap. */
const SLOTS: Record<string, { type: string; interval: boolean; slots: string[][] }> = {
  a4: {
    type: "ipv4_addr",
    interval: true,
    slots: [
      ["10.0.0.0/24", "10.0.0.0-10.0.0.255"],
      ["10.0.1.0/25", "10.0.1.0/26"],
      ["10.0.1.128/25"],
      ["10.0.2.5", "10.0.2.5/32"],
      ["10.0.4.0/24", "10.0.4.0/25", "10.0.4.0-10.0.4.127", "10.0.4.200"],
    ],
  },
  l4: { type: "ipv4_addr", interval: false, slots: [["10.1.0.1"], ["10.1.0.2"], ["10.1.0.3"]] },
  p: {
    type: "inet_proto . inet_service",
    interval: true,
    slots: [["tcp . 80", "6 . 80"], ["udp . 53"], ["tcp . 8000-8080", "tcp . 8000-8100", "tcp . 8050"]],
  },
  v6: {
    type: "ipv6_addr",
    interval: true,
    slots: [
      ["fd00::/64", "fd00::-fd00::ffff:ffff:ffff:ffff"],
      ["fe80::1", "FE80:0::1"],
    ],
  },
  ifs: { type: "ifname", interval: false, slots: [["veth1", '"veth1"'], ["veth2"]] },
};

const CHAINS = ["k1", "k2", "k3"];
const COUNTERS = ["c1", "c2"];

/** Rules a chain may hold; `{k}` is a later chain (no loops), each kept only if what it names exists. */
const RULES = [
  "ip saddr @a4 accept",
  "ip daddr @l4 counter name c1 drop",
  "meta l4proto . th dport @p return",
  "ip6 saddr @v6 counter name c2 accept",
  "iifname @ifs drop",
  "jump {k}",
  "goto {k}",
  "counter name c2 drop",
];

const choice = (n: number) => fc.nat({ max: n });

const tableArb = fc
  .record({
    sets: fc.record(
      Object.fromEntries(
        Object.entries(SLOTS).map(([n, d]) => [n, fc.tuple(...d.slots.map((s) => choice(s.length)))]),
      ),
    ),
    counters: fc.subarray(COUNTERS),
    chains: fc.subarray(CHAINS),
    rules: fc.array(fc.tuple(choice(2), choice(RULES.length - 1), choice(2)), { maxLength: 8 }),
    map: fc.option(fc.array(choice(4), { minLength: 3, maxLength: 3 })),
    forward: fc.array(fc.tuple(choice(RULES.length - 1), choice(2)), { maxLength: 3 }),
    priority: fc.constantFrom<number | string>("filter", 0),
    policy: fc.constantFrom("accept", "accept", "accept", "drop"),
  })
  .map(toSpec);

type Raw = {
  sets: Record<string, number[]>;
  counters: string[];
  chains: string[];
  rules: Array<[number, number, number]>;
  map: number[] | null;
  forward: Array<[number, number]>;
  priority: number | string;
  policy: string;
};

function toSpec(raw: Raw): TableSpec {
  const sets: SetSpec[] = Object.entries(SLOTS).map(([name, d]) => ({
    name,
    type: d.type,
    interval: d.interval,
    elements: d.slots.flatMap((s, i) => {
      const pick = raw.sets[name]?.[i] ?? 0;
      const e = s[pick - 1];
      return pick === 0 || e === undefined ? [] : [e];
    }),
  }));
  const present = new Set([...Object.keys(SLOTS), ...raw.counters]);
  const rule = (template: number, later: readonly string[], k: number): string | undefined => {
    const target = later[k % Math.max(later.length, 1)];
    const text = (RULES[template] ?? "accept").replace("{k}", target ?? "");
    const names = [...text.matchAll(/@(\w+)|counter name (\w+)/g)].map((m) => m[1] ?? m[2] ?? "");
    if (names.some((n) => !present.has(n))) return undefined;
    if (/(?:jump|goto) $/.test(text)) return undefined;
    return text;
  };
  const chains: ChainSpec[] = raw.chains.map((name) => {
    const later = raw.chains.filter((c) => c > name);
    const own = raw.rules.filter(([c]) => CHAINS[c] === name);
    return { name, rules: own.flatMap(([, t, k]) => rule(t, later, k) ?? []) };
  });
  const verdicts = ["accept", "drop", "continue", ...raw.chains.map((c) => `jump ${c}`)];
  const maps: MapSpec[] = raw.map
    ? [
        {
          name: "m4",
          keyType: "ipv4_addr",
          interval: false,
          elements: new Map(
            raw.map.map((v, i) => [`10.2.0.${i + 1}`, verdicts[v % verdicts.length] ?? "accept"]),
          ),
        },
      ]
    : [];
  const forwardRules = raw.forward.flatMap(([t, k]) => rule(t, raw.chains, k) ?? []);
  if (raw.map) forwardRules.push("ip saddr vmap @m4");
  const base = { type: "filter", hook: "forward", priority: raw.priority, policy: raw.policy } as const;
  chains.push({
    name: "forward",
    base: { ...base, policy: raw.policy === "drop" ? "drop" : "accept" },
    rules: forwardRules,
  });
  return { family: "inet", name: "t", sets, maps, counters: raw.counters, chains };
}

function model(spec: TableSpec): TableState {
  const r = stateOfSpecs([spec]);
  const t = r.ok ? r.state.get("inet t") : undefined;
  if (!t) throw new Error(r.ok ? "no table" : `${r.error.kind}: ${r.error.message}`);
  return t;
}

describe("diffTable (property)", () => {
  it("turns any table's model into any other's with a transaction nft's rules accept", () => {
    fc.assert(
      fc.property(tableArb, tableArb, (a, b) => {
        const before = model(a);
        const commands = diffTable(before, b);
        const policy = (t: TableSpec) => t.chains.find((c) => c.base)?.base?.policy;
        if (commands === "replace") {
          expect(policy(a)).not.toBe(policy(b));
          return;
        }
        const r = applyCommands(new Map([["inet t", before]]), commands);
        expect(r.ok ? "accepted" : r.error).toBe("accepted");
        expect(r.ok && r.state.get("inet t")).toEqual(model(b));
        expect(diffTable(model(b), b)).toEqual([]);
      }),
      { numRuns: numRuns(300) },
    );
  });
});

describeAsRoot("diffTable on nft 1.0.6 (property)", () => {
  it("the kernel accepts each diff and then lists the other table's model", async () => {
    await withNetns(async (ns) => {
      await fc.assert(
        fc.asyncProperty(tableArb, tableArb, async (a, b) => {
          await nsRun(ns, "nft", ["flush", "ruleset"]);
          await nsRun(ns, "nft", ["-f", "-"], new Transaction().defineTable(a).render());
          const commands = diffTable(model(a), b);
          const txn = new Transaction();
          if (commands === "replace") txn.replaceTable(b);
          else for (const c of commands) txn.add(c);
          if (!txn.empty) await nsRun(ns, "nft", ["-f", "-"], txn.render());
          const kernel = parseListing(await nsRun(ns, "nft", ["-j", "list", "ruleset"]));
          const have = kernel === "unreadable" ? undefined : kernel.get("inet t");
          expect(compareTables(model(b), have)).toEqual([]);
        }),
        { numRuns: numRuns(25) },
      );
    }, "diffprop");
  });
});
