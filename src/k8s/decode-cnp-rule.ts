/**
 * Decodes ClusterNetworkPolicyIngressRule / ClusterNetworkPolicyEgressRule (`spec.ingress[]`,
 * `spec.egress[]`, policy.networking.k8s.io/v1alpha2): `name`, `action`, `from` / `to`, `protocols`.
 *
 * Failing closed: a rule with an error is kept at its place with its action, but its peers are
 * replaced by one `unsupported` peer, so it is read as the API reads a rule it cannot understand
 * ("For "Accept" rules ... matching no traffic. For "Deny" and "Pass" rules ... a 'Deny all' rule").
 * Dropping it (what NetworkPolicy's decoder does) would be wrong here: a dropped Deny allows more.
 */
import { warning } from "../issue/issue.js";
import { clipName, quoteValue } from "../issue/quote.js";
import type { CnpAction, CnpPeer, CnpPort, CnpRule } from "./cnp-model.js";
import { boundedList, present } from "./decode-cnp-lists.js";
import { decodeCnpPeer, RULE_FAILS_CLOSED } from "./decode-cnp-peer.js";
import { decodeCnpProtocol } from "./decode-cnp-protocol.js";
import {
  describe,
  type Issues,
  isList,
  isObject,
  type JsonObject,
  join,
  knownFieldsOnly,
  optString,
} from "./fields.js";
import type { Direction } from "./model.js";

/** The rule fields of each direction. */
const RULE_FIELDS: Readonly<Record<Direction, ReadonlySet<string>>> = {
  ingress: new Set(["name", "action", "from", "protocols"]),
  egress: new Set(["name", "action", "to", "protocols"]),
};
/** The other direction's peer list, or NetworkPolicy's `ports`, written by habit. */
const RULE_MEANT: Readonly<Record<Direction, Readonly<Record<string, string>>>> = {
  ingress: { to: "from", ports: "protocols" },
  egress: { from: "to", ports: "protocols" },
};
const ACTIONS: readonly CnpAction[] = ["Accept", "Deny", "Pass"];
/** `from` / `to` / `protocols`: "MinItems=1", "MaxItems=25". */
const LIST_LIMITS = { min: 1, max: 25 } as const;
/** `name`: "no more than 100 characters". */
const NAME_MAX_LENGTH = 100;
/** `spec.ingress` / `spec.egress`: "A maximum of 25 rules is allowed in this block." */
const RULES_MAX = 25;

/**
 * `spec.ingress` or `spec.egress`: each rule in written order (its precedence). Absent is none
 * ("CNPs with no ingress rules do not affect ingress traffic"); a value that is not a list fails
 * closed as one rule denying all traffic of that direction.
 */
export function decodeCnpRules(spec: JsonObject, dir: Direction, issues: Issues): CnpRule[] {
  const raw = spec[dir];
  if (!present(raw)) return [];
  if (!isList(raw)) {
    issues.fail(join("spec", dir), `must be a list, got ${describe(raw)}`, "wrong-type");
    return [failClosedRule(0, undefined, "Deny", [dir])];
  }
  if (raw.length > RULES_MAX) {
    issues.fail(join("spec", dir), `must have at most ${RULES_MAX} items, got ${raw.length}`, "too-many");
  }
  return raw.map((r, i) => decodeCnpRule(r, dir, i, issues));
}

/** One rule at `spec.<dir>[index]`; a rule with an error fails closed (see the file comment). */
export function decodeCnpRule(v: unknown, dir: Direction, index: number, issues: Issues): CnpRule {
  const path = `spec.${dir}[${index}]`;
  if (!isObject(v)) {
    issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
    return failClosedRule(index, undefined, "Deny", []);
  }
  const bad: string[] = [];
  if (!knownFieldsOnly(v, RULE_FIELDS[dir], path, issues, RULE_MEANT[dir])) {
    bad.push(...Object.keys(v).filter((k) => !RULE_FIELDS[dir].has(k)));
  }
  const name = decodeRuleName(v, path, issues, bad);
  const action = decodeAction(v, path, issues, bad);
  const peers = decodePeers(v, dir, path, issues, bad);
  const protocols = decodeProtocols(v, path, issues, bad);
  if (action && action !== "Accept") warnDomainNames(peers ?? [], action, path, issues);
  if (dir === "egress" && bad.length === 0 && namedPortToNonPods(v)) {
    issues.fail(
      path,
      "networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames",
    );
    bad.push("protocols");
  }
  if (bad.length > 0 || !action || !peers || !protocols) {
    const what = action ? RULE_FAILS_CLOSED : "its action is unknown, so it is read as denying all traffic";
    issues.add(warning("rule-fails-closed", path, `rule fails closed because of the errors above: ${what}`));
    return failClosedRule(
      index,
      name,
      action ?? "Deny",
      bad.map((k) => clipName(k)),
    );
  }
  return { index, name, action, peers, protocols };
}

