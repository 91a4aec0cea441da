/**
 * `List` and `*List` wrappers (what `kubectl get -o yaml` prints for several objects): their items
 * are the objects read, each at its own line when known.
 */
import { isObject } from "../k8s/fields.js";
import type { RawObject } from "./documents.js";

/** A document's object, or the items of a `List` at their own lines (else the list's line). */
export function pushObjects(
  objects: RawObject[],
  value: unknown,
  file: string,
  line: number,
  itemLine: (i: number) => number | undefined,
): void {
  const items = listItems(value);
  if (!items) {
    objects.push({ value, source: { file, line } });
    return;
  }
  items.forEach((v, i) => objects.push({ value: v, source: { file, line: itemLine(i) ?? line } }));
}

/** The items of a `List` or `*List` object (kind given to typed-list items that lack one), else undefined. */
export function listItems(value: unknown): unknown[] | undefined {
  if (!isObject(value) || typeof value.kind !== "string" || !value.kind.endsWith("List")) return undefined;
  if (!Array.isArray(value.items)) return [];
  const items: readonly unknown[] = value.items;
  const itemKind = value.kind === "List" ? undefined : value.kind.slice(0, -"List".length);
  return items.map((item) =>
    itemKind && isObject(item) && item.kind === undefined ? { ...item, kind: itemKind } : item,
  );
}
