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
import { type Pod, refOf } from "../k8s/model.js";
import type { Cell, MatrixEngine } from "../policy/matrix-engine.js";
import { ByteChunks } from "./byte-chunks.js";
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

const utf8 = (s: string): Buffer => Buffer.from(s, "utf8");

/** The bytes after a result's `"to":` for destination `j` on a port with `cell`. */
type PartOf = (j: number, portIndex: number, cell: Cell) => Buffer;

/** Builds each (destination, port, cell) part once. */
function cellParts(engine: MatrixEngine): PartOf {
  const cellIds = new Map<Cell, number>();
  const tails: string[] = [];
  const toRefs = engine.destinations.map((p) => JSON.stringify(refOf(p)));
  const portParts = engine.ports.map((p) => `,"port":${p.port},"protocol":${JSON.stringify(p.protocol)},`);
  let cache: (Buffer | undefined)[][] = [];
  let cachePort = -1;
  return (j, pi, cell) => {
    let id = cellIds.get(cell);
    if (id === undefined) {
      cellIds.set(cell, (id = tails.length));
      tails.push(cellTail(cell));
    }
    if (pi !== cachePort) {
      cache = toRefs.map(() => []);
      cachePort = pi;
    }
    const byCell = cache[j] as (Buffer | undefined)[];
    return (byCell[id] ??= utf8((toRefs[j] as string) + (portParts[pi] as string) + (tails[id] as string)));
  };
}

/**
 * The parts of each source's row on one port. Sources of one class share their row but for two
 * cells: their own self cell, and the cell to the member whose self cell was there before.
 */
function classRows(engine: MatrixEngine, pi: number, partOf: PartOf): (from: Pod) => Buffer[] {
  const destIndex = new Map(engine.destinations.map((p, j) => [p, j]));
  const byClass = new Map<number, { parts: Buffer[]; selfAt: number }>();
  return (from) => {
    const a = engine.classOf(from);
    const at = destIndex.get(from) ?? -1;
    const known = byClass.get(a);
    if (!known) {
      const parts = engine.row(from, pi).map((cell, j) => partOf(j, pi, cell));
      byClass.set(a, { parts, selfAt: at });
      return parts;
    }
    if (known.selfAt !== at) {
      const prev = known.selfAt;
      if (prev >= 0)
        known.parts[prev] = partOf(prev, pi, engine.cell(from, engine.destinations[prev] as Pod, pi));
      if (at >= 0) known.parts[at] = partOf(at, pi, engine.cell(from, from, pi));
      known.selfAt = at;
    }
    return known.parts;
  };
}

/**
 * Writes the matrix json to stdout, waiting for stdout to drain after every ~`chunkBytes` (tests
 * use small chunks). Per cell it copies two prebuilt fragments: the source's head, and the
 * destination-and-port part joined with the cell's tail (built once per destination and cell).
 */
export async function writeMatrixJson(
  io: CliIo,
  engine: MatrixEngine,
  extras: MatrixJsonExtras,
  progress?: Progress,
  chunkBytes = 1 << 20,
): Promise<void> {
  const ports = engine.ports.map(({ port, protocol }) => ({ port, protocol }));
  const out = new ByteChunks(io, chunkBytes);
  out.put(utf8(`{"ports":${JSON.stringify(ports)},"pods":${JSON.stringify(engine.entries)},"results":[`));
  const partOf = cellParts(engine);
  const heads = engine.sources.map((p) => `{"from":${JSON.stringify(refOf(p))},"to":`);
  const firstHeads = heads.map(utf8);
  const nextHeads = heads.map((h) => utf8(`,${h}`));
  let first = true;
  let flushed = 0;
  for (const pi of ports.keys()) {
    const rowOf = classRows(engine, pi, partOf);
    for (const [i, from] of engine.sources.entries()) {
      const parts = rowOf(from);
      if (first && parts.length > 0) {
        out.putRow(firstHeads[i] as Buffer, parts, 0, 1);
        first = false;
        out.putRow(nextHeads[i] as Buffer, parts, 1, parts.length);
      } else out.putRow(nextHeads[i] as Buffer, parts, 0, parts.length);
      progress?.tick();
      if (out.length >= chunkBytes) out.emit();
      if (out.emitted !== flushed) {
        flushed = out.emitted;
        await out.settle();
      }
    }
  }
  const owners = `{${[...extras.owners].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
  out.put(
    utf8(
      `],"owners":${owners},"notes":${JSON.stringify(extras.notes)},"errors":[${extras.errors.map(errorJson).join(",")}]}\n`,
    ),
  );
  out.emit();
  await out.settle();
  progress?.done();
}
