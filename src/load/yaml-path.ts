/**
 * Where a field path is in a YAML document parsed by the `yaml` package (block or flow style): the
 * source offset of the key that holds the field, or of the list item.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node } from "yaml";
import { clipName } from "../issue/quote.js";
import { bestKey, nextIndex } from "./field-path.js";

/**
 * The offset of the deepest node along `path` from `node` (a mapping entry's key, a list item), or
 * the node's own start when the path's first step is not there. Aliases are followed to their anchor.
 */
export function yamlPathOffset(doc: Document.Parsed, node: Node, path: string): number | undefined {
  let at = node.range?.[0];
  let cur: unknown = node;
  let rest = path;
  // Each step consumes part of the path, so the loop ends; the bound also stops alias chains.
  for (let steps = 0; rest !== "" && steps < 10_000; steps++) {
    if (isAlias(cur)) {
      cur = cur.resolve(doc);
      continue;
    }
    if (isMap(cur)) {
      const keys = cur.items.flatMap((pair) =>
        isScalar(pair.key) ? [{ key: String(pair.key.value), at: pair }] : [],
      );
      const best = bestKey(rest, keys);
      if (!best) break;
      const pair = best.at;
      at = (pair.key as Node).range?.[0] ?? at;
      cur = pair.value;
      rest = best.rest;
    } else if (isSeq(cur)) {
      const step = nextIndex(rest);
      const item: unknown = step ? cur.items[step.index] : undefined;
      if (!step || item === undefined) break;
      const start =
        isScalar(item) || isMap(item) || isSeq(item) || isAlias(item) ? item.range?.[0] : undefined;
      at = start ?? at;
      cur = item;
      rest = step.rest;
    } else break;
  }
  return at;
}

/**
 * The field path (`spec.ingress[0].ports[0].port`) of the key or item that starts at `offset` in
 * the document, as far as the document's mappings and sequences lead there ("" at the root), and
 * the key itself when the path ends at one. Keys longer than 80 characters are shortened.
 */
export function yamlPathAt(doc: Document.Parsed, offset: number): { path: string; key?: string } {
  let path = "";
  let cur: unknown = doc.contents;
  for (let steps = 0; steps < 10_000; steps++) {
    if (isMap(cur)) {
      const pair = cur.items.find((p) => within(p.key, offset) || within(p.value, offset));
      if (!pair) break;
      const key = clipName(isScalar(pair.key) ? String(pair.key.value) : "?");
      path = path ? `${path}.${key}` : key;
      if (within(pair.key, offset)) return { path, key };
      cur = pair.value;
    } else if (isSeq(cur)) {
      const i = cur.items.findIndex((item) => within(item, offset));
      if (i < 0) break;
      path = `${path}[${i}]`;
      cur = cur.items[i];
    } else break;
  }
  return { path };
}

/** True when `node`'s source range holds `offset`. */
function within(node: unknown, offset: number): boolean {
  const range = isScalar(node) || isMap(node) || isSeq(node) || isAlias(node) ? node.range : undefined;
  return !!range && range[0] <= offset && offset < Math.max(range[2], range[0] + 1);
}
