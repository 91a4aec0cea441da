/**
 * Decodes ClusterNetworkPolicyIngressPeer (`from[]`: `namespaces` or `pods`) and
 * ClusterNetworkPolicyEgressPeer (`to[]`: also `networks`, and the experimental `nodes` and
 * `domainNames`), policy.networking.k8s.io/v1alpha2: "Exactly one of the fields must be set".
 */
import { error, warning } from "../issue/issue.js";
import { clipName, quoteValue } from "../issue/quote.js";
import { parseAddr } from "../net/address.js";
import { type Cidr, parseCidr } from "../net/cidr.js";
import type { CnpPeer } from "./cnp-model.js";
import { boundedList, exactlyOne, stringSet } from "./decode-cnp-lists.js";
import { decodeNamespacedPod } from "./decode-cnp-subject.js";
import { decodeSelector } from "./decode-selector.js";
import { describe, type Issues, isObject, type JsonObject, join, knownFieldsOnly } from "./fields.js";
import type { Direction } from "./model.js";

/** The peer types of each direction, in the API's order. */
const PEER_FIELDS: Readonly<Record<Direction, readonly string[]>> = {
  ingress: ["namespaces", "pods"],
  egress: ["namespaces", "pods", "networks", "nodes", "domainNames"],
};
/** NetworkPolicy's peer fields, written by habit, and what they are called here. */
const PEER_MEANT: Readonly<Record<Direction, Readonly<Record<string, string>>>> = {
  ingress: { podSelector: "pods", namespaceSelector: "namespaces" },
  egress: { podSelector: "pods", namespaceSelector: "namespaces", ipBlock: "networks" },
};

/** `networks` / `domainNames`: "can have up to 25". */
const PEER_LIST_LIMITS = { min: 1, max: 25 } as const;
/** The CRD's `maxLength` of a CIDR. */
const CIDR_MAX_LENGTH = 43;
/** DomainName's `pattern` in the CRD: an exact name, or `*.` then a name. */
const DOMAIN_NAME =
  /^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$/;

/**
 * What the API asks of an implementation that cannot read a peer: "For "Accept" rules, "fail
 * closed" means: "treat the rule as matching no traffic". For "Deny" and "Pass" rules, "fail
 * closed" means: "treat the rule as a 'Deny all' rule"".
 */
export const RULE_FAILS_CLOSED =
  "an Accept rule with it matches no traffic and a Deny or Pass rule with it denies all traffic";

/**
 * Decodes one `from[]` / `to[]` entry at `path`. A peer setting a field netguard does not know
 * (a newer API's peer type) is `unsupported`, as the API asks ("If an implementation sees no fields
 * are set then it can infer that the deployed CRD is of an incompatible version with an unknown
 * field. In that case it should fail closed"); so is `domainNames`. Undefined (with issues) when
 * malformed: the rule holding it then fails closed as a whole.
 */
export function decodeCnpPeer(
  v: unknown,
  dir: Direction,
  index: number,
  path: string,
  issues: Issues,
): CnpPeer | undefined {
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  const fields = PEER_FIELDS[dir];
  if (!knownFieldsOnly(v, new Set(fields), path, issues, PEER_MEANT[dir])) {
    const unknown = Object.keys(v)
      .filter((k) => !fields.includes(k))
      .map((k) => clipName(k));
    const named = unknown.map((k) => `\`${k}\``).join(", ");
    const message = `the peer sets ${named}, which netguard does not recognise: it fails closed, as the API asks (${RULE_FAILS_CLOSED})`;
    issues.add(warning("fail-closed", path, message));
    return { kind: "unsupported", fields: unknown, index };
  }
  const field = exactlyOne(v, fields, path, issues);
  return field === undefined ? undefined : decodePeerOfType(v, field, index, path, issues);
}

function decodePeerOfType(
  v: JsonObject,
  field: string,
  index: number,
  path: string,
  issues: Issues,
): CnpPeer | undefined {
  const at = join(path, field);
  switch (field) {
    case "namespaces": {
      const namespaces = decodeSelector(v.namespaces, at, issues);
      return namespaces && { kind: "namespaces", namespaces, index };
    }
    case "pods": {
      const sel = decodeNamespacedPod(v.pods, at, issues);
      return sel && { kind: "pods", ...sel, index };
    }
    case "networks":
      return decodeNetworks(v, index, path, issues);
    case "nodes":
      return decodeNodes(v, index, path, issues);
    default:
      return decodeDomainNames(v, index, path, issues);
  }
}

