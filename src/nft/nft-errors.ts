/**
 * What kind of refusal nft printed, in the fake's terms (apply.ts `NftErrorKind`), read from its
 * first `Error:` line — by errno (ENOENT, EEXIST, EBUSY, EOPNOTSUPP/EINVAL) or by nft's own message
 * for checks it makes before the kernel sees the transaction. Messages as nft 1.0.6 prints them,
 * measured in a throwaway network namespace (apply.test.ts runs every case on both).
 */
import type { NftErrorKind } from "./apply.js";

const KINDS: ReadonlyArray<[NftErrorKind, RegExp]> = [
  ["no-such-object", /No such file or directory|element does not exist/],
  ["exists", /File exists|conflicting intervals specified|interval overlaps/],
  ["busy", /Device or resource busy/],
  [
    "type",
    /Could not resolve|datatype mismatch|is not a map|Service out of range|exceeds maximum length|invalid data type|Can't parse symbolic|Could not parse|is not a valid/,
  ],
  [
    "invalid",
    /Operation not supported|Too many links|Invalid argument|flags interval|zero or negative size|syntax error|No symbol type information/,
  ],
];

/** The kind of nft's first error, or undefined when its message is not one the fake knows. */
export function classifyNftError(stderr: string): NftErrorKind | undefined {
  const line = /Error: (.*)/.exec(stderr)?.[1];
  if (line === undefined) return undefined;
  return KINDS.find(([, re]) => re.test(line))?.[0];
}

/** The script line (1-based) nft's first error names (`/dev/stdin:14:3-5: Error: …`). */
export function errorLine(stderr: string): number | undefined {
  const m = /:(\d+):\d+(?:-\d+)?: Error:/.exec(stderr);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}
