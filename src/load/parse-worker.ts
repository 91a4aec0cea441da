/**
 * Worker side of parallel parsing: parses one piece of a YAML stream and posts the result back.
 */
import { parentPort, workerData } from "node:worker_threads";
import { parseDocuments, type ParseOptions } from "./documents.js";

const { file, text, opts } = workerData as { file: string; text: string; opts: ParseOptions };
parentPort?.postMessage(parseDocuments(file, text, opts));
