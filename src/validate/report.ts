/**
 * Output formats of `netguard validate`: human text, a stable JSON document, SARIF 2.1.0 for
 * code-scanning dashboards, and GitHub Actions workflow commands (annotations).
 */
import { posix } from "node:path";
import type { Location, Log } from "sarif";
import { type Issue, objectPrefix } from "../issue/issue.js";

/** What a validation run found. */
export interface ValidationReport {
  readonly issues: readonly Issue[];
  readonly files: number;
  /** NetworkPolicy objects read. */
  readonly policies: number;
  /** ClusterNetworkPolicy objects read (absent: none). */
  readonly clusterPolicies?: number;
}

/** Counts for summaries. */
export function summary(r: ValidationReport): {
  errors: number;
  warnings: number;
  files: number;
  policies: number;
  clusterPolicies: number;
} {
  const errors = r.issues.filter((i) => i.severity === "error").length;
  return {
    errors,
    warnings: r.issues.length - errors,
    files: r.files,
    policies: r.policies,
    clusterPolicies: r.clusterPolicies ?? 0,
  };
}

/** One issue in the json document (`formatJson`): every key present, `null` where it does not apply. */
export interface FlatIssue {
  readonly file: string | null;
  readonly line: number | null;
  readonly kind: string | null;
  readonly namespace: string | null;
  readonly name: string | null;
  readonly path: string;
  readonly code: string;
  readonly severity: Issue["severity"];
  readonly message: string;
}

function flat(i: Issue): FlatIssue {
  return {
    file: i.source?.file ?? null,
    line: i.source?.line ?? null,
    kind: i.object?.kind ?? null,
    namespace: i.object?.namespace ?? null,
    name: i.object?.name ?? null,
    path: i.path,
    code: i.code,
    severity: i.severity,
    message: i.message,
  };
}

/** The json document of `netguard validate --format json`. */
export interface ValidationJson {
  readonly issues: readonly FlatIssue[];
  readonly summary: ReturnType<typeof summary>;
}

/** `{"issues":[{file,line,kind,namespace,name,path,code,severity,message}],"summary":{...}}` — a stable contract. */
export function formatJson(r: ValidationReport): string {
  const doc: ValidationJson = { issues: r.issues.map(flat), summary: summary(r) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** One line per issue, then a summary line; ANSI colours only when `color`. */
export function formatText(r: ValidationReport, color: boolean): string {
  const paint = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines = r.issues.map((i) => {
    const where = i.source ? `${i.source.file}:${i.source.line}: ` : "";
    const sev = i.severity === "error" ? paint("31", "error") : paint("33", "warning");
    const obj = objectPrefix(i);
    return `${where}${sev}: ${obj}${i.path ? `${i.path}: ` : ""}${i.message} [${i.code}]`;
  });
  const s = summary(r);
  lines.push(`${s.errors} error(s), ${s.warnings} warning(s) in ${validated(s)} from ${s.files} file(s)`);
  return `${lines.join("\n")}\n`;
}

/** `2 NetworkPolicies`, or `1 NetworkPolicy and 3 ClusterNetworkPolicies` when there are any. */
function validated(s: { policies: number; clusterPolicies: number }): string {
  const n = (count: number, kind: string) => `${count} ${kind}Polic${count === 1 ? "y" : "ies"}`;
  const cnps = s.clusterPolicies > 0 ? ` and ${n(s.clusterPolicies, "ClusterNetwork")}` : "";
  return `${n(s.policies, "Network")}${cnps}`;
}

/** GitHub Actions workflow commands: one `::error`/`::warning` annotation per issue. */
export function formatGithub(r: ValidationReport): string {
  const esc = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  const prop = (s: string) => esc(s).replace(/:/g, "%3A").replace(/,/g, "%2C");
  const lines = r.issues.map((i) => {
    const props = [
      ...(i.source ? [`file=${prop(i.source.file)}`, `line=${i.source.line}`] : []),
      `title=${prop(`netguard ${i.code}`)}`,
    ].join(",");
    const obj = objectPrefix(i);
    return `::${i.severity === "error" ? "error" : "warning"} ${props}::${esc(`${obj}${i.path ? `${i.path}: ` : ""}${i.message}`)}`;
  });
  return lines.length ? `${lines.join("\n")}\n` : "";
}

/** SARIF 2.1.0: one run, one rule per issue code, one result per issue. */
export function formatSarif(r: ValidationReport, toolVersion: string): string {
  const codes = [...new Set(r.issues.map((i) => i.code))].sort();
  const sarif: Log = {
    $schema: "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "netguard",
            version: toolVersion,
            rules: codes.map((code) => ({
              id: code,
              name: code,
              shortDescription: { text: code.replace(/-/g, " ") },
            })),
          },
        },
        results: r.issues.map((i) => {
          const uri = i.source ? artifactUri(i.source.file) : undefined;
          // without an artifact to point at (standard input), the message says where
          const from = i.source && uri === undefined ? `${i.source.file}:${i.source.line}: ` : "";
          return {
            ruleId: i.code,
            ruleIndex: codes.indexOf(i.code),
            level: i.severity === "error" ? "error" : "warning",
            message: { text: `${from}${i.path ? `${i.path}: ` : ""}${i.message}` },
            ...sarifLocations(i, uri),
          };
        }),
      },
    ],
  };
  return `${JSON.stringify(sarif, null, 2)}\n`;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The label `loadSources` gives standard input; it names no artifact a dashboard could open. */
const STDIN_LABEL = "<stdin>";

/**
 * SARIF §3.10 `artifactLocation.uri`: a URI reference. A relative path stays relative (code
 * scanning resolves it against the repository root) with each segment percent-encoded, so spaces,
 * `%`, `#`, `?`, `:` and non-ASCII names keep their meaning; an absolute path becomes a `file:`
 * URI. Standard input has no URI.
 */
export function artifactUri(file: string): string | undefined {
  if (file === STDIN_LABEL || file === "-") return undefined;
  const absolute = file.startsWith("/");
  const path = absolute ? file : posix.normalize(file);
  // A lone surrogate (a file name that is not valid UTF-16) would make encodeURIComponent throw.
  const encoded = path.replace(LONE_SURROGATE, "\ufffd").split("/").map(encodeURIComponent).join("/");
  return absolute ? `file://${encoded}` : encoded;
}

/** The result's location: the file and line when there is an artifact URI, and the object. */
function sarifLocations(i: Issue, uri: string | undefined): { locations?: Location[] } {
  const location: Location = {};
  if (uri !== undefined && i.source)
    location.physicalLocation = {
      artifactLocation: { uri },
      region: { startLine: Math.max(1, i.source.line) },
    };
  if (i.object?.name)
    location.logicalLocations = [
      {
        fullyQualifiedName: `${i.object.kind}/${i.object.namespace ? `${i.object.namespace}/` : ""}${i.object.name}/${i.path}`,
        kind: "object",
      },
    ];
  return Object.keys(location).length > 0 ? { locations: [location] } : {};
}
