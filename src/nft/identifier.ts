/**
 * nft identifiers. nft 1.0.6 accepts unquoted names matching `[a-zA-Z_.][a-zA-Z0-9/_.-]*` for
 * chains, sets, maps and counters (quoted names are rejected in several places), and the kernel
 * limits names to 255 bytes. Names built from Kubernetes objects are made to fit here.
 *
 * The encoding is injective: parts are joined by `/` (which no part keeps), and every byte outside
 * `[a-z0-9.-]` — the alphabet of Kubernetes names — is written `_XX` (two upper-case hex digits),
 * `_` itself included. So every `_` of an unshortened identifier starts such an escape, and a
 * shortened identifier carries `_H` (never an escape: `H` is no hex digit) followed by 128 bits
 * of SHA-256: no name, valid or not, encodes to a shortened identifier, and two long names share
 * one only by a SHA-256 second preimage.
 */
import { sha256Hex } from "../base/hash.js";

const IDENTIFIER = /^[a-zA-Z_.][a-zA-Z0-9/_.-]*$/;
const MAX = 255;
/** The marker of a shortened identifier; never produced by escaping. */
const SHORTENED = "_H";
/** Hex digits of the hash kept in a shortened identifier: 32 × 4 = 128 bits. */
const HASH_HEX = 32;

/** True when `name` can be written unquoted in an nft script. */
export function isIdentifier(name: string): boolean {
  return name.length <= MAX && IDENTIFIER.test(name);
}

/** Throws for a name the renderer should never have produced (a bug, not user input). */
export function checkIdentifier(name: string): string {
  if (!isIdentifier(name)) throw new Error(`invalid nft identifier: ${JSON.stringify(name)}`);
  return name;
}

/**
 * An identifier made of `parts` joined by `/`, escaped as described above (a first character nft
 * cannot start with is escaped too). A result longer than `limit` (at most 255) keeps its start and
 * ends in `_H` plus 32 hex digits of the SHA-256 of the whole encoding, so it stays unique and stable.
 */
export function identifierOf(parts: readonly string[], limit = 200): string {
  if (limit > MAX || limit < SHORTENED.length + HASH_HEX + 1) throw new Error(`identifier limit ${limit}`);
  const encoded = parts.map((p, i) => escapePart(p, i === 0)).join("/");
  if (encoded.length <= limit) return encoded;
  const hash = sha256Hex(encoded, HASH_HEX);
  return `${encoded.slice(0, limit - SHORTENED.length - HASH_HEX)}${SHORTENED}${hash}`;
}

/** The parts identifierOf encoded, for an unshortened result of it; undefined for a shortened one. */
export function partsOf(identifier: string): string[] | undefined {
  if (identifier.includes(SHORTENED)) return undefined;
  const parts: string[] = [];
  for (const part of identifier.split("/")) {
    const bytes: number[] = [];
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (part[i] !== "_") bytes.push(c);
      else if (/^[0-9A-F]{2}$/.test(part.slice(i + 1, i + 3))) {
        bytes.push(parseInt(part.slice(i + 1, i + 3), 16));
        i += 2;
      } else return undefined;
    }
    parts.push(Buffer.from(bytes).toString("utf8"));
  }
  return parts;
}

function escapePart(part: string, first: boolean): string {
  let out = "";
  for (const b of Buffer.from(part, "utf8")) {
    const c = String.fromCharCode(b);
    const plain = /^[a-z0-9.-]$/.test(c) && !(first && out === "" && /^[0-9-]$/.test(c));
    out += plain ? c : `_${b.toString(16).toUpperCase().padStart(2, "0")}`;
  }
  return out;
}
