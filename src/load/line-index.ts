/** Line numbers of offsets into a text, for issues that point at a line of an input. */

/** The offsets where the lines of `text` start (line n, 1-based, starts at `starts[n - 1]`). */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}

/** The 1-based line of an offset into `text` (binary search over the offsets where lines start). */
export function lineIndex(text: string): (offset: number) => number {
  return lineOfOffset(lineStarts(text));
}

/** The 1-based line of an offset, given the offsets where lines start. */
export function lineOfOffset(starts: readonly number[]): (offset: number) => number {
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