/**
 * A rule read fail-closed: its action with one `unsupported` peer naming the fields at fault. The
 * API's reading of such a rule: Accept matches nothing, Deny and Pass deny all traffic.
 */
export function failClosedRule(
  index: number,
  name: string | undefined,
  action: CnpAction,
  fields: readonly string[],
): CnpRule {
  return {
    index,
    name,
    action,
    peers: [{ kind: "unsupported", fields, index: 0 }],
    protocols: { kind: "any" },
  };
}

function decodeRuleName(v: JsonObject, path: string, issues: Issues, bad: string[]): string | undefined {
  const name = optString(v, "name", path, issues);
  if (name === undefined && present(v.name)) bad.push("name");
  // maxLength counts characters (code points), not UTF-16 units.
  if (name !== undefined && [...name].length > NAME_MAX_LENGTH) {
    issues.fail(join(path, "name"), `must be no more than ${NAME_MAX_LENGTH} characters`, "too-long");
    bad.push("name");
    return clipName(name, NAME_MAX_LENGTH);
  }
  return name;
}

/** `action`: required, one of Accept, Deny, Pass. */
function decodeAction(v: JsonObject, path: string, issues: Issues, bad: string[]): CnpAction | undefined {
  const at = join(path, "action");
  const action = optString(v, "action", path, issues);
  const found = ACTIONS.find((a) => a === action);
  if (found) return found;
  bad.push("action");
  if (action !== undefined) {
    issues.fail(at, `${quoteValue(action)} is not an action (Accept, Deny, Pass)`, "unsupported-value");
  } else if (!present(v.action)) issues.fail(at, "is required", "required");
  return undefined;
}

function decodePeers(
  v: JsonObject,
  dir: Direction,
  path: string,
  issues: Issues,
  bad: string[],
): CnpPeer[] | undefined {
  const key = dir === "ingress" ? "from" : "to";
  const list = boundedList(v, key, path, issues, LIST_LIMITS);
  if (!list) {
    if (!present(v[key])) issues.fail(join(path, key), "is required", "required");
    bad.push(key);
    return undefined;
  }
  const peers = list.items.map((p, i) => decodeCnpPeer(p, dir, i, `${join(path, key)}[${i}]`, issues));
  const ok = peers.filter((p): p is CnpPeer => p !== undefined);
  if (!list.ok || ok.length < peers.length) bad.push(key);
  return ok;
}

function decodeProtocols(
  v: JsonObject,
  path: string,
  issues: Issues,
  bad: string[],
): CnpRule["protocols"] | undefined {
  if (!present(v.protocols)) return { kind: "any" };
  const list = boundedList(v, "protocols", path, issues, LIST_LIMITS);
  if (!list) {
    bad.push("protocols");
    return undefined;
  }
  const items = list.items.map((p, i) => decodeCnpProtocol(p, i, `${join(path, "protocols")}[${i}]`, issues));
  const ok = items.filter((p): p is CnpPort => p !== undefined);
  if (!list.ok || ok.length < items.length) bad.push("protocols");
  return { kind: "list", items: ok };
}

/** "DomainNames is only supported for Accept rules": the CRD does not check it, so a warning. */
function warnDomainNames(peers: readonly CnpPeer[], action: CnpAction, path: string, issues: Issues): void {
  const peer = peers.find((p) => p.kind === "unsupported" && p.fields.includes("domainNames"));
  if (!peer) return;
  issues.add(
    warning(
      "domain-names-not-accept",
      `${path}.to[${peer.index}].domainNames`,
      `the API supports \`domainNames\` only in Accept rules; in this ${action} rule it is read as denying all traffic`,
    ),
  );
}

/**
 * The egress rule's CEL rule: `!(self.to.exists(peer, has(peer.networks) || has(peer.nodes) ||
 * has(peer.domainNames)) && has(self.protocols) && self.protocols.exists(protocol,
 * has(protocol.destinationNamedPort)))`, on the object as written.
 */
function namedPortToNonPods(v: JsonObject): boolean {
  const peers = isList(v.to) ? v.to : [];
  const protocols = isList(v.protocols) ? v.protocols : [];
  const nonPod = peers.some(
    (p) => isObject(p) && (present(p.networks) || present(p.nodes) || present(p.domainNames)),
  );
  return nonPod && protocols.some((p) => isObject(p) && present(p.destinationNamedPort));
}
