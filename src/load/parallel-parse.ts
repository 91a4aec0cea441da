/**
 * Parses large YAML inputs on several threads where that pays. The fast reader (yaml-block.ts)
 * reads block-style documents on this thread faster than a worker could even start; only when the
 * documents it leaves to the full parser add up to more than PARALLEL_THRESHOLD are those spread
 * over worker threads (each document is parsed on its own either way, so the result is the same).
 * Small inputs and any worker failure use this thread alone: the result is the same, only slower.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import {
  joinSegments,
  type ParsedInput,
  type ParseOptions,
  parseDocuments,
  parseYamlFully,
} from "./documents.js";
import { scanBlockStream, type StreamSegment } from "./yaml-block.js";

/** Text left to the full parser below this size is parsed on this thread: workers would cost more. */
export const PARALLEL_THRESHOLD = 1_000_000;

/** One document for the full parser, with the lines before it in its file. */
export interface FullPiece {
  readonly text: string;
  readonly lineOffset: number;
}

/** The compiled worker next to this module (absent when running from TypeScript sources). */
function workerPath(): string | undefined {
  const path = fileURLToPath(new URL("./parse-worker.js", import.meta.url));
  return existsSync(path) && !import.meta.url.endsWith(".ts") ? path : undefined;
}

/** Like parseDocuments, using worker threads for large inputs that the fast reader cannot read. */
export async function parseDocumentsParallel(
  file: string,
  text: string,
  opts: ParseOptions = {},
): Promise<ParsedInput> {
  const worker = workerPath();
  const threads = Math.min(4, availableParallelism());
  if (!worker || text.length < PARALLEL_THRESHOLD || threads < 2 || /^\s*[{[]/.test(text))
    return parseDocuments(file, text, opts);
  const segments = scanBlockStream(text);
  if (!segments) return parseDocuments(file, text, opts);
  const pieces = segments.filter((s): s is Extract<StreamSegment, { kind: "full" }> => s.kind === "full");
  const size = pieces.reduce((n, p) => n + p.text.length, 0);
  const fully = (ps: readonly FullPiece[]) => ps.map((p) => parseYamlFully(file, p.text, p.lineOffset));
  // Too little for workers: finish on this thread with the scan already done.
  if (size < PARALLEL_THRESHOLD) return joinSegments(file, segments, fully(pieces));
  const groups = splitEvenly(pieces, size, threads);
  try {
    // This thread parses the first group while workers parse the others.
    const [mine = [], ...rest] = groups;
    const others = Promise.all(rest.map((g) => runWorker(worker, { file, pieces: g })));
    const first = fully(mine);
    const full = [...first, ...(await others).flat()];
    return joinSegments(file, segments, full);
  } catch {
    return parseDocuments(file, text, opts);
  }
}

/** Consecutive groups of pieces with similar amounts of text, at most `parts` of them. */
function splitEvenly<T extends FullPiece>(pieces: readonly T[], size: number, parts: number): T[][] {
  const groups: T[][] = [[]];
  let filled = 0;
  for (const p of pieces) {
    const group = groups[groups.length - 1] as T[];
    if (group.length > 0 && filled >= (size * groups.length) / parts && groups.length < parts)
      groups.push([p]);
    else group.push(p);
    filled += p.text.length;
  }
  return groups;
}

function runWorker(
  path: string,
  data: { file: string; pieces: readonly FullPiece[] },
): Promise<ParsedInput[]> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path, { workerData: data });
    w.once("message", (m: ParsedInput[]) => resolve(m));
    w.once("error", reject);
    w.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`parse worker exited ${code}`))));
  });
}
