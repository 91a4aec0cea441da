/**
 * `netguard explain --from <ns/pod|IP> --to <ns/pod|IP> --port <n>/<PROTO> <inputs...>`: one
 * connection's verdict with the reasons, side by side for the source's egress and the
 * destination's ingress, with special cases said plainly. With ClusterNetworkPolicies in the input,
 * each side goes through the tiers (Admin, NetworkPolicy, Baseline, default; explain-tiers.ts).
 */
import { clipName } from "../issue/quote.js";
import type { Direction, Pod } from "../k8s/model.js";
import { type ClusterIndex, indexSnapshot } from "../policy/cluster-index.js";
import { evaluateTiered, queryEndpoints, snapshotTiers } from "../policy/cnp-evaluate.js";
import type { TieredSide, TieredVerdict } from "../policy/cnp-verdict.js";
import { evaluate, policiesSelecting, type Query } from "../policy/evaluate.js";
import { missingNamedPorts } from "../policy/named-port-notes.js";
import type { SideVerdict, Verdict } from "../policy/verdict.js";
import { loadForCommand } from "./dry-run-input.js";
import { cnpNamedPortNotes } from "./explain-cnp-notes.js";
import { explainEndpoint } from "./explain-endpoint.js";
import { isolationLines, verdictText } from "./explain-text.js";
import { tieredExplainText } from "./explain-tiers.js";
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
  const query = { from: from.ref, to: to.ref, port: probe.port, protocol: probe.protocol };
  const endpointNotes = [from.note, to.note].filter((n): n is string => n !== undefined);
  const answer = explainAnswer(index, query, endpointNotes);
  if (typeof answer === "string") {
    io.err(`netguard: ${answer}\n`);
    return 1;
  }
  if (format === "json")
    io.out(`${JSON.stringify({ ...answer.json, errors: errorEntries(input.issues) })}\n`);
  else
    io.out(
      answer.text +
        errorFooter(input.issues)
          .map((l) => `${l}\n`)
          .join(""),
    );
  return input.failed ? 1 : 0;
}

/**
 * The verdict with its notes, as text and as the JSON document: NetworkPolicy's `Verdict` when the
 * input has no ClusterNetworkPolicy (as before issue 14), else the tiered evaluator's `TieredVerdict`.
 */
function explainAnswer(
  index: ClusterIndex,
  query: Query,
  endpointNotes: readonly string[],
): { text: string; json: object } | string {
  const v = evaluate(index, query);
  if (typeof v === "string") return v;
  if (index.snapshot.clusterPolicies.length === 0) {
    const notes = [...endpointNotes, ...(v.notes ?? []), ...npNotes(index, v, query.port)];
    return { text: explainText(v, notes), json: { ...v, notes } };
  }
  const tiers = snapshotTiers(index.snapshot);
  const ends = queryEndpoints(index, query);
  if (typeof ends === "string") return ends;
  const packet = { src: ends[0], dst: ends[1], protocol: query.protocol, port: query.port };
  const t = evaluateTiered(index, tiers, packet.src, packet.dst, packet.protocol, packet.port);
  const notes = [
    ...endpointNotes,
    ...(t.notes ?? []),
    ...tieredNotes(index, v, t, query.port),
    ...(t.exemption ? [] : cnpNamedPortNotes(index, tiers, packet, t)),
  ];
  return { text: tieredExplainText(t, tiers, notes, v.replicas === true), json: { ...t, notes } };
}

/** Named-port notes for the sides NetworkPolicy denied. */
function npNotes(index: ClusterIndex, v: Verdict, port: number): string[] {
  const receiver = v.ingress.kind === "pod" ? index.podsByRef.get(v.ingress.pod) : undefined;
  return [
    ...(v.egress.kind === "pod" ? notesFor(index, v.egress, "egress", receiver, port) : []),
    ...(v.ingress.kind === "pod" ? notesFor(index, v.ingress, "ingress", receiver, port) : []),
  ];
}

/** The same notes, for the sides where NetworkPolicy decided (a tier that decided overrides it). */
function tieredNotes(index: ClusterIndex, v: Verdict, t: TieredVerdict, port: number): string[] {
  const decided = (side: TieredSide): SideVerdict =>
    side.decidedBy === "network-policy" ? side.networkPolicy : { ...side.networkPolicy, allowed: true };
  return npNotes(index, { ...v, egress: decided(t.egress), ingress: decided(t.ingress) }, port);
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
  return verdictText(v, v.replicas === true, (title, direction) => sideLines(title, v[direction]), notes);
}

function sideLines(title: string, s: SideVerdict): string[] {
  if (s.kind === "not-a-pod") return [`  ${title}: not checked (${s.reason})`];
  return isolationLines(`  ${title}: `, s, ": allowed");
}
