import { createHash } from "node:crypto";

/**
 * The first `hexChars` lowercase hex digits of the SHA-256 of `text` (UTF-8): the short, stable
 * content-derived names of style rule 5 (shared set names, nft identifiers, lab veth names).
 */
export function sha256Hex(text: string, hexChars: number): string {
  if (!Number.isInteger(hexChars) || hexChars < 0 || hexChars > 64) {
    throw new RangeError(`sha256Hex: hexChars must be an integer in 0..64, got ${hexChars}`);
  }
  return createHash("sha256").update(text, "utf8").digest("hex").slice(0, hexChars);
}
