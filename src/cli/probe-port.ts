/**
 * `--port <number>/<PROTO>` values of simulate, explain, diff and lab.
 */
import { clipName } from "../issue/quote.js";
import type { Protocol } from "../k8s/model.js";
import { PROTOCOLS } from "../k8s/model.js";
import { UsageError } from "./io.js";

import type { ProbePort } from "../policy/probe-ports.js";

export { declaredPorts, type ProbePort, sortPorts } from "../policy/probe-ports.js";

/** Parses `80`, `80/TCP`, `53/udp`; the protocol defaults to TCP. */
export function parseProbePort(text: string): ProbePort {
  const m = /^([0-9]{1,5})(?:\/([A-Za-z]+))?$/.exec(text.trim());
  const port = m ? Number(m[1]) : Number.NaN;
  const protocol = (m?.[2] ?? "TCP").toUpperCase();
  if (!m || port < 1 || port > 65535)
    throw new UsageError(`--port ${clipName(text)}: expected <1-65535>[/TCP|UDP|SCTP]`);
  if (!PROTOCOLS.includes(protocol as Protocol))
    throw new UsageError(`--port ${clipName(text)}: protocol must be TCP, UDP or SCTP`);
  return { port, protocol: protocol as Protocol };
}
