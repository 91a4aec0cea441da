/**
 * Splitting a YAML stream into pieces at document markers, so large inputs can be parsed in
 * parallel. A `---` (or `...`) at the start of a line, followed by a space or the end of the line,
 * always starts (or ends) a document in YAML 1.2 — it may not appear inside any scalar — so a split
 * there parses exactly as the whole stream does. Streams with directives (`%YAML`, `%TAG`) are not
 * split, since a directive belongs to the document after it.
 */

/** A piece of the stream and the number of lines before it (to turn piece lines into file lines). */
export interface Piece {
  readonly text: string;
  readonly lineOffset: number;
}

/** Splits `text` into at most `parts` pieces of similar size, each starting at a document marker. */
export function splitAtDocuments(text: string, parts: number): Piece[] {
  if (parts < 2 || /^%/m.test(text)) return [{ text, lineOffset: 0 }];
  const markers: number[] = [];
  const re = /^(?:---|\.\.\.)(?=[ \t\r\n]|$)/gm;
  for (let m = re.exec(text); m; m = re.exec(text))
    if (m.index > 0 && text[m.index] === "-") markers.push(m.index);
  const pieces: Piece[] = [];
  let start = 0;
  let line = 0;
  for (let k = 1; k < parts; k++) {
    const target = Math.floor((text.length * k) / parts);
    const cut = markers.find((at) => at >= target && at > start);
    if (cut === undefined) break;
    const piece = text.slice(start, cut);
    pieces.push({ text: piece, lineOffset: line });
    line += countLines(piece);
    start = cut;
  }
  pieces.push({ text: text.slice(start), lineOffset: line });
  return pieces;
}

function countLines(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) n++;
  return n;
}
