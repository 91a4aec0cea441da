/**
 * Random nft transactions over netguard's object kinds for the differential test of FakeNft against
 * the kernel (test/nft-differential.e2e.test.ts): small name pools so commands collide — sets of
 * every type the renderer uses (each name always of one type, so rules naming it type-check), verdict
 * maps (one sharing a set's name), counters, regular and base chains, and rules from the renderer's
 * vocabulary; elements with duplicates, overlaps and wrong types.
 */
import fc from "fast-check";
import type { BaseChain, TableRef } from "../../src/nft/model.js";
import type { Command } from "../../src/nft/transaction.js";

export const INET: TableRef = { family: "inet", name: "netguard" };
export const BRIDGE: TableRef = { family: "bridge", name: "netguard" };

/** Set names, each always of one type (so rules naming them type-check), with elements to draw from. */
const SET_KINDS = [
  {
    name: "v4",
    type: "ipv4_addr",
    interval: [true, false],
    pool: ["10.0.0.1", "10.0.0.2", "10.0.0.0/30", "10.0.0.4-10.0.0.7", "10.0.1.0/24", "10.0.1.5"],
  },
  {
    name: "v6",
    type: "ipv6_addr",
    interval: [true, false],
    pool: ["fd00::1", "FD00:0::2", "fd00::/126", "fd00::8-fd00::f", "fe80::/10"],
  },
  {
    name: "ports",
    type: "inet_proto . inet_service",
    interval: [true, false],
    pool: ["tcp . 80", "udp . 53", "tcp . 80-90", "tcp . 85", "sctp . 1-1024"],
  },
  {
    name: "ep4",
    type: "ipv4_addr . inet_proto . inet_service",
    interval: [false],
    pool: ["10.0.0.1 . tcp . 80", "10.0.0.2 . udp . 53", "10.0.0.1 . tcp . 8080"],
  },
  { name: "ifs", type: "ifname", interval: [false], pool: ['"veth1"', '"veth2"', '"eth0"'] },
  {
    name: "va4",
    type: "ifname . ipv4_addr",
    interval: [false],
    pool: ['"veth1" . 10.0.0.1', '"veth2" . 10.0.0.2', '"veth1" . 10.0.0.2'],
  },
  {
    name: "nd",
    type: "icmpv6_type",
    interval: [false],
    pool: ["nd-neighbor-solicit", "mld2-listener-report", "echo-request"],
  },
] as const;

/**
 * Elements of the wrong type for most sets. Not single words or addresses for `ifname`: nft takes
 * any unquoted word as an interface name, and a protocol name as a number in an address set
 * (`tcp` → `0.0.0.6`) — quirks the renderer never meets.
 */
const WRONG_ELEMENTS = ["fd00::9", "10.0.0.9 . tcp", "10.0.0.1 . tcp . 80"];

/** Verdict maps (and `v4`, a set name, so a map and a set can collide). */
const MAP_KINDS = [
  { name: "m4", keyType: "ipv4_addr", keys: ["10.0.0.1", "10.0.0.2", "10.0.0.3"] },
  { name: "m6", keyType: "ipv6_addr", keys: ["fd00::1", "fd00::2"] },
  { name: "v4", keyType: "ipv4_addr", keys: ["10.0.0.1", "10.0.0.2"] },
] as const;

const COUNTERS = ["c1", "c2"];
const REGULAR_CHAINS = ["x", "y"];
const BASE_CHAINS = { basef: "forward", basei: "input" } as const;
const CHAINS = [...REGULAR_CHAINS, ...Object.keys(BASE_CHAINS)];

