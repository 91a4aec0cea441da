/**
 * A cheap upper bound on how deeply a YAML text nests, checked before the full parser sees it: the
 * `yaml` package recurses per level, and past a few hundred levels it overflows the stack, after
 * which a later call can exhaust memory inside V8's regular-expression compiler and end the
 * process. No manifest comes close to the limit (a deep CRD schema nests a few dozen levels).
 */

/**
 * Texts whose nesting bound exceeds this are reported, not parsed. The parser copes with 500
 * levels, measured; a manifest indented 200 columns deep is still far below.
 */
export const MAX_NESTING = 500;

/**
 * An upper bound on the nesting depth of `text`, and the 1-based line where it is reached: a block
 * mapping needs one more column of indentation than its parent, a sequence may share its parent
 * mapping's column (so two levels per column at most, and two at column 0), a line can open further levels only with its
 * indicators (`-`, `?`, `:` before a space or the line end), and flow collections with brackets (counted across lines, quotes
 * ignored, so the bound may overestimate but never underestimates).
 */
export function nestingBound(text: string): { depth: number; line: number } {
  let best = { depth: 0, line: 1 };
  let flow = 0;
  let line = 1;
  let indent = 0;
  let atStart = true;
  let indicators = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || i === text.length) {
      const depth = 2 * indent + indicators + flow + 1;
      if (depth > best.depth) best = { depth, line };
      line++;
      indent = 0;
      atStart = true;
      indicators = 0;
      continue;
    }
    if (atStart && c === 32) {
      indent++;
      continue;
    }
    atStart = false;
    if (c === 91 || c === 123) flow++;
    else if ((c === 93 || c === 125) && flow > 0) flow--;
    else if ((c === 45 || c === 63 || c === 58) && endsToken(text.charCodeAt(i + 1))) indicators++;
    const depth = 2 * indent + indicators + flow + 1;
    if (depth > best.depth) best = { depth, line };
  }
  return best;
}

/** A space, a line end or the end of the text: what makes `-`, `?` or `:` an indicator. */
function endsToken(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || Number.isNaN(c);
}
