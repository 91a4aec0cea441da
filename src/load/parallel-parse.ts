/**
 * Parses large YAML inputs on several threads: the stream is split at document markers
 * (split-documents.ts), each piece is parsed by a worker with the same parser, and the results are
 * joined with lines shifted back to the whole file. Small inputs, inputs with directives, and any
 * worker failure fall back to parsing on this thread: the result is the same, only slower.
 */
import { existsSync } from "node:fs";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { type ParsedInput, type ParseOptions, parseDocuments } from "./documents.js";
import { splitAtDocuments } from "./split-documents.js";

/** Inputs smaller than this are parsed on this thread: starting workers would cost more. */
export const PARALLEL_THRESHOLD = 1_000_000;

/** The compiled worker next to this module (absent when running from TypeScript sources). */
function workerPath(): string | undefined {
  const path = fileURLToPath(new URL("./parse-worker.js", import.meta.url));
  return existsSync(path) && !import.meta.url.endsWith(".ts") ? path : undefined;
}

/** Like parseDocuments, using worker threads for large inputs. */
export async function parseDocumentsParallel(
  file: string,
  text: string,
  opts: ParseOptions = {},
): Promise<ParsedInput> {
  const worker = workerPath();
  const threads = Math.min(4, availableParallelism());
  if (
    !worker ||
    text.length < PARALLEL_THRESHOLD ||
    threads < 2 ||
    (/^\s*[{[]/.test(text) && !opts.strictJson)
  ) {
    return parseDocuments(file, text, opts);
  }
  const pieces = splitAtDocuments(text, threads);
  if (pieces.length < 2) return parseDocuments(file, text, opts);
  try {
    // Each worker numbers lines (and line numbers inside messages) as in the whole file.
    // The first piece is parsed on this thread while workers parse the others.
    const [first, ...rest] = pieces as [(typeof pieces)[number], ...typeof pieces];
    const others = Promise.all(
      rest.map((p) => runWorker(worker, { file, text: p.text, opts: { ...opts, lineOffset: p.lineOffset } })),
    );
    const mine = parseDocuments(file, first.text, { ...opts, lineOffset: first.lineOffset });
    const results = [mine, ...(await others)];
    return { objects: results.flatMap((r) => r.objects), issues: results.flatMap((r) => r.issues) };
  } catch {
    return parseDocuments(file, text, opts);
  }
}

function runWorker(
  path: string,
  data: { file: string; text: string; opts: ParseOptions },
): Promise<ParsedInput> {
  return new Promise((resolve, reject) => {
    const w = new Worker(path, { workerData: data });
    w.once("message", (m: ParsedInput) => resolve(m));
    w.once("error", reject);
    w.once("exit", (code) => (code === 0 ? undefined : reject(new Error(`parse worker exited ${code}`))));
  });
}