/** Rules of the renderer's vocabulary, naming the objects above. */
function inetRules(chain: string, counter: string): string[] {
  return [
    "accept",
    "drop",
    `jump ${chain}`,
    `goto ${chain}`,
    "ip saddr @v4 accept",
    "ip6 daddr @v6 drop",
    "meta l4proto . th dport @ports accept",
    "ip daddr . meta l4proto . th dport @ep4 return",
    "iifname @ifs accept",
    "icmpv6 type @nd accept",
    `counter name ${counter} drop`,
    "ip saddr vmap @m4",
    "ip saddr vmap @v4",
    "ip6 daddr vmap @m6",
    `ip saddr vmap { 10.0.0.1 : jump ${chain}, 10.0.0.2 : accept }`,
    "ct state established,related accept",
    `ip saddr @v4 ip saddr != @v4 counter name ${counter} drop`,
    "ct state invalid drop",
    "ip6 saddr fe80::/10 accept",
    "iifname . ip saddr != @va4 drop",
  ];
}

function bridgeRules(chain: string, counter: string): string[] {
  return [
    "accept",
    `jump ${chain}`,
    `iifname != @ifs goto ${chain}`,
    "ip saddr @v4 drop",
    `counter name ${counter} drop`,
    `ether type ip iifname . ip saddr != @va4 counter name ${counter} drop`,
    "ether type arp arp saddr ip @v4 drop",
    "ether type arp iifname . arp saddr ip != @va4 drop",
    "ether type ip6 ip6 saddr fe80::/10 accept",
    "ether type ip6 icmpv6 type @nd accept",
  ];
}

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);

function verdictArb(): fc.Arbitrary<string> {
  return fc.oneof(
    pick(["accept", "drop", "continue", "return"]),
    fc.tuple(pick(["jump", "goto"]), pick(CHAINS)).map(([v, c]) => `${v} ${c}`),
  );
}

function setElementsArb(pool: readonly string[], allowWrong: boolean): fc.Arbitrary<string[]> {
  const one = allowWrong
    ? fc.oneof({ arbitrary: pick(pool), weight: 6 }, { arbitrary: pick(WRONG_ELEMENTS), weight: 1 })
    : pick(pool);
  return fc.array(one, { minLength: 1, maxLength: 3 });
}

function mapElementsArb(keys: readonly string[]): fc.Arbitrary<string[]> {
  return fc.array(
    fc.tuple(pick(keys), verdictArb()).map(([k, v]) => `${k} : ${v}`),
    { minLength: 1, maxLength: 3 },
  );
}

function baseChainArb(name: keyof typeof BASE_CHAINS): fc.Arbitrary<BaseChain> {
  return fc.record({
    type: fc.constant("filter" as const),
    hook: fc.constant(BASE_CHAINS[name]),
    priority: pick<number | string>(["filter", 0, -150, -200]),
    policy: pick(["accept", "drop"] as const),
  });
}

function setCommandArb(table: TableRef): fc.Arbitrary<Command> {
  return pick(SET_KINDS).chain((k) =>
    fc.oneof(
      fc
        .tuple(pick(k.interval), fc.array(pick(k.pool), { maxLength: 2 }))
        .map(([interval, elements]): Command => ({
          op: "add-set",
          table,
          set: { name: k.name, type: k.type, interval, elements },
        })),
      setElementsArb(k.pool, !k.type.startsWith("ifname")).map((elements): Command => ({
        op: "add-elements",
        table,
        set: k.name,
        elements,
      })),
      setElementsArb(k.pool, false).map((elements): Command => ({
        op: "delete-elements",
        table,
        set: k.name,
        elements,
      })),
      fc.constant<Command>({ op: "delete-set", table, name: k.name }),
    ),
  );
}

function mapCommandArb(table: TableRef): fc.Arbitrary<Command> {
  return pick(MAP_KINDS).chain((k) =>
    fc.oneof(
      fc.constant<Command>({
        op: "add-map",
        table,
        map: { name: k.name, keyType: k.keyType, interval: false, elements: new Map() },
      }),
      mapElementsArb(k.keys).map((elements): Command => ({
        op: "add-elements",
        table,
        set: k.name,
        elements,
      })),
      fc
        .array(pick(k.keys), { minLength: 1, maxLength: 2 })
        .map((elements): Command => ({ op: "delete-elements", table, set: k.name, elements })),
      fc.constant<Command>({ op: "delete-map", table, name: k.name }),
    ),
  );
}

