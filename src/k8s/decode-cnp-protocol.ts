/**
 * Decodes ClusterNetworkPolicyProtocol (`protocols[]` of a ClusterNetworkPolicy rule,
 * policy.networking.k8s.io/v1alpha2): exactly one of `tcp`, `udp`, `sctp` (each with
 * `destinationPort`: a `number` or a `range`) or `destinationNamedPort`.
 */
import { warning } from "../issue/issue.js";
import { quoteValue } from "../issue/quote.js";
import type { CnpPort } from "./cnp-model.js";
import { exactlyOne, present } from "./decode-cnp-lists.js";
import { isValidPortName } from "./decode-port.js";
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  join,
  knownFieldsOnly,
  optInteger,
  optString,
} from "./fields.js";
import type { Protocol } from "./model.js";

/** ClusterNetworkPolicyProtocol's fields. */
const PROTOCOL_FIELDS = ["tcp", "udp", "sctp", "destinationNamedPort"] as const;
/** The protocol each of `tcp`, `udp`, `sctp` matches. */
const PROTOCOL_OF: Readonly<Record<string, Protocol>> = { tcp: "TCP", udp: "UDP", sctp: "SCTP" };
/** NetworkPolicyPort's fields, written by habit. */
const PROTOCOL_MEANT: Readonly<Record<string, string>> = {
  port: "destinationNamedPort",
  protocol: "tcp",
};
/** Port's fields (`number` or `range`) and PortRange's. */
const PORT_FIELDS = ["number", "range"] as const;
const RANGE_FIELDS = new Set(["start", "end"]);

/** Decodes one `protocols[]` entry at `path`; undefined (with issues) when malformed. */
export function decodeCnpProtocol(
  v: unknown,
  index: number,
  path: string,
  issues: Issues,
): CnpPort | undefined {
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  if (!knownFieldsOnly(v, new Set(PROTOCOL_FIELDS), path, issues, PROTOCOL_MEANT)) return undefined;
  const field = exactlyOne(v, PROTOCOL_FIELDS, path, issues);
  if (field === undefined) return undefined;
  if (field === "destinationNamedPort") return decodeNamedPort(v, index, path, issues);
  return decodeProtocolPorts(v, field, index, path, issues);
}

/**
 * `destinationNamedPort` (experimental channel): "selects a destination port on a pod based on the
 * ContainerPort name". The CRD checks nothing more; a name a container port cannot have is warned of.
 */
function decodeNamedPort(v: JsonObject, index: number, path: string, issues: Issues): CnpPort | undefined {
  const at = join(path, "destinationNamedPort");
  const name = optString(v, "destinationNamedPort", path, issues);
  if (name === undefined) return undefined;
  issues.add(
    warning(
      "experimental-field",
      at,
      "`destinationNamedPort` is an experimental-channel field of ClusterNetworkPolicy: a cluster with the standard-channel CRD does not store it",
    ),
  );
  if (!isValidPortName(name)) {
    issues.add(
      warning(
        "no-such-port-name",
        at,
        `${quoteValue(name)} is not a valid container port name (1-15 lowercase letters, digits and '-'), so it matches no port`,
      ),
    );
  }
  return { kind: "named", name, index };
}

/** `tcp` / `udp` / `sctp`: `minProperties: 1`, so `destinationPort` is in effect required. */
function decodeProtocolPorts(
  v: JsonObject,
  field: string,
  index: number,
  path: string,
  issues: Issues,
): CnpPort | undefined {
  const at = join(path, field);
  const o = v[field];
  if (!isObject(o)) return issues.fail(at, `must be an object, got ${describe(o)}`, "wrong-type");
  if (!knownFieldsOnly(o, new Set(["destinationPort"]), at, issues)) return undefined;
  if (!present(o.destinationPort)) {
    return issues.fail(
      join(at, "destinationPort"),
      "is required (`" + field + "` must have at least 1 property)",
      "required",
    );
  }
  const protocol = PROTOCOL_OF[field] ?? "TCP";
  return decodeDestinationPort(o.destinationPort, protocol, index, join(at, "destinationPort"), issues);
}

/** Port: exactly one of `number` (1..65535) or `range`. */
function decodeDestinationPort(
  v: unknown,
  protocol: Protocol,
  index: number,
  path: string,
  issues: Issues,
): CnpPort | undefined {
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  if (!knownFieldsOnly(v, new Set(PORT_FIELDS), path, issues)) return undefined;
  const field = exactlyOne(v, PORT_FIELDS, path, issues);
  if (field === "number") {
    const n = portNumber(v, "number", path, issues);
    return n === undefined ? undefined : { kind: "range", protocol, from: n, to: n, index };
  }
  if (field === "range") return decodeRange(v.range, protocol, index, join(path, "range"), issues);
  return undefined;
}

/** PortRange: `start` and `end` required, each 1..65535; CEL `self.start < self.end`. */
function decodeRange(
  v: unknown,
  protocol: Protocol,
  index: number,
  path: string,
  issues: Issues,
): CnpPort | undefined {
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  const known = knownFieldsOnly(v, RANGE_FIELDS, path, issues);
  const start = portNumber(v, "start", path, issues);
  const end = portNumber(v, "end", path, issues);
  if (!known || start === undefined || end === undefined) return undefined;
  if (start >= end) return issues.fail(path, "Start port must be less than End port");
  return { kind: "range", protocol, from: start, to: end, index };
}

/** A required port number field: an integer from 1 to 65535 (the CRD's minimum and maximum). */
function portNumber(o: JsonObject, key: string, path: string, issues: Issues): number | undefined {
  if (!present(o[key])) return issues.fail(join(path, key), "is required", "required");
  const n = optInteger(o, key, path, issues);
  if (n === undefined) return undefined;
  if (n < 1 || n > 65535) {
    return issues.fail(join(path, key), `must be between 1 and 65535, inclusive (got ${n})`);
  }
  return n;
}
