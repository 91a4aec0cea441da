/**
 * Reads inputs named on the command line: files, directories (recursively, `.yaml`, `.yml`, `.json`,
 * in sorted order) and `-` for stdin. The file system is injected so tests can supply their own.
 */
import { appendAll } from "../base/append-all.js";
import type { Issue } from "../issue/issue.js";
import type { DecodeOptions } from "../k8s/fields.js";
import type { ParseOptions, RawObject } from "./documents.js";
import { expandInput, fsProblem, inputIssue } from "./input-walk.js";
import { issuesAtFieldLines } from "./issue-lines.js";
import { parseDocumentsParallel } from "./parallel-parse.js";
import { overlayObjects } from "./overlay.js";
import { buildSnapshot, type LoadResult } from "./snapshot.js";

/** The file-system operations the loader needs. */
export interface InputFs {
  /** A regular file's text; rejects (never blocks) for anything else. */
  readFile(path: string): Promise<string>;
  /**
   * `dir` for directories, `file` for regular files, `other` for FIFOs, sockets and devices (never
   * opened), undefined when it does not exist; rejects when the path cannot be examined (a
   * symbolic-link loop, no permission on a parent).
   */
  kind(path: string): Promise<"dir" | "file" | "other" | undefined>;
  /** Entry names of a directory; rejects when it cannot be listed. */
  list(path: string): Promise<string[]>;
  /**
   * The path with every symbolic link resolved, so a directory walk visits each directory once
   * and stops at links back to an ancestor. Absent for file systems without links.
   */
  realPath?(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

/** What was read: the objects, the problems, and each file's text (by its label) for issue lines. */
export interface ReadInputs {
  readonly objects: RawObject[];
  readonly issues: Issue[];
  /** The text of every file read, by the label its objects carry (`<stdin>` for stdin). */
  readonly texts: ReadonlyMap<string, string>;
}

/** Reads and parses every input; unreadable paths become issues, never exceptions. */
export async function readInputs(
  fs: InputFs,
  paths: readonly string[],
  opts: ParseOptions = {},
): Promise<ReadInputs> {
  const objects: RawObject[] = [];
  const issues: Issue[] = [];
  const texts = new Map<string, string>();
  for (const path of paths) {
    for (const file of await expandInput(fs, path, issues)) {
      let text: string;
      try {
        text = file === "-" ? await fs.readStdin() : await fs.readFile(file);
      } catch (e) {
        issues.push(inputIssue("unreadable-input", file, `cannot read: ${fsProblem(e)}`));
        continue;
      }
      const label = file === "-" ? "<stdin>" : file;
      texts.set(label, text);
      const parsed = await parseDocumentsParallel(label, text, opts);
      appendAll(objects, parsed.objects);
      appendAll(issues, parsed.issues);
    }
  }
  return { objects, issues, texts };
}

/**
 * Reads inputs and builds the snapshot, with all issues from both steps, each issue about a field at
 * the line of that field. `base` (e.g. the live cluster's objects) is laid under the inputs: an
 * input object replaces the base object it names.
 */
export async function loadSnapshot(
  fs: InputFs,
  paths: readonly string[],
  base: readonly RawObject[] = [],
  opts: DecodeOptions = {},
): Promise<LoadResult> {
  const read = await readInputs(fs, paths);
  const built = buildSnapshot(base.length > 0 ? overlayObjects(base, read.objects) : read.objects, opts);
  return {
    snapshot: built.snapshot,
    issues: [...read.issues, ...issuesAtFieldLines(built.issues, read.texts)],
  };
}
