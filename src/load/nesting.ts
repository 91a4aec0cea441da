/**
 * A cheap upper bound on how deeply a YAML text nests, checked before the full parser sees it: the
 * `yaml` package recurses per level, and past a few hundred levels it overflows the stack, after
 * which a later call can exhaust memory inside V8's regular-expression compiler and end the
 * process. No manifest comes close to the limit (a deep CRD schema nests a few dozen levels).
 */
import { CST, Lexer } from "yaml";

/**
 * Texts whose nesting bound exceeds this are reported, not parsed. The parser copes with 500
 * levels, measured; a manifest indented 200 columns deep is still far below.
 */
export const MAX_NESTING = 500;

/**
 * An upper bound on the nesting depth of `text`, and the 1-based line where it is reached. It reads
 * the tokens of the `yaml` package's own lexer (which does not recurse), so quoted, plain and block
 * scalars and comments are exactly what the parser will see: a block mapping needs one more column
 * of indentation than its parent, a sequence may share its parent mapping's column (two levels per
 * column at most, and two at column 0), a line opens further levels only with its indicators (`-`,
 * `?`, `:`), and flow collections nest with their brackets across lines.
 */
export function nestingBound(text: string): { depth: number; line: number } {
  const s = new Bound();
  let scalarSource = false; // the lexer sends a scalar marker, then the scalar's source text
  for (const token of new Lexer().lex(text)) {
    if (scalarSource) {
      scalarSource = false;
      s.content(token);
      continue;
    }
    const type = CST.tokenType(token);
    const effect = type === null ? "content" : EFFECT[type];
    switch (effect) {
      case "scalar-next":
        scalarSource = true;
        break;
      case "newline":
        s.newline();
        break;
      case "space":
        if (s.atLineStart) s.indent += token.length;
        break;
      case "open":
        s.flow++;
        s.atLineStart = false;
        break;
      case "close":
        if (s.flow > 0) s.flow--;
        s.atLineStart = false;
        break;
      case "indicator":
        s.indicators++;
        s.atLineStart = false;
        break;
      case "content":
        s.content(token);
        break;
    }
    s.note();
  }
  s.note();
  return s.best;
}

/** What a lexer token does to the bound. */
type Effect = "scalar-next" | "newline" | "space" | "open" | "close" | "indicator" | "content";

/**
 * Every token type of the lexer (a `Record`, so a type added by a `yaml` upgrade must be placed here):
 * flow brackets open and close levels, block indicators open one each, and quoted scalars, comments,
 * anchors, aliases, tags, markers and block-scalar headers are content on the line, opening none.
 */
const EFFECT: Record<NonNullable<ReturnType<typeof CST.tokenType>>, Effect> = {
  scalar: "scalar-next",
  newline: "newline",
  space: "space",
  "flow-seq-start": "open",
  "flow-map-start": "open",
  "flow-seq-end": "close",
  "flow-map-end": "close",
  "seq-item-ind": "indicator",
  "explicit-key-ind": "indicator",
  "map-value-ind": "indicator",
  "double-quoted-scalar": "content",
  "single-quoted-scalar": "content",
  comment: "content",
  anchor: "content",
  alias: "content",
  tag: "content",
  "block-scalar-header": "content",
  "byte-order-mark": "content",
  comma: "content",
  "directive-line": "content",
  "doc-end": "content",
  "doc-mode": "content",
  "doc-start": "content",
  "flow-error-end": "content",
};

class Bound {
  best = { depth: 0, line: 1 };
  flow = 0;
  line = 1;
  indent = 0;
  indicators = 0;
  atLineStart = true;

  note(): void {
    const depth = 2 * this.indent + this.indicators + this.flow + 1;
    if (depth > this.best.depth) this.best = { depth, line: this.line };
  }

  newline(): void {
    this.note();
    this.line++;
    this.indent = 0;
    this.indicators = 0;
    this.atLineStart = true;
  }

  /** A token that is content: only its line breaks matter. */
  content(token: string): void {
    for (let i = token.indexOf("\n"); i >= 0; i = token.indexOf("\n", i + 1)) this.newline();
    this.atLineStart = token.endsWith("\n");
  }
}
