/**
 * nft identifiers. nft 1.0.6 accepts unquoted names matching `[a-zA-Z_.][a-zA-Z0-9/_.-]*` for
 * chains, sets, maps and counters (quoted names are rejected in several places), and the kernel
 * limits names to 255 bytes. Names built from Kubernetes objects are made to fit here.
 */
import { createHash } from "node:crypto";

const IDENTIFIER = /^[a-zA-Z_.][a-zA-Z0-9/_.-]*$/;
const MAX = 255;

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
 * An identifier made of `parts` joined by `/`; characters nft does not accept become `_`, and a
 * name longer than `limit` keeps its start plus a hash of the whole, so it stays unique and stable.
 */
export function identifierOf(parts: readonly string[], limit = 200): string {
  const raw = parts.join("/").replace(/[^a-zA-Z0-9/_.-]/g, "_");
  const safe = /^[a-zA-Z_.]/.test(raw) ? raw : `_${raw}`;
  if (safe.length <= limit) return safe;
  const hash = createHash("sha256").update(parts.join("/")).digest("hex").slice(0, 12);
  return `${safe.slice(0, limit - 13)}-${hash}`;
}
