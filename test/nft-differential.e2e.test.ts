/**
 * The checking fake against the kernel (issue 13): random transactions over netguard's object kinds
 * — tables of both families, sets of every type the renderer uses (interval, concatenated), verdict
 * maps jumping and going to chains, named counters, regular and base chains, rules from the
 * renderer's vocabulary, deletes, flushes, element adds and deletes with duplicates, overlaps and
 * wrong types — are applied to the checking fake (`FakeNft`) and to the real
 * `nft` in a throwaway network namespace. After every transaction both have failed with the same
 * kind of error (nft's stderr classified by errno) or both succeeded, and the kernel's listing read
 * through `parseListing` equals the model (rules by their facts, priorities as numbers). Shrunk
 * counterexamples are kept below as named regression cases.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import type { NftErrorKind } from "../src/nft/apply.js";
import { FakeNft } from "../src/nft/fake.js";
import { parseListing, priorityNumber } from "../src/nft/json.js";
import type { BaseChain, TableRef } from "../src/nft/model.js";
import type { NftState, TableState } from "../src/nft/state.js";
import { type Command, Transaction } from "../src/nft/transaction.js";
import { inNetns, systemExec } from "../src/sys/exec.js";
import { withNetns } from "./support/netns.js";
import { describeAsRoot } from "./support/root.js";

const INET: TableRef = { family: "inet", name: "netguard" };
const BRIDGE: TableRef = { family: "bridge", name: "netguard" };

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
const runArb: fc.Arbitrary<Command[][]> = fc
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

/** The kind of error nft printed (its first `Error:` line), by errno or nft's own message. */
function classifyNftError(stderr: string): NftErrorKind | `unclassified: ${string}` {
  const line = /Error: (.*)/.exec(stderr)?.[1] ?? stderr.trim();
  if (/No such file or directory|element does not exist/.test(line)) return "no-such-object";
  if (/File exists|conflicting intervals|interval overlaps/.test(line)) return "exists";
  if (/Device or resource busy/.test(line)) return "busy";
  if (
    /Could not resolve|invalid data type|Could not parse|Can.t parse symbolic|datatype mismatch|is not a map|is not a valid/.test(
      line,
    )
  )
    return "type";
  if (
    /Operation not supported|Invalid argument|Too many links|flags interval|negative size|syntax error/.test(
      line,
    )
  )
    return "invalid";
  return `unclassified: ${line}`;
}

/** What a transaction did: ok, or the kind of error and the index of the command it names. */
type Outcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly kind: string; readonly index: number; readonly detail: string };

/** The index of the command each line of the rendered script belongs to. */
function commandOfLine(commands: readonly Command[]): number[] {
  return commands.flatMap((c, i) =>
    new Transaction()
      .add(c)
      .render()
      .trimEnd()
      .split("\n")
      .map(() => i),
  );
}

/** nft's answer: its first error names a line of the script (`/dev/stdin:3:41-45: Error: …`). */
function kernelOutcome(code: number, stderr: string, commands: readonly Command[]): Outcome {
  if (code === 0) return { ok: true };
  const line = Number(/^\/dev\/stdin:(\d+):/m.exec(stderr)?.[1] ?? "0");
  const index = commandOfLine(commands)[line - 1] ?? -1;
  return { ok: false, kind: classifyNftError(stderr), index, detail: stderr.trim() };
}

/**
 * Both succeeded, or both failed with the same kind of error. One difference is nft's and kept:
 * nft evaluates every command of a script against its cache before the kernel sees any, so an
 * evaluation error (a type or syntax error, a table or set not in the cache: messages without the
 * "Could not process rule:" that only kernel errors carry) of a later command — or of another element
 * of the same command (`add set` with elements renders two lines) — is reported instead of the kernel
 * error (EEXIST, EBUSY, a missing element) the model, checking in order, reports first. The script fails
 * either way, and nothing of it is applied.
 */
function expectSameOutcome(script: string, fake: Outcome, kernel: Outcome): void {
  const detail = (o: Outcome) => (o.ok ? "ok" : `${o.kind} at command ${o.index}: ${o.detail}`);
  const message = `model: ${detail(fake)}\nkernel: ${detail(kernel)}`;
  expect({ script, ok: fake.ok }, message).toEqual({ script, ok: kernel.ok });
  if (fake.ok || kernel.ok) return;
  if (evaluatedBefore(kernel, fake)) return;
  expect({ script, kind: fake.kind }, message).toEqual({ script, kind: kernel.kind });
}

