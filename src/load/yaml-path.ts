/**
 * Where a field path is in a YAML document parsed by the `yaml` package (block or flow style): the
 * source offset of the key that holds the field, or of the list item.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node } from "yaml";
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
      const start = isScalar(item) || isMap(item) || isSeq(item) || isAlias(item) ? item.range?.[0] : undefined;
      at = start ?? at;
      cur = item;
      rest = step.rest;
    } else break;
  }
  return at;
}