/**
 * `networks`: 1..25 distinct CIDRs, each at most 43 characters and passing the CRD's CEL rule
 * `isCIDR(self)` ("Invalid CIDR format provided"), which rejects IPv4-mapped IPv6 addresses.
 */
function decodeNetworks(v: JsonObject, index: number, path: string, issues: Issues): CnpPeer | undefined {
  const list = boundedList(v, "networks", path, issues, PEER_LIST_LIMITS);
  const texts = list && stringSet(list.items, join(path, "networks"), issues);
  const cidrs: Cidr[] = [];
  texts?.forEach((text, i) => {
    const cidr = decodeCidr(text, `${join(path, "networks")}[${i}]`, issues);
    if (cidr) cidrs.push(cidr);
  });
  if (!list?.ok || texts === undefined || cidrs.length < texts.length) return undefined;
  return { kind: "networks", cidrs, index };
}

function decodeCidr(text: string, path: string, issues: Issues): Cidr | undefined {
  if (text.length > CIDR_MAX_LENGTH) {
    return issues.fail(path, `must be no more than ${CIDR_MAX_LENGTH} characters`, "too-long");
  }
  const cidr = parseCidr(text);
  if (typeof cidr === "string") {
    return issues.fail(path, `Invalid CIDR format provided: ${quoteValue(text)}: ${cidr}`);
  }
  if (isIPv4Mapped(text)) {
    return issues.fail(
      path,
      `Invalid CIDR format provided: ${quoteValue(text)} is an IPv4-mapped IPv6 address, which isCIDR rejects`,
    );
  }
  if (cidr.hostBitsSet) {
    issues.add(
      warning(
        "host-bits-set",
        path,
        `${quoteValue(text)} has host bits set: it is read as the whole network`,
      ),
    );
  }
  return cidr;
}

/**
 * Whether the address as written (before the prefix masks it) is IPv4-mapped IPv6 (`::ffff:a.b.c.d`):
 * `isCIDR` parses with Go's `netip.ParsePrefix` and rejects `Addr().Is4In6()`, whatever the length
 * (`::ffff:10.0.0.0/64` is rejected too).
 */
function isIPv4Mapped(text: string): boolean {
  const addr = parseAddr(text.slice(0, text.lastIndexOf("/")));
  return addr?.family === "IPv6" && addr.value >> 32n === 0xffffn;
}

/** `nodes` (experimental channel): a label selector over Nodes; empty selects every Node. */
function decodeNodes(v: JsonObject, index: number, path: string, issues: Issues): CnpPeer | undefined {
  const at = join(path, "nodes");
  const nodes = decodeSelector(v.nodes, at, issues);
  if (!nodes) return undefined;
  issues.add(
    warning(
      "experimental-field",
      at,
      "`nodes` is an experimental-channel field of ClusterNetworkPolicy: a cluster with the standard-channel CRD does not store it",
    ),
  );
  return { kind: "nodes", nodes, index };
}

/**
 * `domainNames` (experimental channel; "only supported for Accept rules"): checked as the CRD
 * does (1..25 distinct names matching its pattern), then `unsupported`: netguard cannot match
 * domain names without intercepting DNS.
 */
function decodeDomainNames(v: JsonObject, index: number, path: string, issues: Issues): CnpPeer {
  const at = join(path, "domainNames");
  const list = boundedList(v, "domainNames", path, issues, PEER_LIST_LIMITS);
  const names = list && stringSet(list.items, at, issues);
  names?.forEach((name, i) => {
    if (!DOMAIN_NAME.test(name)) {
      issues.fail(
        `${at}[${i}]`,
        `${quoteValue(name)} is not a domain name: labels of letters, digits, '-' and '_', optionally starting with '*.'`,
      );
    }
  });
  issues.add(
    error(
      "unsupported-field",
      at,
      `netguard does not support \`domainNames\` (it would need to intercept DNS): the agent and every command read the peer fail-closed, as the API requires: ${RULE_FAILS_CLOSED}`,
    ),
  );
  return { kind: "unsupported", fields: ["domainNames"], index };
}
