/**
 * NetworkPolicySpec validation (pkg/apis/networking/validation ValidateNetworkPolicySpec,
 * ValidateNetworkPolicyPeer, ValidateNetworkPolicyPort), in the API server's order: podSelector,
 * each ingress rule (ports, then from), each egress rule (ports, then to), then policyTypes.
 */
import { appendAll } from "../../base/append-all.js";
import { type Issue, warning } from "../../issue/issue.js";
import { forbidden, invalid, invalidEach, notSupported, required } from "./field-errors.js";
import { validateIpBlock } from "./ip-block.js";
import type { Peer, Port, Rule, Spec } from "./model.js";
import { validateSelector } from "./selector.js";
import { isValidPortNameMessages, isValidPortNum } from "./syntax.js";
import { type KubeVersion, knownAt } from "./versions.js";

const PROTOCOLS = ["TCP", "UDP", "SCTP"];
const POLICY_TYPES = ["Ingress", "Egress"];

/** Validates `spec`. */
export function validateSpec(spec: Spec | undefined, version: KubeVersion): Issue[] {
  const s = spec ?? {};
  const out = validateSelector(s.podSelector, "spec.podSelector");
  appendAll(out, validateRules(s.ingress, "spec.ingress", "from", version));
  appendAll(out, validateRules(s.egress, "spec.egress", "to", version));
  appendAll(out, validatePolicyTypes(s.policyTypes ?? []));
  return out;
}

function validateRules(
  rules: readonly Rule[] | undefined,
  path: string,
  peerKey: "from" | "to",
  version: KubeVersion,
): Issue[] {
  const out: Issue[] = [];
  (rules ?? []).forEach((rule, i) => {
    const rulePath = `${path}[${i}]`;
    (rule.ports ?? []).forEach((p, j) => appendAll(out, validatePort(p, `${rulePath}.ports[${j}]`, version)));
    (rule[peerKey] ?? []).forEach((p, j) =>
      appendAll(out, validatePeer(p, `${rulePath}.${peerKey}[${j}]`, version)),
    );
  });
  return out;
}

/** `ValidateNetworkPolicyPort`. */
export function validatePort(port: Port, path: string, version: KubeVersion): Issue[] {
  const out: Issue[] = [];
  if (port.protocol !== undefined && !PROTOCOLS.includes(port.protocol)) {
    out.push(notSupported(`${path}.protocol`, port.protocol, PROTOCOLS));
  }
  const end = port.endPort;
  if (port.port?.kind === "int") {
    out.push(...invalidEach(`${path}.port`, port.port.value, isValidPortNum(port.port.value)));
    if (end !== undefined) {
      if (end < port.port.value)
        out.push(invalid(`${path}.endPort`, end, "must be greater than or equal to `port`"));
      out.push(...invalidEach(`${path}.endPort`, end, isValidPortNum(end)));
    }
  } else if (port.port?.kind === "string") {
    if (end !== undefined) {
      out.push(
        invalid(`${path}.endPort`, end, "may not be specified when `port` is non-numeric", "forbidden"),
      );
    }
    out.push(...invalidEach(`${path}.port`, port.port.value, isValidPortNameMessages(port.port.value)));
  } else if (end !== undefined) {
    out.push(
      invalid(`${path}.endPort`, end, "may not be specified when `port` is not specified", "forbidden"),
    );
  }
  if (end !== undefined && !knownAt("end-port-honoured", version)) {
    out.push(
      warning(
        "end-port-ignored",
        `${path}.endPort`,
        "ignored: this Kubernetes version drops endPort on create (NetworkPolicyEndPort is off by default before 1.22); only `port` is allowed",
      ),
    );
  }
  return out;
}

/** `ValidateNetworkPolicyPeer`. */
export function validatePeer(peer: Peer, path: string, version: KubeVersion): Issue[] {
  const out: Issue[] = [];
  let count = 0;
  if (peer.podSelector) {
    count++;
    appendAll(out, validateSelector(peer.podSelector, `${path}.podSelector`));
  }
  if (peer.namespaceSelector) {
    count++;
    appendAll(out, validateSelector(peer.namespaceSelector, `${path}.namespaceSelector`));
  }
  if (peer.ipBlock) {
    count++;
    appendAll(out, validateIpBlock(peer.ipBlock, `${path}.ipBlock`, version));
  }
  if (count === 0) out.push(required(path, "must specify a peer"));
  else if (count > 1 && peer.ipBlock)
    out.push(forbidden(path, "may not specify both ipBlock and another peer"));
  return out;
}

/** policyTypes: at most two entries, each Ingress or Egress. Duplicates are accepted upstream. */
function validatePolicyTypes(types: readonly string[]): Issue[] {
  if (types.length > POLICY_TYPES.length) {
    return [invalid("spec.policyTypes", types, "may not specify more than two policyTypes")];
  }
  const out: Issue[] = [];
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) out.push(notSupported(`spec.policyTypes[${i}]`, t, POLICY_TYPES));
    else if (types.indexOf(t) !== i) {
      out.push(
        warning(
          "duplicate-value",
          `spec.policyTypes[${i}]`,
          `duplicate ${JSON.stringify(t)} (accepted by the API server, has no effect)`,
        ),
      );
    }
  });
  return out;
}
