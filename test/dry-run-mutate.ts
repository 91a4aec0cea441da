/**
 * Mutations of valid manifests for the dry-run fuzz test (test/dry-run-fuzz.test.ts): renamed or
 * misspelled keys, wrong types, dropped fields, huge keys and values on the decoded documents; a
 * duplicated line (duplicate keys) or truncated text on the rendered YAML stream or JSON List.
 */
import fc from "fast-check";
import { stringify } from "yaml";

export type Json = unknown;
export type Path = ReadonlyArray<string | number>;

/** Every path to a mapping key or list item, in document order. */
export function pathsOf(v: Json, at: Path = []): Path[] {
  if (Array.isArray(v)) return v.flatMap((e, i) => [[...at, i], ...pathsOf(e, [...at, i])]);
  if (v !== null && typeof v === "object")
    return Object.entries(v).flatMap(([k, e]) => [[...at, k], ...pathsOf(e, [...at, k])]);
  return [];
}

type Container = Record<string, Json> | Json[];

function parentOf(root: Json, path: Path): Container | undefined {
  let v: Json = root;
  for (const step of path.slice(0, -1)) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string | number, Json>)[step];
  }
  return v !== null && typeof v === "object" ? (v as Container) : undefined;
}

const RENAMES: ReadonlyArray<(k: string) => string> = [
  (k) => k.slice(0, -1), // matchLabels → matchLabel
  (k) => `${k}s`,
  (k) => k.toLowerCase(),
  (k) => `_${k}`,
  (k) => (k.length > 2 ? `${k.slice(0, 1)}${k.slice(2, 3)}${k.slice(1, 2)}${k.slice(3)}` : `${k}x`),
];

const WRONG: readonly Json[] = [
  0,
  -1,
  1.5,
  70000,
  "",
  "x",
  "80/TCP",
  "10.0.0.0/33",
  true,
  null,
  [],
  {},
  ["a"],
  { a: 1 },
];

const HUGE = "v".repeat(20_000);

export type ObjectOp =
  | { readonly op: "rename"; readonly pick: number; readonly how: number }
  | { readonly op: "drop"; readonly pick: number }
  | { readonly op: "type"; readonly pick: number; readonly value: number }
  | { readonly op: "huge"; readonly pick: number; readonly key: boolean };
export type TextOp =
  | { readonly op: "duplicate-line"; readonly pick: number }
  | { readonly op: "truncate"; readonly pick: number }
  | { readonly op: "none" };

const pick = fc.nat({ max: 1_000_000 });
export const objectOp: fc.Arbitrary<ObjectOp> = fc.oneof(
  fc.record({ op: fc.constant("rename" as const), pick, how: fc.nat({ max: RENAMES.length - 1 }) }),
  fc.record({ op: fc.constant("drop" as const), pick }),
  fc.record({ op: fc.constant("type" as const), pick, value: fc.nat({ max: WRONG.length - 1 }) }),
  fc.record({ op: fc.constant("huge" as const), pick, key: fc.boolean() }),
);
export const textOp: fc.Arbitrary<TextOp> = fc.oneof(
  { weight: 2, arbitrary: fc.constant({ op: "none" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("duplicate-line" as const), pick }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("truncate" as const), pick }) },
);

/** Applies one mutation to a copy of the documents. */
export function mutate(docs: Json[], m: ObjectOp): Json[] {
  const root = structuredClone(docs);
  const paths = pathsOf(root);
  const path = paths[m.pick % paths.length] as Path;
  const parent = parentOf(root, path);
  const last = path[path.length - 1] as string | number;
  if (!parent) return root;
  if (Array.isArray(parent)) {
    const i = last as number;
    if (m.op === "drop" || m.op === "rename") parent.splice(i, 1);
    else parent[i] = m.op === "type" ? WRONG[m.value] : HUGE;
    return root;
  }
  const key = last as string;
  const value = parent[key];
  switch (m.op) {
    case "rename":
      delete parent[key];
      parent[(RENAMES[m.how] as (k: string) => string)(key) || "k"] = value;
      break;
    case "drop":
      delete parent[key];
      break;
    case "type":
      parent[key] = WRONG[m.value];
      break;
    case "huge":
      if (m.key) {
        delete parent[key];
        parent[`${key}${HUGE}`] = value;
      } else parent[key] = HUGE;
      break;
  }
  return root;
}

export function render(docs: Json[], asJson: boolean, t: TextOp): string {
  let text = asJson
    ? JSON.stringify({ apiVersion: "v1", kind: "List", items: docs }, null, 1)
    : docs.map((d) => stringify(d, { lineWidth: 0 })).join("---\n");
  if (t.op === "duplicate-line") {
    const lines = text.split("\n");
    const i = t.pick % lines.length;
    lines.splice(i, 0, lines[i] as string);
    text = lines.join("\n");
  } else if (t.op === "truncate") {
    text = text.slice(0, t.pick % text.length);
  }
  return text;
}
