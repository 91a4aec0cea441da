/**
 * Decodes NetworkPolicyPeer: `podSelector`, `namespaceSelector` (alone or together) or `ipBlock`.
 */
import { quoteValue } from "../issue/quote.js";
import { type Cidr, parseCidr } from "../net/cidr.js";
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
  optString,
} from "./fields.js";
import type { Peer } from "./model.js";

/** NetworkPolicyPeer's fields. */
const PEER_FIELDS = new Set(["podSelector", "namespaceSelector", "ipBlock"]);
/** IPBlock's fields. */
const IP_BLOCK_FIELDS = new Set(["cidr", "except"]);

/** Decodes one `from[]`/`to[]` entry; undefined (with issues) when malformed or with an unknown field. */
export function decodePeer(v: unknown, index: number, path: string, issues: Issues): Peer | undefined {
  if (!isObject(v)) return issues.fail(path, `must be an object, got ${describe(v)}`, "wrong-type");
  if (!knownFieldsOnly(v, PEER_FIELDS, path, issues)) return undefined;
  const hasPods = v.podSelector !== undefined && v.podSelector !== null;
  const hasNs = v.namespaceSelector !== undefined && v.namespaceSelector !== null;
  const hasBlock = v.ipBlock !== undefined && v.ipBlock !== null;
  if (hasBlock && (hasPods || hasNs)) {
    return issues.fail(
      path,
      "may not specify more than 1 peer type: ipBlock cannot be combined with podSelector or namespaceSelector",
      "forbidden",
    );
  }
  if (hasBlock) return decodeIpBlock(v, index, path, issues);
  if (!hasPods && !hasNs)
    return issues.fail(path, "must specify a peer (podSelector, namespaceSelector or ipBlock)", "required");
  const pods = hasPods ? decodeSelector(v.podSelector, join(path, "podSelector"), issues) : EVERYTHING;
  const nsSel = hasNs
    ? decodeSelector(v.namespaceSelector, join(path, "namespaceSelector"), issues)
    : undefined;
  if (!pods || (hasNs && !nsSel)) return undefined;
  return {
    kind: "pods",
    namespaces: nsSel ? { kind: "matching", selector: nsSel } : { kind: "own" },
    pods,
    index,
  };
}

function decodeIpBlock(v: JsonObject, index: number, path: string, issues: Issues): Peer | undefined {
  const blockPath = join(path, "ipBlock");
  const block = optObject(v, "ipBlock", path, issues);
  if (!block) return undefined;
  const before = issues.count;
  knownFieldsOnly(block, IP_BLOCK_FIELDS, blockPath, issues);
  const cidrText = optString(block, "cidr", blockPath, issues);
  if (cidrText === undefined) {
    return block.cidr === undefined
      ? issues.fail(join(blockPath, "cidr"), "is required", "required")
      : undefined;
  }
  const cidr = parseCidr(cidrText);
  if (typeof cidr === "string")
    return issues.fail(join(blockPath, "cidr"), `${quoteValue(cidrText)}: ${cidr}`);
  const except: Cidr[] = [];
  const raw = optArray(block, "except", blockPath, issues) ?? [];
  raw.forEach((e, i) => {
    const c = decodeExcept(e, cidr, `${join(blockPath, "except")}[${i}]`, issues);
    if (c) except.push(c);
  });
  if (issues.count > before) return undefined;
  return { kind: "ipBlock", cidr, except, index };
}

function decodeExcept(e: unknown, cidr: Cidr, path: string, issues: Issues): Cidr | undefined {
  if (typeof e !== "string") return issues.fail(path, `must be a string, got ${describe(e)}`, "wrong-type");
  const c = parseCidr(e);
  if (typeof c === "string") return issues.fail(path, `${quoteValue(e)}: ${c}`);
  const inside = c.family === cidr.family && c.range.lo >= cidr.range.lo && c.range.hi <= cidr.range.hi;
  if (!inside || c.prefix <= cidr.prefix)
    return issues.fail(path, `${quoteValue(e)} must be a strict subset of \`cidr\``);
  return c;
}
