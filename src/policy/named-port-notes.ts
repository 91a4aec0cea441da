/**
 * Plain-language notes for `explain`: named ports in the deciding policies that the receiving pod
 * does not declare, or declares with another number (such an entry never matches: a common surprise).
 */
import type { Direction, NetworkPolicy, Pod } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";

/**
 * One note per (policy, rule, port entry) whose named port the receiver lacks for that protocol,
 * or resolves to other numbers than `port`.
 */
export function missingNamedPorts(
  policies: readonly NetworkPolicy[],
  direction: Direction,
  receiver: Pod | undefined,
  port?: number,
): string[] {
  const notes: string[] = [];
  for (const p of policies) {
    for (const rule of direction === "ingress" ? p.ingress : p.egress) {
      if (rule.ports.kind !== "list") continue;
      for (const spec of rule.ports.items) {
        if (spec.kind !== "named") continue;
        const path = `${refOf(p)} spec.${direction}[${rule.index}].ports[${spec.index}]`;
        if (!receiver) {
          notes.push(
            `${path} names port "${spec.name}", which matches only pods; the destination is not a pod`,
          );
          continue;
        }
        const declared = receiver.ports.filter((c) => c.name === spec.name && c.protocol === spec.protocol);
        if (declared.length === 0) {
          notes.push(
            `${path} names port "${spec.name}"/${spec.protocol}, which pod ${refOf(receiver)} does not declare: that entry never matches it`,
          );
        } else if (port !== undefined && !declared.some((c) => c.port === port)) {
          const numbers = declared.map((c) => c.port).join(", ");
          notes.push(
            `${path} names port "${spec.name}", which is ${numbers}/${spec.protocol} on pod ${refOf(receiver)}, not ${port}`,
          );
        }
      }
    }
  }
  return notes;
}
