/**
 * Errors as values. Every problem found in user input is an `Issue` carrying a machine-readable code,
 * a severity and the field path inside the object (`spec.ingress[0].from[1].ipBlock.except[0]`), plus
 * the file and line when the object came from a file. `throw` is reserved for programming errors.
 */

import { clipName } from "./quote.js";

/** How bad an issue is: `error` means the input (or part of it) was not used as written. */
export type Severity = "error" | "warning";

/** Where an object came from: a file (or `-` for stdin) and the 1-based line of the object's start. */
export interface SourcePos {
  readonly file: string;
  readonly line: number;
}

/** Identifies the Kubernetes object an issue is about, when there is one. */
export interface ObjectRef {
  readonly kind: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** One problem found in the input. */
export interface Issue {
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Field path inside the object, in the API server's notation; empty for whole-document problems. */
  readonly path: string;
  readonly source?: SourcePos;
  readonly object?: ObjectRef;
}

/** Builds an error-severity issue. */
export function error(code: string, path: string, message: string): Issue {
  return { code, severity: "error", path, message };
}

/** Builds a warning-severity issue. */
export function warning(code: string, path: string, message: string): Issue {
  return { code, severity: "warning", path, message };
}

/** Attaches the object's origin to issues produced while decoding it. */
export function locate(issues: readonly Issue[], source: SourcePos | undefined, object: ObjectRef): Issue[] {
  return issues.map((i) => ({ ...i, source: i.source ?? source, object: i.object ?? object }));
}

/** True when any issue is an error. */
export function hasErrors(issues: readonly Issue[]): boolean {
  return issues.some((i) => i.severity === "error");
}

/** Renders an issue as one human-readable line: `file:line: error: Kind ns/name: path: message [code]`. */
export function formatIssue(i: Issue): string {
  const where = i.source ? `${i.source.file}:${i.source.line}: ` : "";
  const obj = i.object ? `${clipName(i.object.kind)}${objectName(i.object)}: ` : "";
  const path = i.path ? `${i.path}: ` : "";
  return `${where}${i.severity}: ${obj}${path}${i.message} [${i.code}]`;
}

function objectName(o: ObjectRef): string {
  if (o.name === undefined) return "";
  return o.namespace ? ` ${clipName(o.namespace)}/${clipName(o.name)}` : ` ${clipName(o.name)}`;
}

/**
 * `Kind ns/name: ` for an issue's object, or "" without a name; each part at most ~80 characters
 * (a name is a user value: a 2 MB one must not be echoed on every line).
 */
export function objectPrefix(i: Issue): string {
  return i.object?.name ? `${clipName(i.object.kind)}${objectName(i.object)}: ` : "";
}
