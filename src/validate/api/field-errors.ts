/**
 * Builders mirroring k8s.io/apimachinery/pkg/util/validation/field (Invalid, Required, Forbidden,
 * NotSupported, TooLong), producing Issues whose message reads like the API server's
 * (`Invalid value: "x": must be ...`) and whose path is the field path.
 */
import { error, type Issue } from "../../issue/issue.js";
import { clipName, quoteValue } from "../../issue/quote.js";

/**
 * A bad value as the API server prints it: strings quoted, numbers bare, the rest as JSON; of a long
 * value only the first 80 characters, then its length (issue 12: a 2 MB label value is not echoed).
 */
export function formatValue(v: unknown): string {
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return quoteValue(v);
  return clipName(JSON.stringify(v) ?? "null");
}

/** `field.Invalid`; the code is `too-long` for length messages, else `invalid-value` unless given. */
export function invalid(path: string, value: unknown, detail: string, code?: string): Issue {
  const c = code ?? (/no more than \d+ characters/.test(detail) ? "too-long" : "invalid-value");
  return error(c, path, `Invalid value: ${formatValue(value)}${detail ? `: ${detail}` : ""}`);
}

/** One `field.Invalid` per message, as the API server's validators loop over `Is...` results. */
export function invalidEach(path: string, value: unknown, messages: readonly string[]): Issue[] {
  return messages.map((m) => invalid(path, value, m));
}

/** `field.Required`. */
export function required(path: string, detail = ""): Issue {
  return error("required", path, `Required value${detail ? `: ${detail}` : ""}`);
}

/** `field.Forbidden`. */
export function forbidden(path: string, detail: string): Issue {
  return error("forbidden", path, `Forbidden: ${detail}`);
}

/** `field.NotSupported`. */
export function notSupported(path: string, value: unknown, supported: readonly string[]): Issue {
  const list = supported.map((s) => JSON.stringify(s)).join(", ");
  return error(
    "unsupported-value",
    path,
    `Unsupported value: ${formatValue(value)}: supported values: ${list}`,
  );
}

/** `field.TooLong` (byte limits such as the total size of annotations). */
export function tooLong(path: string, max: number): Issue {
  return error("too-long", path, `Too long: must have at most ${max} bytes`);
}