function chainCommandArb(table: TableRef): fc.Arbitrary<Command> {
  const rules = table.family === "inet" ? inetRules : bridgeRules;
  return fc.oneof(
    pick(REGULAR_CHAINS).map((name): Command => ({ op: "add-chain", table, chain: { name, rules: [] } })),
    pick(["basef", "basei"] as const).chain((name) =>
      baseChainArb(name).map((base): Command => ({
        op: "add-chain",
        table,
        chain: { name, base, rules: [] },
      })),
    ),
    pick(CHAINS).map((name): Command => ({ op: "flush-chain", table, name })),
    pick(CHAINS).map((name): Command => ({ op: "delete-chain", table, name })),
    fc
      .tuple(pick(CHAINS), pick(CHAINS), pick(COUNTERS))
      .chain(([chain, target, counter]) =>
        pick(rules(target, counter)).map((rule): Command => ({ op: "add-rule", table, chain, rule })),
      ),
  );
}

function commandArb(table: TableRef): fc.Arbitrary<Command> {
  return fc.oneof(
    { arbitrary: fc.constant<Command>({ op: "add-table", table }), weight: 1 },
    { arbitrary: fc.constant<Command>({ op: "delete-table", table }), weight: 1 },
    { arbitrary: pick(COUNTERS).map((name): Command => ({ op: "add-counter", table, name })), weight: 1 },
    { arbitrary: pick(COUNTERS).map((name): Command => ({ op: "delete-counter", table, name })), weight: 1 },
    { arbitrary: setCommandArb(table), weight: 5 },
    { arbitrary: mapCommandArb(table), weight: 3 },
    { arbitrary: chainCommandArb(table), weight: 6 },
  );
}

/**
 * The first transaction of a run: both tables with one of everything in them, in shapes drawn at
 * random (interval flags, base chain priorities and policies), so that most later commands reach
 * nft's checks behind "no such table" and "no such set".
 */
const setupArb: fc.Arbitrary<Command[]> = fc
  .tuple(fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }), baseChainArb("basef"), baseChainArb("basei"))
  .map(([intervals, basef, basei]) => {
    const sets = SET_KINDS.map((k, i) => ({
      name: k.name,
      type: k.type,
      interval: k.interval.length > 1 ? (intervals[i] ?? false) : k.interval[0],
      elements: [],
    }));
    const objects = (table: TableRef): Command[] => [
      { op: "add-table", table },
      ...sets.map((set): Command => ({ op: "add-set", table, set })),
      ...COUNTERS.map((name): Command => ({ op: "add-counter", table, name })),
      ...REGULAR_CHAINS.map((name): Command => ({ op: "add-chain", table, chain: { name, rules: [] } })),
      { op: "add-chain", table, chain: { name: "basef", base: basef, rules: [] } },
      { op: "add-chain", table, chain: { name: "basei", base: basei, rules: [] } },
    ];
    const maps = MAP_KINDS.filter((m) => m.name !== "v4").map((m): Command => ({
      op: "add-map",
      table: INET,
      map: { ...m, interval: false, elements: new Map() },
    }));
    return [...objects(INET), ...maps, ...objects(BRIDGE), ...SETUP_USES];
  });

/** Uses of the setup's objects, so deleting them can be refused as busy (EBUSY). */
const SETUP_USES: Command[] = [
  ...["jump x", "ip saddr @v4 accept", "counter name c1 drop", "ip saddr vmap @m4"].map((rule): Command => ({
    op: "add-rule",
    table: INET,
    chain: "basef",
    rule,
  })),
  { op: "add-elements", table: INET, set: "m4", elements: ["10.0.0.3 : jump y"] },
];

/** A run: the setup, then transactions of up to 4 commands, mostly on `inet netguard`. */
export const runArb: fc.Arbitrary<Command[][]> = fc
  .tuple(
    setupArb,
    fc.array(
      fc.array(
        fc.oneof({ arbitrary: commandArb(INET), weight: 4 }, { arbitrary: commandArb(BRIDGE), weight: 1 }),
        {
          minLength: 1,
          maxLength: 4,
        },
      ),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([setup, transactions]) => [setup, ...transactions]);
