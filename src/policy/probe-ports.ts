/**
 * The ports a dry-run or lab probes: every (containerPort, protocol) the pods declare, or a given
 * list, in one canonical order.
 */
import type { Protocol, Snapshot } from "../k8s/model.js";
import { PROTOCOLS } from "../k8s/model.js";

/** A port to probe. */
export interface ProbePort {
  readonly port: number;
  readonly protocol: Protocol;
}

/** Every distinct (containerPort, protocol) declared by pods in the snapshot, sorted. */
export function declaredPorts(snapshot: Snapshot): ProbePort[] {
  const seen = new Map<string, ProbePort>();
  for (const pod of snapshot.pods) {
    for (const p of pod.ports) seen.set(`${p.protocol}/${p.port}`, { port: p.port, protocol: p.protocol });
  }
  return sortPorts([...seen.values()]);
}

/** Sorted by port number, then protocol in TCP, UDP, SCTP order; duplicates removed. */
export function sortPorts(ports: readonly ProbePort[]): ProbePort[] {
  const unique = new Map(ports.map((p) => [`${p.protocol}/${p.port}`, p]));
  return [...unique.values()].sort(
    (a, b) => a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol),
  );
}
