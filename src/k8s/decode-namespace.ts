/**
 * Decodes Namespace and Node objects.
 */
import { quoteValue } from "../issue/quote.js";
import { type Addr, parseAddr } from "../net/address.js";
import { type Cidr, parseCidr } from "../net/cidr.js";
import type { ObjectMeta } from "./decode-meta.js";
import {
  describe,
  type Issues,
  isObject,
  type JsonObject,
  optArray,
  optObject,
  optString,
} from "./fields.js";
import type { Labels, Namespace, Node } from "./model.js";

/** The label the API server sets on every Namespace (immutable, equal to the name) since 1.21. */
export const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Labels of a namespace as the API server stores them: with `kubernetes.io/metadata.name`. */
export function namespaceLabels(name: string, labels: Labels): Labels {
  return { ...labels, [NAMESPACE_NAME_LABEL]: name };
}

/** Decodes a Namespace. */
export function decodeNamespace(meta: ObjectMeta): Namespace {
  return { name: meta.name, labels: namespaceLabels(meta.name, meta.labels), declared: true };
}

/** Address types of `status.addresses` that carry the node's own IPs. */
const NODE_IP_TYPES = new Set(["InternalIP", "ExternalIP"]);

/** Decodes a Node: `metadata.labels`, `status.addresses` (InternalIP, ExternalIP) and `spec.podCIDR(s)`. */
export function decodeNode(meta: ObjectMeta, obj: JsonObject, issues: Issues): Node {
  const spec = optObject(obj, "spec", "", issues) ?? {};
  const status = optObject(obj, "status", "", issues) ?? {};
  const addresses: Addr[] = [];
  for (const [i, a] of (optArray(status, "addresses", "status", issues) ?? []).entries()) {
    const path = `status.addresses[${i}]`;
    if (!isObject(a)) {
      issues.fail(path, `must be an object, got ${describe(a)}`, "wrong-type");
      continue;
    }
    const type = optString(a, "type", path, issues);
    const text = optString(a, "address", path, issues);
    if (!type || !NODE_IP_TYPES.has(type) || text === undefined) continue;
    const addr = parseAddr(text);
    if (addr) addresses.push(addr);
    else issues.fail(`${path}.address`, `${quoteValue(text)} is not a valid IP address`);
  }
  const cidrTexts: Array<readonly [string, unknown]> = (optArray(spec, "podCIDRs", "spec", issues) ?? []).map(
    (c, i) => [`spec.podCIDRs[${i}]`, c] as const,
  );
  const single = optString(spec, "podCIDR", "spec", issues);
  if (cidrTexts.length === 0 && single) cidrTexts.push(["spec.podCIDR", single]);
  const podCIDRs: Cidr[] = [];
  for (const [path, text] of cidrTexts) {
    const c = typeof text === "string" ? parseCidr(text) : "must be a string";
    if (typeof c === "string") issues.fail(path, `${describe(text)}: ${c}`);
    else podCIDRs.push(c);
  }
  return { name: meta.name, labels: meta.labels, addresses, podCIDRs };
}
