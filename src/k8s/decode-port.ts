/**
 * Decodes NetworkPolicyPort: `protocol` (default TCP), `port` (number or IANA service name), `endPort`.
 */
import { quoteValue } from "../issue/quote.js";
import {
  describe,
  type Issues,
  type JsonObject,
  join,
  knownFieldsOnly,
  optInteger,
  optString,
} from "./fields.js";
import type { PortSpec, Protocol } from "./model.js";

/** Decodes `protocol`, defaulting to TCP as the API server does. */
export function decodeProtocol(o: JsonObject, path: string, issues: Issues): Protocol | undefined {
  const p = optString(o, "protocol", path, issues);
  if (p === undefined) return o.protocol === undefined || o.protocol === null ? "TCP" : undefined;
  if (p === "TCP" || p === "UDP" || p === "SCTP") return p;
  return issues.fail(
    join(path, "protocol"),
    `${quoteValue(p)} is not a supported protocol (TCP, UDP, SCTP)`,
    "unsupported-value",
  );
}

/** RFC 6335 service name as Kubernetes checks it (IsValidPortName): 1-15 of [a-z0-9-], a letter, no `--`. */
export function isValidPortName(name: string): boolean {
  return (
    name.length >= 1 &&
    name.length <= 15 &&
    /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(name) &&
    !name.includes("--") &&
    /[a-z]/.test(name)
  );
}

/** NetworkPolicyPort's fields. */
const PORT_FIELDS = new Set(["protocol", "port", "endPort"]);

/** Decodes one `ports[]` entry at `path`; undefined (with issues) when malformed. */
export function decodePolicyPort(
  v: unknown,
  index: number,
  path: string,
  issues: Issues,
): PortSpec | undefined {
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  }
  const o = v as JsonObject;
  if (!knownFieldsOnly(o, PORT_FIELDS, path, issues)) return undefined;
  const protocol = decodeProtocol(o, path, issues);
  const endPort = optInteger(o, "endPort", path, issues);
  const port = o.port;
  if (protocol === undefined) return undefined;
  if (port === undefined || port === null) {
    if (endPort !== undefined)
      return issues.fail(
        join(path, "endPort"),
        "may not be specified when `port` is not specified",
        "forbidden",
      );
    return { kind: "protocol", protocol, index };
  }
  if (typeof port === "number") return numericPort(port, endPort, protocol, index, path, issues);
  if (typeof port === "string") return namedPort(port, endPort, protocol, index, path, issues);
  return issues.fail(
    join(path, "port"),
    `must be an integer or a port name, got ${describe(port)}`,
    "wrong-type",
  );
}

/** A numeric `port`, alone or with `endPort` (a range): both within 1-65535, `endPort` not below `port`. */
function numericPort(
  port: number,
  endPort: number | undefined,
  protocol: Protocol,
  index: number,
  path: string,
  issues: Issues,
): PortSpec | undefined {
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return issues.fail(join(path, "port"), `must be between 1 and 65535, inclusive (got ${port})`);
  }
  if (endPort === undefined) return { kind: "range", protocol, from: port, to: port, index };
  if (endPort < port) return issues.fail(join(path, "endPort"), "must be greater than or equal to `port`");
  if (endPort > 65535) return issues.fail(join(path, "endPort"), "must be between 1 and 65535, inclusive");
  return { kind: "range", protocol, from: port, to: endPort, index };
}

/** A named `port` (an IANA service name, resolved per pod); `endPort` is forbidden with it. */
function namedPort(
  port: string,
  endPort: number | undefined,
  protocol: Protocol,
  index: number,
  path: string,
  issues: Issues,
): PortSpec | undefined {
  if (!isValidPortName(port)) {
    return issues.fail(
      join(path, "port"),
      `${quoteValue(port)} is not a valid port name: 1-15 lowercase letters, digits and '-', with at least one letter`,
    );
  }
  if (endPort !== undefined)
    return issues.fail(
      join(path, "endPort"),
      "may not be specified when `port` is a named port",
      "forbidden",
    );
  return { kind: "named", protocol, name: port, index };
}
