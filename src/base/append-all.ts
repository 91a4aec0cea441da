/**
 * Appending one list to another without spreading it into call arguments.
 *
 * `target.push(...items)` passes every element as an argument, and V8 puts arguments on the stack:
 * somewhere past ~100,000 elements it throws `RangeError: Maximum call stack size exceeded`. Issues,
 * objects, rules and set elements grow with the input (250,000 documents in one stream, a set of
 * every pod address), so wherever such a list is accumulated it is appended with this loop instead.
 */

/** Appends `items` to `target` in order (what `target.push(...items)` means, for any length). */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}
