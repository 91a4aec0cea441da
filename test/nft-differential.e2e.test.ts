/**
 * The checking fake against the kernel (issue 13): random transactions over netguard's object kinds
 * — tables of both families, sets of every type the renderer uses (interval, concatenated), verdict
 * maps jumping and going to chains, named counters, regular and base chains, rules from the
 * renderer's vocabulary, deletes, flushes, element adds and deletes with duplicates, overlaps and
 * wrong types (support/nft-transactions.ts) — are applied to the checking fake (`FakeNft`) and to
 * the real `nft` in a throwaway network namespace. After every transaction both have failed with the same
 * kind of error (nft's stderr classified by errno) or both succeeded, and the kernel's listing read
 * through `parseListing` equals the model (rules by their facts, priorities as numbers). Shrunk
 * counterexamples are kept below as named regression cases.
 */
import fc from "fast-check";
import { expect, it } from "vitest";
import { execBackend, listFailed, type NftBackend } from "../src/nft/backend.js";
import { FakeNft } from "../src/nft/fake.js";
import { parseListing } from "../src/nft/json.js";
import type { BaseChain, TableRef } from "../src/nft/model.js";
import { tableKey } from "../src/nft/state.js";
import { type Command, Transaction } from "../src/nft/transaction.js";
import { inNetns, systemExec } from "../src/sys/exec.js";
import { withNetns } from "./support/netns.js";
import { comparable, kernelOutcome, type Outcome } from "./support/nft-outcome.js";
import { BRIDGE, INET, runArb } from "./support/nft-transactions.js";
import { describeAsRoot } from "./support/root.js";

/**
 * Both succeeded, or both failed with the same kind of error at the same command. One difference is nft's and kept:
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
  // The same refusal names the same command (nft names none for a few errors: `netlink: Error: …`).
  const index = kernel.index < 0 ? fake.index : kernel.index;
  expect({ script, kind: fake.kind, index: fake.index }, message).toEqual({
    script,
    kind: kernel.kind,
    index,
  });
}

/** Whether nft's error is an evaluation error it found before sending the model's kernel error. */
function evaluatedBefore(kernel: Outcome & { ok: false }, fake: Outcome & { ok: false }): boolean {
  if (/Could not process rule/.test(kernel.detail)) return false;
  // nft names no line for errors it finds while building the netlink batch (`netlink: Error: …`).
  if (kernel.index < 0 || kernel.index > fake.index) return true;
  // The same command: only if the model's error is one the kernel reports.
  const kernelOnly = /File exists|Device or resource busy|does not exist|Operation not supported/.test(
    fake.detail,
  );
  return kernel.index === fake.index && kernelOnly;
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
  await expectSameListings(execBackend(systemExec, { netns }), fake);
}

/** The exec backend's listings of each table (what the agent reads) equal the fake's. */
async function expectSameListings(kernel: NftBackend, fake: FakeNft): Promise<void> {
  for (const table of [INET, BRIDGE]) {
    const [have, want] = [await kernel.listTable(table), await fake.listTable(table)];
    expect(have).not.toBe("unreadable");
    expect(listFailed(have) ? have : undefined).toBeUndefined();
    const asState = (t: typeof have) =>
      new Map(t === undefined || t === "unreadable" || listFailed(t) ? [] : [[tableKey(t), t]]);
    expect(comparable(asState(have))).toEqual(comparable(asState(want)));
    expect(await kernel.listCounters(table)).toEqual(await fake.listCounters(table));
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
    "jump loops are checked when the transaction commits, after every command's own checks: a later EBUSY is reported instead",
    [
      [
        inetTable,
        set4("v4", false),
        {
          op: "add-map",
          table: INET,
          map: { name: "m4", keyType: "ipv4_addr", interval: false, elements: new Map() },
        },
        chain(INET, "y"),
        chain(INET, "basef", forward("filter")),
        rule(INET, "basef", "ip saddr @v4 accept"),
        rule(INET, "basef", "ip saddr vmap @m4"),
      ],
      [{ op: "add-elements", table: INET, set: "m4", elements: ["10.0.0.3 : jump y"] }],
      [rule(INET, "y", "jump y"), { op: "delete-set", table: INET, name: "v4" }],
      [
        rule(INET, "y", "ip saddr vmap { 10.0.0.1 : jump y, 10.0.0.2 : accept }"),
        { op: "delete-set", table: INET, name: "v4" },
      ],
    ],
  ],
  [
    "a jump loop made and unmade within one transaction is accepted: the kernel checks the committed tables",
    [
      [inetTable, chain(INET, "y"), chain(INET, "basef", forward("filter")), rule(INET, "basef", "jump y")],
      [rule(INET, "y", "jump y"), { op: "flush-chain", table: INET, name: "y" }],
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
