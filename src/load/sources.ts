/**
 * Reads inputs named on the command line: files, directories (recursively, `.yaml`, `.yml`, `.json`,
 * in sorted order) and `-` for stdin. The file system is injected so tests can supply their own.
 */
import { appendAll } from "../diag/append-all.js";
import { error, type Issue } from "../diag/issue.js";
import type { ParseOptions, RawObject } from "./documents.js";
import { parseDocumentsParallel } from "./parallel-parse.js";
import { overlayObjects } from "./overlay.js";
import { buildSnapshot, compareRefs, type LoadResult } from "./snapshot.js";

/** The file-system operations the loader needs. */
export interface InputFs {
  readFile(path: string): Promise<string>;
  /** `dir` for directories, `file` for anything readable, undefined when it does not exist. */
  kind(path: string): Promise<"dir" | "file" | undefined>;
  /** Entry names of a directory. */
  list(path: string): Promise<string[]>;
  readStdin(): Promise<string>;
}

const EXTENSIONS = [".yaml", ".yml", ".json"];

/** Reads and parses every input; unreadable paths become issues, never exceptions. */
export async function readInputs(
  fs: InputFs,
  paths: readonly string[],
  opts: ParseOptions = {},
): Promise<{ objects: RawObject[]; issues: Issue[] }> {
  const objects: RawObject[] = [];
  const issues: Issue[] = [];
  for (const path of paths) {
    for (const file of await expand(fs, path, issues)) {
      let text: string;
      try {
        text = file === "-" ? await fs.readStdin() : await fs.readFile(file);
      } catch (e) {
        issues.push({
          ...error("unreadable-input", "", `cannot read: ${(e as Error).message}`),
          source: { file, line: 1 },
        });
        continue;
      }
      const parsed = await parseDocumentsParallel(file === "-" ? "<stdin>" : file, text, opts);
      appendAll(objects, parsed.objects);
      appendAll(issues, parsed.issues);
    }
  }
  return { objects, issues };
}

/**
 * Reads inputs and builds the snapshot, with all issues from both steps. `base` (e.g. the live
 * cluster's objects) is laid under the inputs: an input object replaces the base object it names.
 */
export async function loadSnapshot(
  fs: InputFs,
  paths: readonly string[],
  base: readonly RawObject[] = [],
): Promise<LoadResult> {
  const read = await readInputs(fs, paths);
  const built = buildSnapshot(base.length > 0 ? overlayObjects(base, read.objects) : read.objects);
  return { snapshot: built.snapshot, issues: [...read.issues, ...built.issues] };
}

async function expand(fs: InputFs, path: string, issues: Issue[]): Promise<string[]> {
  if (path === "-") return ["-"];
  const kind = await fs.kind(path);
  if (kind === undefined) {
    issues.push({
      ...error("missing-input", "", "no such file or directory"),
      source: { file: path, line: 1 },
    });
    return [];
  }
  if (kind === "file") return [path];
  const out: string[] = [];
  const names = (await fs.list(path)).sort(compareRefs);
  for (const name of names) {
    const child = `${path.replace(/\/+$/, "")}/${name}`;
    const childKind = await fs.kind(child);
    if (childKind === "dir") appendAll(out, await expand(fs, child, issues));
    else if (childKind === "file" && EXTENSIONS.some((e) => name.endsWith(e))) out.push(child);
  }
  return out;
}
