/**
 * Turns the inputs named on the command line into the files to read: a file is itself, `-` is
 * stdin, a directory is its `.yaml`, `.yml` and `.json` files, recursively, in sorted order.
 *
 * Nothing here may hang or throw on a hostile tree. A path that cannot be examined (a symbolic-link
 * loop, no permission), a directory that cannot be listed, a directory reached again through a link
 * to one of its ancestors, and a FIFO, socket or device where a manifest is expected each become an
 * `unreadable-input` issue naming the path; FIFOs and devices are never opened, so a FIFO without a
 * writer cannot block the command. Each directory is walked once, however many links lead to it.
 */
import { compareStrings } from "../base/compare.js";
import { error, type Issue } from "../issue/issue.js";
import type { InputFs } from "./sources.js";

const EXTENSIONS = [".yaml", ".yml", ".json"];

/** The files `path` stands for, in reading order; problems are appended to `issues`. */
export async function expandInput(fs: InputFs, path: string, issues: Issue[]): Promise<string[]> {
  if (path === "-") return ["-"];
  const kind = await examine(fs, path, issues);
  if (kind === "file") return [path];
  if (kind === undefined) {
    issues.push(inputIssue("missing-input", path, "no such file or directory"));
  } else if (kind === "other") {
    issues.push(inputIssue("unreadable-input", path, `${NOT_REGULAR}; to read a pipe, give - for stdin`));
  } else if (kind === "dir") {
    const out: string[] = [];
    await walk(fs, { path, ancestors: [], seen: new Set() }, out, issues);
    return out;
  }
  return [];
}

const NOT_REGULAR = "not read: not a regular file or directory (a FIFO, socket or device)";

/** The issue for an input path that was not read. */
export function inputIssue(code: "missing-input" | "unreadable-input", path: string, message: string): Issue {
  return { ...error(code, "", message), source: { file: path, line: 1 } };
}

/** Why a file-system call failed, in words, from Node's error code where there is one. */
export function fsProblem(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  if (code === "ELOOP") return "symbolic link loop (too many levels of symbolic links)";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return e instanceof Error ? e.message : String(e);
}

interface Visit {
  readonly path: string;
  /** Real paths and given paths of the directories above this one, outermost first. */
  readonly ancestors: ReadonlyArray<{ real: string; path: string }>;
  /** Real paths of every directory walked so far in this input. */
  readonly seen: Set<string>;
}

async function walk(fs: InputFs, at: Visit, out: string[], issues: Issue[]): Promise<void> {
  const real = await realPath(fs, at.path, issues);
  if (real === undefined) return;
  const loop = at.ancestors.find((a) => a.real === real);
  if (loop) {
    issues.push(inputIssue("unreadable-input", at.path, `symbolic link loop: leads back to ${loop.path}`));
    return;
  }
  if (at.seen.has(real)) return; // already walked through another link: its files are already listed
  at.seen.add(real);
  let names: string[];
  try {
    names = (await fs.list(at.path)).sort(compareStrings);
  } catch (e) {
    issues.push(inputIssue("unreadable-input", at.path, `cannot list directory: ${fsProblem(e)}`));
    return;
  }
  const ancestors = [...at.ancestors, { real, path: at.path }];
  for (const name of names) {
    const child = `${at.path.replace(/\/+$/, "")}/${name}`;
    const manifest = EXTENSIONS.some((e) => name.endsWith(e));
    const kind = await examine(fs, child, issues);
    if (kind === "dir") await walk(fs, { path: child, ancestors, seen: at.seen }, out, issues);
    else if (kind === "file" && manifest) out.push(child);
    else if (kind === "other" && manifest) issues.push(inputIssue("unreadable-input", child, NOT_REGULAR));
    else if (kind === undefined && manifest)
      issues.push(inputIssue("missing-input", child, "no such file (a dangling symbolic link?)"));
  }
}

/** The path's kind; "error" (with an issue) when it cannot be examined. */
async function examine(
  fs: InputFs,
  path: string,
  issues: Issue[],
): Promise<"dir" | "file" | "other" | "error" | undefined> {
  try {
    return await fs.kind(path);
  } catch (e) {
    issues.push(inputIssue("unreadable-input", path, `cannot read: ${fsProblem(e)}`));
    return "error";
  }
}

async function realPath(fs: InputFs, path: string, issues: Issue[]): Promise<string | undefined> {
  if (!fs.realPath) return path;
  try {
    return await fs.realPath(path);
  } catch (e) {
    issues.push(inputIssue("unreadable-input", path, `cannot read: ${fsProblem(e)}`));
    return undefined;
  }
}
