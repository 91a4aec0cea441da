/**
 * What simulate prints besides the cells — the JSON contract's `owners`, `notes` and `errors` keys
 * and the table's footer naming the policies with errors, so no result reads as clean when the
 * input had errors — and the streaming of tables and grouped JSON to stdout with backpressure.
 */
import type { DryRunInput } from "./dry-run-input.js";
import { errorEntries, errorFooter } from "./input-errors.js";
import type { CliIo } from "./io.js";
import type { MatrixJsonExtras } from "./matrix-json.js";
import { tiersNotes } from "./matrix-tiers-note.js";
import type { Progress } from "./progress.js";

/** The keys every simulate JSON output ends with: `owners`, `notes` (the tiers' included), `errors`. */
export function jsonExtras(input: DryRunInput): MatrixJsonExtras {
  const notes = [...input.notes, ...tiersNotes(input.snapshot)];
  return { owners: input.owners, notes, errors: errorEntries(input.issues) };
}

/** The same keys as a plain object, for writers that serialise them as given. */
export function jsonTail(input: DryRunInput): Record<string, unknown> {
  const extras = jsonExtras(input);
  return { owners: Object.fromEntries(extras.owners), notes: extras.notes, errors: extras.errors };
}

/** Bytes written between waits for stdout to drain. */
const FLUSH_EVERY = 1 << 20;

/**
 * Writes chunks to stdout, waiting for it to drain every ~1 MB (a 2 GB result never sits in
 * memory); each chunk is one unit of `progress`.
 */
export async function writeChunks(io: CliIo, chunks: Iterable<string>, progress?: Progress): Promise<void> {
  let pending = "";
  for (const c of chunks) {
    pending += c;
    progress?.tick();
    if (pending.length < FLUSH_EVERY) continue;
    // On one terminal the progress line would run into the output: clear it first (it redraws).
    if (io.stdoutIsTTY) progress?.done();
    io.out(pending);
    pending = "";
    await io.flush?.();
  }
  progress?.done();
  if (pending) io.out(pending);
}

/** Footer lines under a table: the policies with errors (the notes went to stderr). */
export function footerLines(input: DryRunInput): string[] {
  return errorFooter(input.issues);
}

/** The footer as comment lines of a DOT (`//`) or Mermaid (`%%`) graph. */
export function graphFooter(comment: string, input: DryRunInput): string {
  return footerLines(input)
    .map((l) => `${comment} ${l}\n`)
    .join("");
}
