/**
 * Outcomes of one nft transaction, comparable between FakeNft and the kernel: nft's stderr
 * classified by errno (the kinds of `NftError`), the command its first error names, and the
 * tables as plain data (rules by their facts, base chain priorities as the numbers nft lists).
 */
import type { NftErrorKind } from "../../src/nft/apply.js";
import { priorityNumber } from "../../src/nft/json.js";
import type { NftState, TableState } from "../../src/nft/state.js";
import { type Command, Transaction } from "../../src/nft/transaction.js";

/** The kind of error nft printed (its first `Error:` line), by errno or nft's own message. */
export function classifyNftError(stderr: string): NftErrorKind | `unclassified: ${string}` {
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
  const line = Number(/^\/dev\/stdin:(\d+):/m.exec(stderr)?.[1] ?? "0");
  const index = commandOfLine(commands)[line - 1] ?? -1;
  return { ok: false, kind: classifyNftError(stderr), index, detail: stderr.trim() };
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
