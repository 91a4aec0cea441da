/**
 * Outcomes of one nft transaction, comparable between FakeNft and the kernel: nft's stderr
 * classified by errno (nft-errors.ts, the kinds of `NftError`), the command its first error names, and the
 * tables as plain data (rules by their facts, base chain priorities as the numbers nft lists).
 */
import { priorityNumber } from "../../src/nft/model.js";
import { classifyNftError, errorLine } from "../../src/nft/nft-errors.js";
import type { NftState, TableState } from "../../src/nft/state.js";
import { type Command, Transaction } from "../../src/nft/transaction.js";

/** What a transaction did: ok, or the kind of error and the index of the command it names. */
export type Outcome =
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
export function kernelOutcome(code: number, stderr: string, commands: readonly Command[]): Outcome {
  if (code === 0) return { ok: true };
  const line = errorLine(stderr);
  const index = line === undefined ? -1 : (commandOfLine(commands)[line - 1] ?? -1);
  const kind = classifyNftError(stderr) ?? "unclassified";
  return { ok: false, kind, index, detail: stderr.trim() };
}

/** The tables as plain data for a readable diff: rules by facts, priorities as nft lists them. */
export function comparable(state: NftState): unknown {
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
