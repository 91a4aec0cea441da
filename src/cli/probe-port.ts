/**
 * `--port <number>/<PROTO>` values of simulate (and later explain and lab).
 */
import type { Protocol, Snapshot } from "../k8s/model.js";
import { PROTOCOLS } from "../k8s/model.js";
import { UsageError } from "./io.js";

/** A port to probe. */
export interface ProbePort {
  readonly port: number;
  readonly protocol: Protocol;
}

/** Parses `80`, `80/TCP`, `53/udp`; the protocol defaults to TCP. */
export function parseProbePort(text: string): ProbePort {
  const m = /^([0-9]{1,5})(?:\/([A-Za-z]+))?$/.exec(text.trim());
  const port = m ? Number(m[1]) : Number.NaN;
  const protocol = (m?.[2] ?? "TCP").toUpperCase();
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`--port ${text}: expected <1-65535>[/TCP|UDP|SCTP]`);
  if (!PROTOCOLS.includes(protocol as Protocol))
    throw new UsageError(`--port ${text}: protocol must be TCP, UDP or SCTP`);
  return { port, protocol: protocol as Protocol };
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
