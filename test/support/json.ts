/**
 * Typed readers of the json the CLI prints, for tests. `JSON.parse` answers `any`; each reader names
 * the documented shape the test expects, so property accesses are checked by the compiler and a
 * wrong shape fails an assertion instead of passing through `any`.
 */
import type { Log } from "sarif";
import type { ErrorEntry } from "../../src/cli/input-errors.js";
import type { MatrixJsonError } from "../../src/cli/matrix-json.js";
import type { DiffGroup } from "../../src/policy/diff.js";
import type { Verdict } from "../../src/policy/verdict.js";
import type { ValidationJson } from "../../src/validate/report.js";

/** Parses `text` as the json document of shape `T` (the caller's claim; the assertions check it). */
export function parseJson<T>(text: string): T {
  return JSON.parse(text) as T;
}

/** One result of `simulate -f json` / `lab probe -f json` (src/cli/matrix-json.ts, group-json.ts). */
export interface SimulateResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  /** `null` for a cell not evaluated, `"mixed"` for a grouped cell whose pods differ. */
  readonly allowed: boolean | null | "mixed";
  readonly family?: string;
  readonly families?: readonly string[];
  readonly note?: string;
  readonly split?: readonly unknown[];
}

/** The document `simulate -f json` prints (src/cli/matrix-json.ts). */
export interface SimulateJson {
  readonly ports: readonly { readonly port: number; readonly protocol: string }[];
  readonly pods: readonly string[];
  readonly results: readonly SimulateResult[];
  readonly owners: Readonly<Record<string, string>>;
  readonly notes: readonly string[];
  readonly errors: readonly MatrixJsonError[];
  /** Present when the results are grouped (`--group-by`). */
  readonly groupBy?: string;
}

/** One result of `lab run|probe -f json`: the simulated verdict and what the probe saw. */
export interface ProbeResult extends SimulateResult {
  readonly expected?: boolean | null;
  /** Why the probe was not sent (e.g. SCTP missing from the kernel). */
  readonly skipped?: string;
}

/** `lab run|probe -f json`: the results plus how many probes disagreed with the evaluator. */
export interface ProbeJson {
  readonly results: readonly ProbeResult[];
  readonly mismatches: number;
  readonly skipped?: number;
}

/** Parses the output of `simulate -f json`. */
export function parseSimulate(text: string): SimulateJson {
  return parseJson<SimulateJson>(text);
}

/** The document `explain -f json` prints (src/cli/explain.ts): the verdict, notes and input errors. */
export type ExplainJson = Verdict & {
  readonly notes: readonly string[];
  readonly errors: readonly ErrorEntry[];
};

/** The document `diff -f json` prints (src/cli/diff.ts). */
export interface DiffJson {
  readonly changes: readonly DiffGroup[];
  readonly summary: { readonly newlyAllowed: number; readonly newlyDenied: number };
  readonly notes: readonly string[];
  readonly errors: readonly ErrorEntry[];
}

/** Parses the output of `validate --format json` (src/validate/report.ts `formatJson`). */
export function parseValidation(text: string): ValidationJson {
  return parseJson<ValidationJson>(text);
}

/** Parses the output of `validate --format sarif` (SARIF 2.1.0). */
export function parseSarif(text: string): Log {
  return parseJson<Log>(text);
}

/** `xs[i]`, failing the test when it is missing (what an unchecked `xs[i].field` did by throwing). */
export function at<T>(xs: readonly T[] | undefined, i: number): T {
  const x = xs?.[i];
  if (x === undefined) throw new Error(`no element ${i} (length ${xs?.length ?? "undefined"})`);
  return x;
}

/** Sets the value at `path` in a parsed json document: for tests that break a valid document on purpose. */
export function setIn(doc: unknown, path: readonly (string | number)[], value: unknown): void {
  let node = doc;
  for (const [n, key] of path.entries()) {
    if (typeof node !== "object" || node === null)
      throw new Error(`nothing at ${path.slice(0, n).join(".")}`);
    const record = node as Record<string | number, unknown>;
    if (n === path.length - 1) record[key] = value;
    else node = record[key];
  }
}