/** Whether nft's error is an evaluation error it found before sending the model's kernel error. */
function evaluatedBefore(kernel: Outcome & { ok: false }, fake: Outcome & { ok: false }): boolean {
  if (/Could not process rule/.test(kernel.detail)) return false;
  if (kernel.index > fake.index) return true;
  // Same command, or no line given (`netlink: Error: …`): only if the model's error is the kernel's.
  const kernelOnly = /File exists|Device or resource busy|does not exist|Operation not supported/.test(
    fake.detail,
  );
  return (kernel.index === fake.index || kernel.index < 0) && kernelOnly;
}

/** The tables as plain data for a readable diff: rules by facts, priorities as nft lists them. */
function comparable(state: NftState): unknown {
  return [...state.values()].sort((a, b) => (a.family < b.family ? -1 : 1)).map(comparableTable);
}

function comparableTable(t: TableState): unknown {
  const sorted = <T>(xs: Iterable<T>) => [...xs].sort();
  return {
    table: `${t.family} ${t.name}`,
    sets: sorted(
      [...t.sets.values()].map(
        (s) => `${s.name} ${s.type}${s.interval ? " interval" : ""}: ${sorted(s.elements).join(", ")}`,
      ),
    ),
    maps: sorted(
      [...t.maps.values()].map(
        (m) => `${m.name} ${m.keyType}: ${sorted([...m.elements].map(([k, v]) => `${k} : ${v}`)).join(", ")}`,
      ),
    ),
    counters: sorted(t.counters),
    chains: sorted(
      [...t.chains.values()].map((c) => {
        const b = c.base;
        const base = b ? ` ${b.hook} ${priorityNumber(t.family, b.priority) ?? b.priority} ${b.policy}` : "";
        return `${c.name}${base}: ${c.rules.map((r) => JSON.stringify(r.facts)).join(" | ")}`;
      }),
    ),
  };
}

/** The fake's answer, with the refused command's index and kind. */
async function fakeOutcome(fake: FakeNft, txn: Transaction): Promise<Outcome> {
  const r = await fake.apply(txn);
  if (r.ok) return { ok: true };
  const e = fake.lastError;
  if (e === undefined) throw new Error(`FakeNft refused without an error: ${r.error}`);
  return { ok: false, kind: e.kind, index: e.index, detail: e.message };
}

/** Runs transactions on a FakeNft and on the kernel side by side, checking both after each one. */
async function runBoth(netns: string, transactions: readonly (readonly Command[])[]): Promise<void> {
  const nft = inNetns(systemExec, netns);
  const flushed = await nft("nft", ["flush", "ruleset"]);
  if (flushed.code !== 0) throw new Error(`nft flush ruleset: ${flushed.stderr}`);
  const fake = new FakeNft();
  for (const commands of transactions) {
    const txn = new Transaction();
    for (const c of commands) txn.add(c);
    const script = txn.render();
    const r = await nft("nft", ["-f", "-"], { input: script });
    expectSameOutcome(script, await fakeOutcome(fake, txn), kernelOutcome(r.code, r.stderr, txn.list));
    const listed = await nft("nft", ["-j", "list", "ruleset"]);
    const have = parseListing(listed.stdout);
    expect(have, listed.stdout).not.toBe("unreadable");
    if (have !== "unreadable")
      expect({ script, tables: comparable(have) }).toEqual({ script, tables: comparable(fake.state) });
  }
}

const chain = (table: TableRef, name: string, base?: BaseChain): Command => ({
  op: "add-chain",
  table,
  chain: { name, base, rules: [] },
});
const rule = (table: TableRef, chainName: string, text: string): Command => ({
  op: "add-rule",
  table,
  chain: chainName,
  rule: text,
});
const set4 = (name: string, interval: boolean): Command => ({
  op: "add-set",
  table: INET,
  set: { name, type: "ipv4_addr", interval, elements: [] },
});
const forward = (priority: number | string): BaseChain => ({
  type: "filter",
  hook: "forward",
  priority,
  policy: "accept",
});
const inetTable: Command = { op: "add-table", table: INET };

