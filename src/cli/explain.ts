/**
 * `netguard explain --from <ns/pod|IP> --to <ns/pod|IP> --port <n>/<PROTO> <inputs...>`: one
 * connection's verdict with the reasons, side by side for the source's egress and the
 * destination's ingress, with special cases said plainly.
 */
import { clipName } from "../issue/quote.js";
import { appendAll } from "../base/append-all.js";
import type { Direction, Pod } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot } from "../policy/cluster-index.js";
import { evaluate, policiesSelecting } from "../policy/evaluate.js";
import { missingNamedPorts } from "../policy/named-port-notes.js";
import type { SideVerdict, Verdict } from "../policy/verdict.js";
import { loadForCommand } from "./dry-run-input.js";
import { explainEndpoint } from "./explain-endpoint.js";
import { errorEntries, errorFooter } from "./input-errors.js";
import { type CliIo, type ExitCode, UsageError } from "./io.js";
import { parseProbePort } from "./probe-port.js";

/** Options of `explain`. */
export interface ExplainOptions {
  readonly from?: string;
  readonly to?: string;
  readonly port?: string;
  readonly format?: string;
  readonly kubeconfig?: string;
  /** The Kubernetes release whose API server validation to mirror (`1.N`). */
  readonly kubeVersion?: string;
}

/**
 * Runs `explain`; exit 0 when explained (allowed or not), 1 on input errors (the output then names
 * the policies with errors), on an input with nothing to evaluate or an endpoint that cannot take
 * part in traffic; 2 on usage errors, including an endpoint that matches nothing in the input.
 */
export async function runExplain(
  io: CliIo,
  inputs: readonly string[],
  opts: ExplainOptions,
): Promise<ExitCode> {
  if (!opts.from || !opts.to || !opts.port) throw new UsageError("explain needs --from, --to and --port");
  if (inputs.length === 0 && !opts.kubeconfig)
    throw new UsageError("explain needs input files or --kubeconfig");
  const format = opts.format ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, got ${clipName(format)}`);
  const probe = parseProbePort(opts.port);
  const input = await loadForCommand(io, inputs, opts);
  if (input === 1) return 1;
  const index = indexSnapshot(input.snapshot);
  const from = explainEndpoint(index, "--from", opts.from, input.finished);
  const to = explainEndpoint(index, "--to", opts.to, input.finished);
  const v = evaluate(index, { from: from.ref, to: to.ref, port: probe.port, protocol: probe.protocol });
  if (typeof v === "string") {
    io.err(`netguard: ${v}\n`);
    return 1;
  }
  const receiver = v.ingress.kind === "pod" ? index.podsByRef.get(v.ingress.pod) : undefined;
  const notes = [
    ...[from.note, to.note].filter((n): n is string => n !== undefined),
    ...(v.notes ?? []),
    ...(v.egress.kind === "pod" ? notesFor(index, v.egress, "egress", receiver, probe.port) : []),
    ...(v.ingress.kind === "pod" ? notesFor(index, v.ingress, "ingress", receiver, probe.port) : []),
  ];
  if (format === "json") io.out(`${JSON.stringify({ ...v, notes, errors: errorEntries(input.issues) })}\n`);
  else
    io.out(
      explainText(v, notes) +
        errorFooter(input.issues)
          .map((l) => `${l}\n`)
          .join(""),
    );
  return input.failed ? 1 : 0;
}

function notesFor(
  index: ClusterIndex,
  side: Extract<SideVerdict, { kind: "pod" }>,
  direction: Direction,
  receiver: Pod | undefined,
  port: number,
): string[] {
  if (side.allowed) return [];
  const pod = index.podsByRef.get(side.pod);
  return pod ? missingNamedPorts(policiesSelecting(index, pod, direction), direction, receiver, port) : [];
}

/** The human form: verdict, then egress and ingress, then notes. */
export function explainText(v: Verdict, notes: readonly string[]): string {
  const lines = [`${v.from} -> ${v.to} ${v.protocol}/${v.port}: ${v.allowed ? "ALLOWED" : "DENIED"}`];
  if (v.exemption || v.replicas) lines.push(`  ${v.reasons[0] ?? ""}`);
  const suffix = v.exemption ? " (not applied: exempt, see above)" : "";
  appendAll(lines, sideLines(`egress of the source${suffix}`, v.egress));
  appendAll(lines, sideLines(`ingress of the destination${suffix}`, v.ingress));
  if (notes.length > 0) lines.push("  notes:");
  appendAll(
    lines,
    notes.map((n) => `    - ${n}`),
  );
  return `${lines.join("\n")}\n`;
}

/** `pod ns/name` or `workload ns/Kind/name` (a workload's ref has three segments). */
const entry = (ref: string) => `${ref.split("/").length === 3 ? "workload" : "pod"} ${ref}`;

function sideLines(title: string, s: SideVerdict): string[] {
  if (s.kind === "not-a-pod") return [`  ${title}: not checked (${s.reason})`];
  if (!s.isolated)
    return [`  ${title}: ${entry(s.pod)} is not isolated (no policy selects it for this direction): allowed`];
  const head = `  ${title}: ${entry(s.pod)} is isolated by ${s.policies.join(", ")}: ${s.allowed ? "allowed" : "DENIED, no rule allows it"}`;
  return [
    head,
    ...s.allowedBy.map((m) => `    allowed by ${m.policy} ${m.peer ?? m.rule}${m.port ? ` ${m.port}` : ""}`),
  ];
}
