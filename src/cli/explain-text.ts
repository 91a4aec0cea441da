/**
 * The text frame both forms of `explain` share (NetworkPolicy alone, and through the
 * ClusterNetworkPolicy tiers): the verdict line, the exemption or replica reason, the source's egress
 * and the destination's ingress, then the notes; and NetworkPolicy's answer for one side.
 */
import { appendAll } from "../base/append-all.js";
import type { Direction, Protocol } from "../k8s/model.js";
import type { Exemption, SideVerdict } from "../policy/verdict.js";

/** `pod ns/name` or `workload ns/Kind/name` (a workload's ref has three segments). */
export const entry = (ref: string): string => `${ref.split("/").length === 3 ? "workload" : "pod"} ${ref}`;

/** What the frame shows of a verdict. */
interface VerdictHead {
  readonly from: string;
  readonly to: string;
  readonly protocol: Protocol;
  readonly port: number;
  readonly allowed: boolean;
  readonly exemption?: Exemption;
  readonly reasons: readonly string[];
}

/**
 * Verdict, then `side(title, direction)` for egress and ingress, then notes; the first reason is
 * shown when the verdict is an exemption or `replicas` (traffic between two replicas of a workload).
 */
export function verdictText(
  v: VerdictHead,
  replicas: boolean,
  side: (title: string, direction: Direction) => string[],
  notes: readonly string[],
): string {
  const lines = [`${v.from} -> ${v.to} ${v.protocol}/${v.port}: ${v.allowed ? "ALLOWED" : "DENIED"}`];
  if (v.exemption || replicas) lines.push(`  ${v.reasons[0] ?? ""}`);
  const suffix = v.exemption ? " (not applied: exempt, see above)" : "";
  appendAll(lines, side(`egress of the source${suffix}`, "egress"));
  appendAll(lines, side(`ingress of the destination${suffix}`, "ingress"));
  if (notes.length > 0) lines.push("  notes:");
  appendAll(
    lines,
    notes.map((n) => `    - ${n}`),
  );
  return `${lines.join("\n")}\n`;
}

/**
 * NetworkPolicy's answer for a pod side: `lead` starts the first line (its leading spaces set the
 * indentation), `unisolated` ends the line of a pod no policy isolates.
 */
export function isolationLines(
  lead: string,
  s: Extract<SideVerdict, { kind: "pod" }>,
  unisolated: string,
): string[] {
  if (!s.isolated)
    return [`${lead}${entry(s.pod)} is not isolated (no policy selects it for this direction)${unisolated}`];
  const indent = `${lead.slice(0, lead.length - lead.trimStart().length)}  `;
  const head = `${lead}${entry(s.pod)} is isolated by ${s.policies.join(", ")}: ${s.allowed ? "allowed" : "DENIED, no rule allows it"}`;
  return [
    head,
    ...s.allowedBy.map(
      (m) => `${indent}allowed by ${m.policy} ${m.peer ?? m.rule}${m.port ? ` ${m.port}` : ""}`,
    ),
  ];
}
