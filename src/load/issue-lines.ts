/**
 * Moves issues about an object's fields from the object's first line to the line of the field
 * itself (`file:line` of the offending key or list item), for every command that prints them.
 */
import type { Issue } from "../issue/issue.js";
import { type TextPositions, textPositions } from "./positions.js";

/**
 * `issues` with each field issue (a non-empty path, a source line where its object starts) at the
 * line of its field in `texts` (file label → text read). Issues without a path, or in text not
 * given, keep their line; so does an issue whose field the text does not show.
 */
export function issuesAtFieldLines(issues: readonly Issue[], texts: ReadonlyMap<string, string>): Issue[] {
  const positions = new Map<string, TextPositions>();
  return issues.map((i) => {
    if (i.path === "" || !i.source) return i;
    const text = texts.get(i.source.file);
    if (text === undefined) return i;
    let p = positions.get(i.source.file);
    if (!p) {
      p = textPositions(text);
      positions.set(i.source.file, p);
    }
    const line = p.lineOf(i.source.line, i.path);
    return line === undefined || line === i.source.line ? i : { ...i, source: { ...i.source, line } };
  });
}
