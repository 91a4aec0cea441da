/**
 * Prints load issues on stderr, one line each, and tells whether any was an error.
 */
import { formatIssue, hasErrors, type Issue } from "../issue/issue.js";
import type { CliIo } from "./io.js";

/** Writes every issue to stderr; returns true when at least one is an error. */
export function reportIssues(io: CliIo, issues: readonly Issue[]): boolean {
  for (const i of issues) io.err(`${formatIssue(i)}\n`);
  return hasErrors(issues);
}
