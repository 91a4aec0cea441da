/**
 * The request decoder's checks, run before validation: with strict field validation (kubectl's
 * default, `--validate=strict`) every unknown field is an error (`strict decoding error: unknown
 * field "spec.podselector"`), and a JSON value of the wrong type fails the request (`json: cannot
 * unmarshal string into Go struct field ... of type int32`). Also normalises `null` as Go does
 * (absent field, or the zero value inside lists and maps), so validators see what Go would.
 */
import { clipName, quoteValue } from "../../issue/quote.js";
import { error, type Issue } from "../../issue/issue.js";
import type { TypeNode } from "./schema.js";

/** Decoder output: normalised JSON plus the issues found. */
export interface Decoded {
  readonly value: unknown;
  readonly issues: Issue[];
  /** True when a wrong type was found: the API server stops there, before validation. */
  readonly typeErrors: boolean;
}

interface Ctx {
  readonly issues: Issue[];
  typeErrors: boolean;
}

/** Decodes `value` against `node`; the path of the root is empty. */
export function strictDecode(node: TypeNode, value: unknown): Decoded {
  const ctx: Ctx = { issues: [], typeErrors: false };
  const out = walk(node, value, "", "", "", ctx);
  return { value: out, issues: ctx.issues, typeErrors: ctx.typeErrors };
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "object") return "object";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "number") return `number${Number.isInteger(v) ? "" : ` ${v}`}`;
  return typeof v;
}

function typeError(
  ctx: Ctx,
  path: string,
  goField: string,
  node: TypeNode,
  v: unknown,
  what = jsonKind(v),
): undefined {
  ctx.typeErrors = true;
  const where = goField ? `Go struct field ${goField}` : "Go value";
  ctx.issues.push(
    error("wrong-type", path, `Invalid type: cannot unmarshal ${what} into ${where} of type ${node.go}`),
  );
  return undefined;
}

/** The zero value Go leaves for `null` inside a list or map. */
function zero(node: TypeNode): unknown {
  switch (node.t) {
    case "string":
      return "";
    case "int32":
    case "int64":
      return 0;
    case "bool":
      return false;
    case "struct":
      return {};
    case "intOrString":
    case "time":
    case "map":
    case "slice":
    case "raw":
      return undefined;
  }
}

const INT32 = 2 ** 31;

function walk(node: TypeNode, v: unknown, path: string, goPath: string, goField: string, ctx: Ctx): unknown {
  if (v === null || v === undefined) return undefined;
  switch (node.t) {
    case "string":
      return typeof v === "string" ? v : typeError(ctx, path, goField, node, v);
    case "bool":
      return typeof v === "boolean" ? v : typeError(ctx, path, goField, node, v);
    case "int32":
    case "int64":
      return decodeInt(node, v, path, goField, ctx);
    case "intOrString":
      if (typeof v === "string") return { kind: "string", value: v };
      if (typeof v !== "number") return typeError(ctx, path, goField, { t: "int32", go: "int32" }, v);
      return Number.isInteger(v) && v >= -INT32 && v < INT32
        ? { kind: "int", value: v }
        : typeError(ctx, path, goField, { t: "int32", go: "int32" }, v, `number ${v}`);
    case "time":
      if (typeof v !== "string") return typeError(ctx, path, goField, { t: "string", go: "string" }, v);
      if (!isRfc3339(v)) {
        ctx.typeErrors = true;
        ctx.issues.push(
          error("wrong-type", path, `Invalid value: ${quoteValue(v)}: cannot parse as RFC 3339 time`),
        );
      }
      return v;
    case "raw":
      return v;
    case "slice":
      if (!Array.isArray(v)) return typeError(ctx, path, goField, node, v);
      return v.map((item, i) =>
        item === null ? zero(node.items) : walk(node.items, item, `${path}[${i}]`, goPath, goField, ctx),
      );
    case "map":
      return decodeMap(node, v, path, goPath, goField, ctx);
    case "struct":
      return decodeStruct(node, v, path, goPath, goField, ctx);
  }
}

function decodeInt(node: TypeNode, v: unknown, path: string, goField: string, ctx: Ctx): unknown {
  if (typeof v !== "number") return typeError(ctx, path, goField, node, v);
  const limit = node.t === "int32" ? INT32 : 2 ** 63;
  if (!Number.isInteger(v) || v < -limit || v >= limit) {
    return typeError(ctx, path, goField, node, v, `number ${v}`);
  }
  return v;
}

function decodeMap(
  node: Extract<TypeNode, { t: "map" }>,
  v: unknown,
  path: string,
  goPath: string,
  goField: string,
  ctx: Ctx,
): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return typeError(ctx, path, goField, node, v);
  const out: Record<string, unknown> = {};
  for (const [k, item] of Object.entries(v)) {
    out[k] =
      item === null
        ? zero(node.values)
        : walk(node.values, item, `${path}.${clipName(k)}`, goPath, goField, ctx);
  }
  return out;
}

function decodeStruct(
  node: Extract<TypeNode, { t: "struct" }>,
  v: unknown,
  path: string,
  goPath: string,
  goField: string,
  ctx: Ctx,
): unknown {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return typeError(ctx, path, goField, node, v);
  const out: Record<string, unknown> = {};
  const structName = node.go.replace(/^v1\./, "");
  for (const [k, item] of Object.entries(v)) {
    const childPath = path ? `${path}.${clipName(k)}` : clipName(k);
    const child = Object.hasOwn(node.fields, k) ? node.fields[k] : undefined;
    if (!child) {
      ctx.issues.push(error("unknown-field", childPath, `unknown field ${JSON.stringify(childPath)}`));
      continue;
    }
    const childGoPath = goPath ? `${goPath}.${k}` : k;
    const decoded = walk(child, item, childPath, childGoPath, `${structName}.${childGoPath}`, ctx);
    if (decoded !== undefined) out[k] = decoded;
  }
  return out;
}

/** Go's time.Parse(time.RFC3339, s), as metav1.Time.UnmarshalJSON uses it. */
function isRfc3339(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-](\d{2}):(\d{2}))$/.exec(s);
  if (!m) return false;
  const [month, day, hour, min, sec] = [m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  return month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour < 24 && min < 60 && sec < 60;
}
