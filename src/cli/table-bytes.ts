/**
 * The truth tables of `simulate --format table` written as bytes (issue 12: the grouped table of
 * 10,000 pods is ~170 MB and must print in < 5 s): each row is laid out in a reused ~1 MB buffer —
 * spaces, then the name and one byte per mark — and handed to `io.outBytes`, so no row string is
 * built, joined, trimmed and re-encoded. The bytes are exactly those of `tableLines`; a row that
 * the fast layout cannot hold (a non-ASCII or blank name, a mark other than one visible ASCII
 * character) is built as text by the same rules.
 */
import { ByteChunks } from "./byte-chunks.js";
import type { CliIo } from "./io.js";
import type { MarkRows } from "./matrix-table.js";
import type { Progress } from "./progress.js";

const SPACE = 0x20;
const NEWLINE = 0x0a;

/** Names the byte layout holds: visible ASCII, so one byte per character and nothing to trim. */
const PLAIN = /^[\x21-\x7e]*$/;

/**
 * Writes the tables of `src` (as `tableLines` would), then `tail()` (the legend: called once the
 * marks are all read), waiting for stdout to drain after every ~`chunkBytes`; one `progress` tick
 * per line of the tables.
 */
export async function writeTableBytes(
  io: CliIo,
  src: MarkRows,
  tail: () => string,
  progress?: Progress,
  chunkBytes = 1 << 20,
): Promise<void> {
  const names = src.names;
  const width = Math.max(1, ...names.map((p) => p.length));
  const out = new ByteChunks(io, chunkBytes, () => {
    // On one terminal the progress line would run into the output: clear it first (it redraws).
    if (io.stdoutIsTTY) progress?.done();
  });
  const plain = names.every((n) => PLAIN.test(n));
  const header = `${"-".padEnd(width)}  ${names.map((p) => p.padEnd(width)).join("  ")}`.trimEnd();
  for (const [k, { port, protocol }] of src.ports.entries()) {
    out.text(`${k > 0 ? "\n" : ""}${protocol}/${port}\n${header}\n`);
    progress?.tick();
    for (let row = 0; row < names.length; row++) {
      const marks = src.marks(k, row);
      const name = names[row] as string;
      if (!plain || !putRow(out, name, marks, width)) out.text(`${textRow(name, marks, width)}\n`);
      progress?.tick();
      await out.settle();
    }
  }
  out.text(tail());
  out.emit();
  await out.settle();
  progress?.done();
}

/** A row as `tableLines` builds it. */
function textRow(name: string, marks: readonly string[], width: number): string {
  return `${name.padEnd(width)}  ${marks.map((m) => m.padEnd(width)).join("  ")}`.trimEnd();
}

/**
 * Lays out a row of a plain name: false (nothing written) when a mark is not one visible ASCII
 * character. The row ends at its last mark (marks are not blank), or at the name when no columns.
 */
function putRow(out: ByteChunks, name: string, marks: readonly string[], width: number): boolean {
  const n = marks.length;
  const len = n === 0 ? name.length : width + n * (width + 2) - (width - 1);
  const buf = out.room(len + 1);
  const start = out.length;
  buf.fill(SPACE, start, start + len);
  buf.write(name, start, "latin1");
  let last = "";
  let code = 0;
  for (let j = 0, at = start + width + 2; j < n; j++, at += width + 2) {
    const m = marks[j] as string;
    if (m !== last) {
      code = m.length === 1 ? m.charCodeAt(0) : 0;
      if (code <= SPACE || code >= 0x7f) return false;
      last = m;
    }
    buf[at] = code;
  }
  buf[start + len] = NEWLINE;
  out.advance(len + 1);
  return true;
}
