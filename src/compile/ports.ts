/**
 * Port lists of rules as `protocol . port-range` entries. Numbers and `endPort` ranges are literal,
 * a protocol without a port covers 0-65535, and on ingress a named port resolves against the
 * selected pod's containerPorts with the same name and protocol.
 */
import type { Pod, PortSpec, Protocol } from "../k8s/model.js";
import { PROTOCOLS } from "../k8s/model.js";
import type { PortEntry } from "./ir.js";

/** Entries for the numeric and protocol-only specs, plus named specs resolved against `receiver`. */
export function portEntries(specs: readonly PortSpec[], receiver: Pod | undefined): PortEntry[] {
  const out: PortEntry[] = [];
  for (const s of specs) {
    switch (s.kind) {
      case "protocol":
        out.push({ protocol: s.protocol, from: 0, to: 65535 });
        break;
      case "range":
        out.push({ protocol: s.protocol, from: s.from, to: s.to });
        break;
      case "named":
        for (const p of receiver?.ports ?? []) {
          if (p.name === s.name && p.protocol === s.protocol)
            out.push({ protocol: s.protocol, from: p.port, to: p.port });
        }
        break;
    }
  }
  return normalizePorts(out);
}

/** Sorts by protocol then port, and merges overlapping or adjacent ranges of the same protocol. */
export function normalizePorts(entries: readonly PortEntry[]): PortEntry[] {
  const out: PortEntry[] = [];
  for (const protocol of PROTOCOLS) {
    const mine = entries.filter((e) => e.protocol === protocol).sort((a, b) => a.from - b.from);
    let cur: PortEntry | undefined;
    for (const e of mine) {
      if (cur && e.from <= cur.to + 1) cur = { protocol, from: cur.from, to: Math.max(cur.to, e.to) };
      else {
        if (cur) out.push(cur);
        cur = e;
      }
    }
    if (cur) out.push(cur);
  }
  return out;
}

/** True when the entries contain (protocol, port). */
export function portEntriesContain(entries: readonly PortEntry[], protocol: Protocol, port: number): boolean {
  return entries.some((e) => e.protocol === protocol && port >= e.from && port <= e.to);
}
