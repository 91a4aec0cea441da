/**
 * Offsets of lines in a large text without indexing every line: a cursor that walks line breaks
 * from where it last stopped. Look-ups in ascending line order cost one pass over the text in all
 * (issue lines are looked up that way); any other order is still correct.
 */
export class LineCursor {
  private line = 1;
  private offset = 0;
  constructor(private readonly text: string) {}

  /** The offset where the 1-based `line` starts, or undefined past the end of the text. */
  offsetOf(line: number): number | undefined {
    if (line < 1) return undefined;
    if (line < this.line - line) {
      this.line = 1;
      this.offset = 0;
    }
    while (this.line > line) {
      this.offset = this.offset < 2 ? 0 : this.text.lastIndexOf("\n", this.offset - 2) + 1;
      this.line--;
    }
    while (this.line < line) {
      const nl = this.text.indexOf("\n", this.offset);
      if (nl < 0) return undefined;
      this.offset = nl + 1;
      this.line++;
    }
    return this.offset;
  }

  /** The text of the 1-based `line` without its line break, or undefined past the end. */
  lineText(line: number): string | undefined {
    const start = this.offsetOf(line);
    if (start === undefined) return undefined;
    const nl = this.text.indexOf("\n", start);
    return this.text.slice(start, nl < 0 ? this.text.length : nl);
  }
}

/** The number of line breaks in `text` from `from` up to (not including) `to`. */
export function lineBreaks(text: string, from: number, to: number): number {
  let n = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) n++;
  return n;
}
