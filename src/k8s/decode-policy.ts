/**
 * Decodes a networking.k8s.io/v1 NetworkPolicy and applies the API server's defaulting.
 *
 * Failing closed: a malformed rule is dropped whole (it allows nothing; dropping only the bad peer or
 * port could turn a list into "everything"), and a malformed `podSelector` makes the policy select
 * every pod of its namespace while allowing nothing. Unknown input never widens what is allowed —
 * except that, in `drop` mode (the dry-run), an unknown field is reported as an error and then
 * dropped, because the cluster enforces the object without it (see `knownFieldsOnly`).
 */
import { error, warning } from "../issue/issue.js";
import type { ObjectMeta } from "./decode-meta.js";
import { decodePeer } from "./decode-peer.js";
import { decodePolicyPort } from "./decode-port.js";
import { decodeSelector, EVERYTHING } from "./decode-selector.js";
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  join,
  knownFieldsOnly,
  optArray,
  optObject,
} from "./fields.js";
import type { Direction, LabelSelector, NetworkPolicy, Peer, PortSpec, Rule } from "./model.js";

/** The object's top-level fields (NetworkPolicy has no status since 1.28; older servers send none). */
const OBJECT_FIELDS = new Set(["apiVersion", "kind", "metadata", "spec", "status"]);
/** NetworkPolicySpec's fields. */
const SPEC_FIELDS = new Set(["podSelector", "policyTypes", "ingress", "egress"]);
/** NetworkPolicyIngressRule's and NetworkPolicyEgressRule's fields. */
const RULE_FIELDS: Readonly<Record<Direction, ReadonlySet<string>>> = {
  ingress: new Set(["from", "ports"]),
  egress: new Set(["to", "ports"]),
};
/** The other direction's peer field, written in a rule by mistake, is this direction's. */
const RULE_MEANT: Readonly<Record<Direction, Readonly<Record<string, string>>>> = {
  ingress: { to: "from" },
  egress: { from: "to" },
};

/**
 * Decodes the spec of a NetworkPolicy whose metadata has already been read. An unknown field in the
 * object or its spec (a newer API's, or a renamed one such as a typed client's `_from`) fails closed
 * (the agent's mode): the policy still selects its pods, isolates them in both directions and
 * allows nothing. In `drop` mode (the dry-run commands) unknown fields anywhere are reported and
 * the policy is read without them, as the API server stores it with field validation Warn.
 */
export function decodePolicy(meta: ObjectMeta, obj: JsonObject, issues: Issues): NetworkPolicy {
  const spec = optObject(obj, "spec", "", issues) ?? {};
  const known =
    knownFieldsOnly(obj, OBJECT_FIELDS, "", issues) && knownFieldsOnly(spec, SPEC_FIELDS, "spec", issues);
  if (!known) return unknownFieldsPolicy(meta, spec, issues);
  const selector = decodePodSelector(spec, issues);
  const types = decodePolicyTypes(spec, issues);
  const keepRules = selector !== undefined;
  const ingress = keepRules && types.ingressRules ? decodeRules(spec, "ingress", issues) : [];
  const egress = keepRules && types.egressRules ? decodeRules(spec, "egress", issues) : [];
  return {
    namespace: meta.namespace,
    name: meta.name,
    podSelector: selector ?? EVERYTHING,
    affectsIngress: types.ingress,
    affectsEgress: types.egress,
    ingress,
    egress,
  };
}

function unknownFieldsPolicy(meta: ObjectMeta, spec: JsonObject, issues: Issues): NetworkPolicy {
  issues.add(
    error(
      "fail-closed",
      "spec",
      "unknown fields: the policy isolates the pods it selects for ingress and egress and allows nothing",
    ),
  );
  return {
    namespace: meta.namespace,
    name: meta.name,
    podSelector: decodePodSelector(spec, issues) ?? EVERYTHING,
    affectsIngress: true,
    affectsEgress: true,
    ingress: [],
    egress: [],
  };
}

function decodePodSelector(spec: JsonObject, issues: Issues): LabelSelector | undefined {
  if (spec.podSelector === undefined || spec.podSelector === null) return EVERYTHING;
  const sel = decodeSelector(spec.podSelector, "spec.podSelector", issues);
  if (!sel) {
    issues.add(
      error(
        "fail-closed",
        "spec.podSelector",
        "selector is malformed: the policy isolates every pod in its namespace and allows nothing",
      ),
    );
  }
  return sel;
}

interface PolicyTypes {
  readonly ingress: boolean;
  readonly egress: boolean;
  readonly ingressRules: boolean;
  readonly egressRules: boolean;
}

/**
 * `spec.policyTypes`; when absent the API server defaults it to `[Ingress]`, plus `Egress` when
 * `spec.egress` has at least one rule. An unknown value isolates both directions (fail closed).
 */
function decodePolicyTypes(spec: JsonObject, issues: Issues): PolicyTypes {
  const raw = optArray(spec, "policyTypes", "spec", issues);
  if (raw === undefined || raw.length === 0) {
    if (spec.policyTypes !== undefined && spec.policyTypes !== null && raw === undefined) return closed();
    const egress = Array.isArray(spec.egress) && spec.egress.length > 0;
    return { ingress: true, egress, ingressRules: true, egressRules: egress };
  }
  let ingress = false;
  let egress = false;
  let bad = false;
  raw.forEach((t, i) => {
    if (t === "Ingress") ingress = true;
    else if (t === "Egress") egress = true;
    else {
      bad = true;
      issues.fail(
        `spec.policyTypes[${i}]`,
        `${describe(t)} is not a policy type (Ingress, Egress): both directions are isolated`,
        "unsupported-value",
      );
    }
  });
  return bad
    ? { ...closed(), ingressRules: ingress, egressRules: egress }
    : { ingress, egress, ingressRules: ingress, egressRules: egress };
}

function closed(): PolicyTypes {
  return { ingress: true, egress: true, ingressRules: false, egressRules: false };
}

function decodeRules(spec: JsonObject, dir: Direction, issues: Issues): Rule[] {
  const raw = optArray(spec, dir, "spec", issues) ?? [];
  const out: Rule[] = [];
  raw.forEach((r, i) => {
    const rule = decodeRule(r, dir, i, issues);
    if (rule) out.push(rule);
  });
  return out;
}

function decodeRule(v: unknown, dir: Direction, index: number, issues: Issues): Rule | undefined {
  const path = `spec.${dir}[${index}]`;
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  const local = issues.child();
  knownFieldsOnly(v, RULE_FIELDS[dir], path, local, RULE_MEANT[dir]);
  const peerKey = dir === "ingress" ? "from" : "to";
  const rawPeers = optArray(v, peerKey, path, local);
  const rawPorts = optArray(v, "ports", path, local);
  const peers: Peer[] = [];
  rawPeers?.forEach((p, i) => {
    const peer = decodePeer(p, i, `${join(path, peerKey)}[${i}]`, local);
    if (peer) peers.push(peer);
  });
  const ports: PortSpec[] = [];
  rawPorts?.forEach((p, i) => {
    const port = decodePolicyPort(p, i, `${join(path, "ports")}[${i}]`, local);
    if (port) ports.push(port);
  });
  issues.takeAll(local);
  if (local.count > 0) {
    issues.add(
      warning(
        "rule-dropped",
        path,
        "rule ignored because of the errors above: it allows nothing until fixed",
      ),
    );
    return undefined;
  }
  return {
    index,
    peers: peers.length === 0 ? { kind: "any" } : { kind: "list", items: peers },
    ports: ports.length === 0 ? { kind: "any" } : { kind: "list", items: ports },
  };
}
