/**
 * `simulate --format json`, streamed: the json of the whole matrix written row by row from the
 * engine, never held in memory (25 M cells are ~2.5 GB of json). Every string that repeats is built
 * once: a fragment per source, per destination and port, and per (interned) cell. Chunks of ~1 MB
 * go to stdout, waiting for it to drain (`io.flush`) between chunks.
 *
 * The bytes are those of `JSON.stringify` of `{ports, pods, results, owners, notes, errors}`:
 * `ports`, `pods` and `results` as before, then
 * - `owners`: pod ref -> top-level owner `ns/Kind/name` (always present, maybe `{}`);
 * - `notes`: sentences about the input (pods left out, ...);
 * - `errors`: the decoder's errors, so nobody reads the result as clean.
 */
import { refOf } from "../k8s/model.js";
import type { Cell, MatrixEngine } from "../policy/matrix-engine.js";
import type { CliIo } from "./io.js";
import type { Progress } from "./progress.js";

/** One input error in the json `errors` array (keys in this order; absent ones left out). */
export interface MatrixJsonError {
  readonly file?: string;
  readonly line?: number;
  readonly kind?: string;
  readonly namespace?: string;
  readonly name?: string;
  /** Field path, e.g. `spec.ingress[0].from[0].podSelector.matchLabel`. */
  readonly path?: string;
  readonly code: string;
  readonly message: string;
}

/** What the json carries besides the matrix. */
export interface MatrixJsonExtras {
  /** Pod ref -> top-level owner ref, in the order to print (sorted by the dry-run view). */
  readonly owners: ReadonlyMap<string, string>;
  readonly notes: readonly string[];
  readonly errors: readonly MatrixJsonError[];
}

const ERROR_KEYS = ["file", "line", "kind", "namespace", "name", "path", "code", "message"] as const;

/** The json of one error, keys in a fixed order. */
function errorJson(e: MatrixJsonError): string {
  const o: Record<string, unknown> = {};
  for (const k of ERROR_KEYS) if (e[k] !== undefined) o[k] = e[k];
  return JSON.stringify(o);
}

/** `"allowed":...}`: the end of a result object for a cell. */
function cellTail(cell: Cell): string {
  const o =
    cell.kind === "not-evaluated"
      ? { allowed: null, note: cell.note }
      : {
          allowed: cell.allowed,
          ...(cell.family ? { family: cell.family } : {}),
          ...(cell.families ? { families: cell.families } : {}),
        };
  return JSON.stringify(o).slice(1);
}

/** Writes the matrix json to stdout; `chunkBytes` is the size of each write (tests use small ones). */
export async function writeMatrixJson(
  io: CliIo,
  engine: MatrixEngine,
  extras: MatrixJsonExtras,
  progress?: Progress,
  chunkBytes = 1 << 20,
): Promise<void> {
  const ports = engine.ports.map(({ port, protocol }) => ({ port, protocol }));
  let chunk = `{"ports":${JSON.stringify(ports)},"pods":${JSON.stringify(engine.entries)},"results":[`;
  const tails = new Map<Cell, string>();
  const tailOf = (c: Cell): string => {
    let t = tails.get(c);
    if (t === undefined) tails.set(c, (t = cellTail(c)));
    return t;
  };
  const fromHeads = engine.sources.map((p) => `{"from":${JSON.stringify(refOf(p))},"to":`);
  const toRefs = engine.destinations.map((p) => JSON.stringify(refOf(p)));
  let sep = "";
  for (const [pi, port] of ports.entries()) {
    const portPart = `,"port":${port.port},"protocol":${JSON.stringify(port.protocol)},`;
    const toParts = toRefs.map((r) => r + portPart);
    for (const [i, from] of engine.sources.entries()) {
      const head = fromHeads[i] as string;
      const row = engine.row(from, pi);
      for (let j = 0; j < row.length; j++) {
        chunk += sep + head + (toParts[j] as string) + tailOf(row[j] as Cell);
        sep = ",";
      }
      progress?.tick();
      if (chunk.length >= chunkBytes) {
        io.out(chunk);
        chunk = "";
        await io.flush?.();
      }
    }
  }
  const owners = `{${[...extras.owners].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
  chunk += `],"owners":${owners},"notes":${JSON.stringify(extras.notes)},"errors":[${extras.errors.map(errorJson).join(",")}]}\n`;
  io.out(chunk);
  await io.flush?.();
  progress?.done();
}
