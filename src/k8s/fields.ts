/**
 * Typed access to untyped JSON with field paths, so every decode problem becomes an Issue naming
 * the exact field (`spec.ingress[0].ports[1].port`).
 */
import { error, type Issue } from "../issue/issue.js";
import { clipName, quoteValue } from "../issue/quote.js";
import { suggestField } from "./suggest.js";

/** A JSON object as parsed from YAML or JSON. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * What a decoder does with a field it does not know. `fail-closed` (the agent): the part that holds
 * it allows nothing. `drop` (the dry-run commands): evaluate the object as the API server stores it
 * when it accepts it with a warning (server-side field validation `Warn`, what Helm gets), without
 * the field. Either way the field is reported as an error.
 */
export type UnknownFieldMode = "fail-closed" | "drop";

/** Options of the single decoder. */
export interface DecodeOptions {
  readonly unknownFields?: UnknownFieldMode;
}

/**
 * Collects issues while a decoder walks an object. `count` is what decoders compare before and
 * after reading a part to decide whether it was malformed; an issue recorded with `tolerate` (an
 * unknown field in `drop` mode) is listed but not counted, so the part is still used.
 */
export class Issues {
  readonly list: Issue[] = [];
  readonly unknownFields: UnknownFieldMode;
  private tolerated = 0;
  constructor(opts: DecodeOptions = {}) {
    this.unknownFields = opts.unknownFields ?? "fail-closed";
  }
  /** Records an error and returns undefined, so decoders can `return issues.fail(...)`. */
  fail(path: string, message: string, code = "invalid-value"): undefined {
    this.list.push(error(code, path, message));
    return undefined;
  }
  add(issue: Issue): void {
    this.list.push(issue);
  }
  /** Records an issue that does not make the part holding it malformed (not in `count`). */
  tolerate(issue: Issue): void {
    this.list.push(issue);
    this.tolerated++;
  }
  /** Moves another collector's issues here, keeping which of them were tolerated. */
  takeAll(other: Issues): void {
    for (const i of other.list) this.list.push(i);
    this.tolerated += other.tolerated;
  }
  /** A collector for a part read on its own (same options), to be merged with `takeAll`. */
  child(): Issues {
    return new Issues({ unknownFields: this.unknownFields });
  }
  /** Issues that make a part malformed. */
  get count(): number {
    return this.list.length - this.tolerated;
  }
}

/** Joins a parent path and a field name: `join("spec", "ingress")` is `spec.ingress`. */
export function join(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}

/** True for a plain JSON object (not an array or null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads an optional object field; a wrong type is reported. */
export function optObject(o: JsonObject, key: string, path: string, issues: Issues): JsonObject | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v))
    return issues.fail(join(path, key), `must be an object, got ${describe(v)}`, "wrong-type");
  return v;
}

/** Reads an optional array field; a wrong type is reported. */
export function optArray(
  o: JsonObject,
  key: string,
  path: string,
  issues: Issues,
): readonly unknown[] | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (!isList(v)) return issues.fail(join(path, key), `must be a list, got ${describe(v)}`, "wrong-type");
  return v;
}

/** `Array.isArray` narrowing to `readonly unknown[]` (its own guard answers `any[]`). */
export function isList(v: unknown): v is readonly unknown[] {
  return Array.isArray(v);
}

/** Reads an optional string field; a wrong type is reported. */
export function optString(o: JsonObject, key: string, path: string, issues: Issues): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string")
    return issues.fail(join(path, key), `must be a string, got ${describe(v)}`, "wrong-type");
  return v;
}

/** Reads an optional boolean field; a wrong type is reported. */
export function optBoolean(o: JsonObject, key: string, path: string, issues: Issues): boolean | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean")
    return issues.fail(join(path, key), `must be a boolean, got ${describe(v)}`, "wrong-type");
  return v;
}

/** Reads an optional integer field; a wrong type is reported. */
export function optInteger(o: JsonObject, key: string, path: string, issues: Issues): number | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    return issues.fail(join(path, key), `must be an integer, got ${describe(v)}`, "wrong-type");
  }
  return v;
}

/** Reads a map of string to string (labels); non-string values are reported and skipped. */
export function optStringMap(
  o: JsonObject,
  key: string,
  path: string,
  issues: Issues,
): Record<string, string> {
  const m = optObject(o, key, path, issues);
  const out: Record<string, string> = {};
  if (!m) return out;
  for (const [k, v] of Object.entries(m)) {
    if (typeof v === "string") out[k] = v;
    else
      issues.fail(join(join(path, key), clipName(k)), `must be a string, got ${describe(v)}`, "wrong-type");
  }
  return out;
}

/**
 * Reports every key of `o` that is not in `known` (an `unknown-field` error at its path, with a
 * did-you-mean for a misspelled name), as the API server's strict decoding does. Returns whether
 * the caller may go on reading `o` as if the unknown keys were absent:
 * - `fail-closed` (the agent): false when there was one. Callers fail closed on it: a field netguard
 *   does not know may narrow what the object allows (a newer API field, or a client's renamed field
 *   such as `_from`), so it is never just ignored.
 * - `drop` (the dry-run commands): always true. The API server with field validation `Warn` stores
 *   the object without the field, and that is what the cluster enforces (a peer's
 *   `podSelector: {matchLabel: ...}` selects every pod of the namespace there), so the dry-run
 *   evaluates exactly that. The error is still reported (the commands exit 1) but not counted as
 *   making the part malformed.
 * `meant` adds did-you-means that spelling does not find (see `unknownFieldMessage`).
 */
export function knownFieldsOnly(
  o: JsonObject,
  known: ReadonlySet<string>,
  path: string,
  issues: Issues,
  meant: Readonly<Record<string, string>> = {},
): boolean {
  const drop = issues.unknownFields === "drop";
  let ok = true;
  for (const key of Object.keys(o)) {
    if (known.has(key)) continue;
    const message = unknownFieldMessage(key, known, drop, meant);
    const issue = error("unknown-field", join(path, clipName(key)), message);
    if (drop) issues.tolerate(issue);
    else {
      ok = false;
      issues.add(issue);
    }
  }
  return ok;
}

/**
 * The message for an unknown field `key` at a level whose fields are `known`: `unknown field (did
 * you mean \`matchLabels\`?)`, then what happens to it — dropped by the API server (field
 * validation Warn) and evaluated without (`drop`), or netguard failing closed. `meant` names the
 * field meant by a known mistake that spelling does not reveal (`to` in an ingress rule: `from`).
 */
export function unknownFieldMessage(
  key: string,
  known: Iterable<string>,
  drop: boolean,
  meant: Readonly<Record<string, string>> = {},
): string {
  const hint = Object.hasOwn(meant, key) ? meant[key] : suggestField(key, known);
  const head = `unknown field${hint ? ` (did you mean \`${hint}\`?)` : ""}`;
  return drop
    ? `${head}; the API server drops it (field validation Warn) and the object is evaluated without it`
    : `${head}; netguard does not know what it means, so it fails closed here`;
}

/** A short description of a JSON value's type for messages. */
export function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "a list";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `string ${quoteValue(v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  return typeof v; // undefined, bigint, symbol, function: never in parsed JSON
}
