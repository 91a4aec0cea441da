/**
 * Where a YAML syntax error really is. The `yaml` package reports an unclosed quoted scalar or flow
 * collection where it gave up looking for the end — often the end of the file — while the problem
 * is the quote or bracket that was opened and never closed. This finds that opening with the
 * package's own lexer (which does not recurse), so quoted text is exactly what the parser saw.
 */
import { CST, Lexer } from "yaml";

/** A syntax error as the `yaml` package reports it: a message and an offset into the text. */
export interface SyntaxProblem {
  readonly code: string;
  readonly message: string;
  readonly at: number;
}

/**
 * The offset to report `p` at: the opening quote of an unclosed quoted scalar, the opening bracket
 * of an unclosed flow collection, else where the parser reported it.
 */
export function problemOffset(text: string, p: SyntaxProblem): number {
  const quote = /Missing closing (["'])quote/.exec(p.message);
  if (p.code === "MISSING_CHAR" && quote) return unclosed(text, p.at).quote ?? p.at;
  const bracket = /^Flow .* end with a ([\]}])$/.exec(p.message);
  if (bracket) {
    const open = bracket[1] === "]" ? "[" : "{";
    const flows = unclosed(text, p.at).flows.filter((f) => f.bracket === open);
    return flows[flows.length - 1]?.at ?? p.at;
  }
  return p.at;
}

/** Zero-width tokens of the lexer (document start, scalar marker, flow error end). */
const CONTROL = new Set(["\u0002", "\u001f", "\u0018"]);

/**
 * The unclosed quoted scalar and flow collections that start at or before `upTo`: the last quoted
 * scalar without its closing quote, and the flow collections still open at the end of the text.
 */
function unclosed(
  text: string,
  upTo: number,
): { quote?: number; flows: Array<{ at: number; bracket: string }> } {
  let offset = 0;
  let quote: number | undefined;
  const flows: Array<{ at: number; bracket: string }> = [];
  for (const token of new Lexer().lex(text)) {
    if (CONTROL.has(token)) continue;
    const type = CST.tokenType(token);
    if (offset <= upTo) {
      if ((type === "double-quoted-scalar" || type === "single-quoted-scalar") && !closed(token))
        quote = offset;
      else if (type === "flow-seq-start" || type === "flow-map-start")
        flows.push({ at: offset, bracket: token });
      else if (type === "flow-seq-end" || type === "flow-map-end") flows.pop();
    }
    offset += token.length;
  }
  return { ...(quote !== undefined ? { quote } : {}), flows };
}

/** True when a quoted-scalar token ends with its closing quote. */
function closed(token: string): boolean {
  const q = token[0];
  for (let i = 1; i < token.length; i++) {
    const c = token[i];
    if (q === '"' && c === "\\") i++;
    else if (c === q) {
      if (q === "'" && token[i + 1] === "'") i++;
      else return i === token.length - 1;
    }
  }
  return false;
}
