import { describe, expect, it } from "vitest";
import { type Command, Transaction } from "./transaction.js";
import { FakeNft } from "./fake.js";
import type { TableRef } from "./model.js";
import { BASE, HOOK, named, rule } from "../../test/support/nft-commands.js";
import { nsRun, withNetns } from "../../test/support/netns.js";
import { describeAsRoot } from "../../test/support/root.js";
import { systemExec } from "../sys/exec.js";
import { classifyNftError, errorLine } from "./nft-errors.js";

// The kernel checks jump depth and loops once, on the tables a transaction commits, not after each
// command; when that check fails it replays the transaction checking after every jump, and keeps
// checking so in later transactions until one commits a change. Measured with nft 1.0.6 (kernel
// 6.18) in a throwaway network namespace; the kernel half below runs each sequence there too.

const loopMadeAndUnmade: Command[] = [rule("bc", "jump a"), rule("a", "jump a"), named("flush-chain", "a")];

/** A new table `inet u` with the same loop made and unmade. */
const U: TableRef = { family: "inet", name: "u" };
const freshTable: Command[] = [
  { op: "add-table", table: U },
  { op: "add-chain", table: U, chain: { name: "a", rules: [] } },
  { op: "add-chain", table: U, chain: { name: "bc", base: HOOK, rules: [] } },
  ...loopMadeAndUnmade.map((c) => ({ ...c, table: U })),
];

/** Transactions applied in order after BASE, each with the outcome nft 1.0.6 gives. */
const SEQUENCES: Array<[string, Array<[Command[], string]>]> = [
  ["a jump loop made and unmade in one transaction is accepted", [[loopMadeAndUnmade, "ok"]]],
  [
    "a later EBUSY is reported before a loop the committed tables would have",
    [
      [
        [
          rule("a", "ip saddr @s4 accept"),
          rule("bc", "jump a"),
          rule("a", "jump a"),
          named("delete-set", "s4"),
        ],
        "busy at 3",
      ],
    ],
  ],
  [
    "a loop made, unmade and made again is reported at the first command that made it",
    [[[...loopMadeAndUnmade, rule("a", "jump a")], "invalid at 1"]],
  ],
  [
    "after a refused loop, a loop made and unmade in a table that exists is accepted",
    [
      [[...loopMadeAndUnmade, rule("a", "jump a")], "invalid at 1"],
      [loopMadeAndUnmade, "ok"],
    ],
  ],
  [
    "after a refused loop, loops made and unmade in a table the transaction creates are refused until one commits",
    [
      [[...loopMadeAndUnmade, rule("a", "jump a")], "invalid at 1"],
      [[named("delete-chain", "y"), ...freshTable], "no-such-object at 0"],
      [freshTable, "invalid at 4"],
      [[rule("bc", "accept")], "ok"],
      [freshTable, "ok"],
    ],
  ],
];

/** The outcomes of each transaction (after BASE, committed alone) on a fresh FakeNft. */
async function onFake(transactions: ReadonlyArray<[Command[], string]>): Promise<string[]> {
  const fake = new FakeNft();
  const out: string[] = [];
  for (const commands of [BASE, ...transactions.map(([c]) => c)]) {
    const r = await fake.apply(txnOf(commands));
    const e = fake.lastError;
    out.push(r.ok ? "ok" : `${e?.kind} at ${e?.index}`);
  }
  return out.slice(1);
}

function txnOf(commands: readonly Command[]): Transaction {
  const txn = new Transaction();
  for (const c of commands) txn.add(c);
  return txn;
}

describe("applyCommands checks jumps on the committed tables, as the kernel does", () => {
  it.each(SEQUENCES)("%s", async (_name, transactions) => {
    expect(await onFake(transactions)).toEqual(transactions.map(([, want]) => want));
  });
});

describeAsRoot("nft 1.0.6 itself gives each outcome", () => {
  it.each(SEQUENCES)("%s", async (_name, transactions) => {
    await withNetns(async (ns) => {
      await nsRun(ns, "nft", ["-f", "-"], txnOf(BASE).render());
      const seen: string[] = [];
      for (const [commands] of transactions) {
        const r = await systemExec("ip", ["netns", "exec", ns, "nft", "-f", "-"], {
          input: txnOf(commands).render(),
        });
        const line = errorLine(r.stderr);
        seen.push(r.code === 0 ? "ok" : `${classifyNftError(r.stderr)} at ${(line ?? 0) - 1}`);
      }
      expect(seen).toEqual(transactions.map(([, want]) => want));
    }, "commit");
  });
});
