/**
 * What simulate prints besides the cells — the JSON contract's `owners`, `notes` and `errors` keys
 * and the table's footer naming the policies with errors, so no result reads as clean when the
 * input had errors — and the streaming of large outputs to stdout with backpressure.
 */
import { refOf } from "../k8s/model.js";
import { matrixResult } from "../policy/matrix.js";
import type { MatrixEngine } from "../policy/matrix-engine.js";
import type { DryRunInput } from "./dry-run-input.js";
import { errorEntries, errorFooter } from "./input-errors.js";
import type { CliIo } from "./io.js";

/** The keys every simulate JSON output ends with: `owners`, `notes`, `errors`. */
export function jsonExtras(input: DryRunInput): Record<string, unknown> {
  return {
    owners: Object.fromEntries(input.owners),
    notes: input.notes,
    errors: errorEntries(input.issues),
  };
}

/**
 * The ungrouped JSON document in chunks (one per source and port): `ports`, `pods`, `results` (port,
 * then source, then destination), then the `tail` keys.
 */
export function* matrixJsonChunks(
  engine: MatrixEngine,
  tail: Readonly<Record<string, unknown>>,
): Generator<string> {
  const ports = engine.ports.map(({ port, protocol }) => ({ port, protocol }));
  yield `{"ports":${JSON.stringify(ports)},"pods":${JSON.stringify(engine.entries)},"results":[`;
  const toRefs = engine.destinations.map(refOf);
  let first = true;
  for (const [k, port] of engine.ports.entries()) {
    for (const from of engine.sources) {
      const fromRef = refOf(from);
      const cells = engine.row(from, k);
      if (cells.length === 0) continue;
      const chunk = cells.map((c, j) => JSON.stringify(matrixResult(fromRef, toRefs[j] as string, port, c)));
      yield `${first ? "" : ","}${chunk.join(",")}`;
      first = false;
    }
  }
  yield "]";
  for (const [key, value] of Object.entries(tail)) yield `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  yield "}\n";
}

/** Bytes written between waits for stdout to drain. */
const FLUSH_EVERY = 1 << 20;

/** Writes chunks to stdout, waiting for it to drain every ~1 MB (a 2 GB result never sits in memory). */
export async function writeChunks(io: CliIo, chunks: Iterable<string>): Promise<void> {
  let pending = "";
  for (const c of chunks) {
    pending += c;
    if (pending.length < FLUSH_EVERY) continue;
    io.out(pending);
    pending = "";
    await io.flush?.();
  }
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