/** Shrunk counterexamples the property found, kept as fixed cases (name: what nft 1.0.6 does). */
const REGRESSIONS: Array<[string, Command[][]]> = [
  [
    "a jump loop no base chain reaches is accepted; the rule that lets a base chain reach it is refused (ELOOP)",
    [
      [inetTable, chain(INET, "x"), chain(INET, "y"), rule(INET, "x", "jump y"), rule(INET, "y", "jump x")],
      [chain(INET, "basef", forward("filter")), rule(INET, "basef", "jump x")],
    ],
  ],
  [
    "a verdict map element closing a loop through `vmap @m4` from a base chain is refused (ELOOP)",
    [
      [
        inetTable,
        {
          op: "add-map",
          table: INET,
          map: { name: "m4", keyType: "ipv4_addr", interval: false, elements: new Map() },
        },
        chain(INET, "x"),
        chain(INET, "basef", forward("filter")),
        rule(INET, "basef", "ip saddr vmap @m4"),
        rule(INET, "x", "ip saddr vmap @m4"),
      ],
      [{ op: "add-elements", table: INET, set: "m4", elements: ["10.0.0.1 : goto x"] }],
    ],
  ],
  [
    "a base chain added again with its family's standard priority as a number is the same chain (inet filter 0, bridge filter -200)",
    [
      [
        inetTable,
        chain(INET, "basef", forward("filter")),
        { op: "add-table", table: BRIDGE },
        chain(BRIDGE, "basef", forward("filter")),
      ],
      [chain(INET, "basef", forward(0)), chain(BRIDGE, "basef", forward(-200))],
      [chain(BRIDGE, "basef", forward(0))],
    ],
  ],
  [
    "in a concatenated interval set the kernel refuses an element whose start or end lies in an existing one (EEXIST), not one enclosing it",
    [
      [
        inetTable,
        {
          op: "add-set",
          table: INET,
          set: { name: "ports", type: "inet_proto . inet_service", interval: true, elements: [] },
        },
      ],
      [{ op: "add-elements", table: INET, set: "ports", elements: ["tcp . 85"] }],
      [{ op: "add-elements", table: INET, set: "ports", elements: ["tcp . 80-90"] }],
      [{ op: "add-elements", table: INET, set: "ports", elements: ["tcp . 70-100"] }],
      [{ op: "add-elements", table: INET, set: "ports", elements: ["tcp . 88-95"] }],
    ],
  ],
  [
    "a later command's evaluation error (no such table) is reported before an earlier command's kernel error (EEXIST)",
    [
      [inetTable, set4("v4", false)],
      [set4("v4", true), { op: "add-elements", table: BRIDGE, set: "m4", elements: ["10.0.0.1 : accept"] }],
    ],
  ],
  [
    "an element's evaluation error (a prefix without flags interval) is reported before another element's ENOENT",
    [
      [inetTable, set4("v4", false)],
      [{ op: "delete-elements", table: INET, set: "v4", elements: ["10.0.0.1", "10.0.0.0/30"] }],
    ],
  ],
  [
    "a concatenation in an address set is a type error (nft: Can't parse symbolic invalid expressions)",
    [
      [
        inetTable,
        { op: "add-set", table: INET, set: { name: "v6", type: "ipv6_addr", interval: false, elements: [] } },
      ],
      [{ op: "add-elements", table: INET, set: "v6", elements: ["10.0.0.9 . tcp", "fd00::1"] }],
    ],
  ],
];

describeAsRoot("nft differential: FakeNft against nft 1.0.6 in a network namespace", () => {
  it("random transactions end in the same tables or fail with the same kind of error", async () => {
    await withNetns(async (netns) => {
      await fc.assert(
        fc.asyncProperty(runArb, (transactions) => runBoth(netns, transactions)),
        { numRuns: 60 },
      );
    }, "nftdiff");
  }, 120_000);

  it.each(REGRESSIONS)("%s", async (_name, transactions) => {
    await withNetns((netns) => runBoth(netns, transactions), "nftdiff");
  });
});
