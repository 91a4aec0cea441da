/**
 * Worker side of parallel parsing: parses each document it is given with the full YAML parser and
 * posts the results back, in order.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseYamlFully } from "./documents.js";
import type { FullPiece } from "./parallel-parse.js";

const { file, pieces } = workerData as { file: string; pieces: readonly FullPiece[] };
parentPort?.postMessage(pieces.map((p) => parseYamlFully(file, p.text, p.lineOffset)));
