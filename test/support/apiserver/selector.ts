/**
 * The `labelSelector` and `fieldSelector` query parameters of list and watch requests, parsed as the
 * API server's `labels.Parse` and `fields.ParseSelector` do (set-based `in`/`notin` included; the
 * numeric `gt`/`lt` operators are not).
 */

import { fail, isRecord, type KubeObject, type Result } from "./types.js";

/** Whether an object is selected. */
export type Predicate = (obj: KubeObject) => boolean;

const KEY = String.raw`[^\s!=<>(),]+`;
const NOT_EXISTS = new RegExp(String.raw`^!\s*(${KEY})$`);
const EXISTS = new RegExp(String.raw`^(${KEY})$`);
const EQUALITY = new RegExp(String.raw`^(${KEY})\s*(==|=|!=)\s*([^\s!=<>(),]*)$`);
const SET = new RegExp(String.raw`^(${KEY})\s+(in|notin)\s*\(([^()]*)\)$`);

/** Splits on commas outside parentheses: `a in (x,y),b` is two requirements. */
function splitRequirements(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "(") depth += 1;
    if (ch === ")") depth -= 1;
    if (ch === "," && depth === 0) {
      parts.push(current.trim());
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current.trim());
  return parts.filter((p) => p !== "");
}

function labelsOf(obj: KubeObject): Record<string, string> {
  return obj.metadata?.labels ?? {};
}

function labelRequirement(req: string): Predicate | undefined {
  let m = NOT_EXISTS.exec(req);
  if (m !== null) {
    const key = m[1] ?? "";
    return (o) => !(key in labelsOf(o));
  }
  m = EXISTS.exec(req);
  if (m !== null) {
    const key = m[1] ?? "";
    return (o) => key in labelsOf(o);
  }
  m = EQUALITY.exec(req);
  if (m !== null) {
    const [, key = "", op, value = ""] = m;
    // `!=` also selects objects without the label, as in the real API.
    return op === "!=" ? (o) => labelsOf(o)[key] !== value : (o) => labelsOf(o)[key] === value;
  }
  m = SET.exec(req);
  if (m !== null) {
    const [, key = "", op, list = ""] = m;
    const values = new Set(list.split(",").map((v) => v.trim()));
    return op === "in"
      ? (o) => {
          const v = labelsOf(o)[key];
          return v !== undefined && values.has(v);
        }
      : (o) => {
          const v = labelsOf(o)[key];
          return v === undefined || !values.has(v);
        };
  }
  return undefined;
}

function all(preds: Predicate[]): Predicate {
  return (o) => preds.every((p) => p(o));
}

/** Parses `?labelSelector=`; an unparseable selector is a 400, as on the real server. */
export function parseLabelSelector(text: string): Result<Predicate> {
  const preds: Predicate[] = [];
  for (const req of splitRequirements(text)) {
    const pred = labelRequirement(req);
    if (pred === undefined)
      return fail(400, "BadRequest", `unable to parse requirement: ${JSON.stringify(req)}`);
    preds.push(pred);
  }
  return { ok: true, value: all(preds) };
}

/** The string value of a dotted field path; a missing field reads as "" (`spec.nodeName=` = unscheduled). */
function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (!isRecord(cur)) return "";
    cur = cur[part];
  }
  return typeof cur === "string" || typeof cur === "number" || typeof cur === "boolean" ? String(cur) : "";
}

/**
 * Parses `?fieldSelector=` (`a.b=v`, `a.b==v`, `a.b!=v`). Any field path is accepted, whereas the
 * real server allows only the fields each resource registers (`metadata.name`, `spec.nodeName`, …).
 */
export function parseFieldSelector(text: string): Result<Predicate> {
  const preds: Predicate[] = [];
  for (const req of splitRequirements(text)) {
    const m = EQUALITY.exec(req);
    if (m === null) return fail(400, "BadRequest", `invalid field selector: ${JSON.stringify(req)}`);
    const [, path = "", op, value = ""] = m;
    preds.push(op === "!=" ? (o) => fieldValue(o, path) !== value : (o) => fieldValue(o, path) === value);
  }
  return { ok: true, value: all(preds) };
}
