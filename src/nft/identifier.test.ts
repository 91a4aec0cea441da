import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import { identifierOf, isIdentifier, partsOf } from "./identifier.js";

/** A DNS-1123 label (namespace names) and subdomain (pod names), as the API server accepts them. */
const alnum = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split(""));
const inner = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-.".split(""));
function dnsName(max: number, alphabet: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc
    .tuple(alnum, fc.array(alphabet, { maxLength: max - 2 }), alnum)
    .map(([a, mid, b]) => `${a}${mid.join("")}${b}`)
    .filter((n) => !/[-.]\.|\.[-.]/.test(n));
}
const namespaceName = dnsName(63, fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-".split("")));
/** Pod names, biased to the lengths that get shortened (the limit is 200 with a short prefix). */
const podName = fc.oneof(
  dnsName(40, inner),
  dnsName(253, inner),
  fc.integer({ min: 180, max: 253 }).chain((n) => dnsName(n, fc.constantFrom("a", "b", "-"))),
);

describe("identifierOf", () => {
  it("keeps names made of Kubernetes' alphabet as they are", () => {
    expect(identifierOf(["in", "shop", "web-1.v2"])).toBe("in/shop/web-1.v2");
  });

  it("escapes every other byte as _XX, the marker itself included, so the encoding is injective", () => {
    expect(identifierOf(["in", "a_b"])).toBe("in/a_5Fb");
    expect(identifierOf(["in", "a b"])).toBe("in/a_20b");
    expect(identifierOf(["in", "a/b"])).toBe("in/a_2Fb");
    expect(identifierOf(["in", "Web"])).toBe("in/_57eb");
    expect(identifierOf(["1x"])).toBe("_31x");
    expect(identifierOf(["in", "a_b"])).not.toBe(identifierOf(["in", "a b"]));
    expect(partsOf(identifierOf(["in", "é/_x"]))).toEqual(["in", "é/_x"]);
  });

  it("shortens long names to a start plus _H and 128 bits of SHA-256, which no name can encode to", () => {
    const id = identifierOf(["in", "x", "a".repeat(250)]);
    expect(id).toHaveLength(200);
    expect(id).toMatch(/_H[0-9a-f]{32}$/);
    expect(isIdentifier(id)).toBe(true);
    expect(partsOf(id)).toBeUndefined();
  });

  it("gives the old attack name (the victim's 12-hex shortened name, as a pod name) its own identifier", () => {
    const victim = `victim-${"a".repeat(233)}`;
    const full = `in/x/${victim}`;
    const attacker = `${full.slice(5, 187)}-${createHash("sha256").update(full).digest("hex").slice(0, 12)}`;
    expect(identifierOf(["in", "x", attacker])).not.toBe(identifierOf(["in", "x", victim]));
  });

  it("property: distinct valid pod names give distinct, valid identifiers; unshortened ones decode back", () => {
    const ref = fc.tuple(namespaceName, podName);
    fc.assert(
      fc.property(ref, ref, fc.constantFrom("in", "out"), (a, b, dir) => {
        const ia = identifierOf([dir, ...a]);
        const ib = identifierOf([dir, ...b]);
        expect(isIdentifier(ia)).toBe(true);
        expect(ia === ib).toBe(a[0] === b[0] && a[1] === b[1]);
        const parts = partsOf(ia);
        if (parts) expect(parts).toEqual([dir, ...a]);
        else expect(ia).toMatch(/_H[0-9a-f]{32}$/);
      }),
      { numRuns: numRuns(2000) },
    );
  });

  it("property: a shortened identifier is never the encoding of any name, valid or not", () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 120 }), { minLength: 1, maxLength: 4 }), (parts) => {
        const id = identifierOf(parts);
        if (id.includes("_H")) expect(partsOf(id)).toBeUndefined();
        else expect(partsOf(id)).toEqual(parts);
      }),
      { numRuns: numRuns(2000) },
    );
  });
});
