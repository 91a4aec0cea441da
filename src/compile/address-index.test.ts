import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LabelSelector, Pod } from "../k8s/model.js";
import { normalize } from "../net/interval.js";
import { selectorMatches } from "../policy/selector.js";
import { AddressIndex } from "./address-index.js";

const NAMESPACES = ["a", "b", "c"];
const sel = (matchLabels: Record<string, string>): LabelSelector => ({ matchLabels, matchExpressions: [] });

/** Pods with addresses from a small range, so neighbours, gaps and duplicate addresses all occur. */
const pods = fc
  .array(
    fc.record({
      ns: fc.constantFrom(...NAMESPACES),
      app: fc.constantFrom("x", "y"),
      v4: fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 2 }),
    }),
    { maxLength: 12 },
  )
  .map((shapes) =>
    shapes.map(
      (s, i) =>
        ({
          namespace: s.ns,
          name: `p${i}`,
          labels: { app: s.app },
          ips: s.v4.map((v) => ({ family: "IPv4", value: BigInt(v) })),
        }) as unknown as Pod,
    ),
  );

describe("AddressIndex", () => {
  it("selects the same canonical intervals as sorting the selected pods' addresses", () => {
    fc.assert(
      fc.property(
        pods,
        fc.subarray(NAMESPACES),
        fc.constantFrom(sel({}), sel({ app: "x" })),
        (ps, namespaces, selector) => {
          const expected = normalize(
            ps
              .filter((p) => namespaces.includes(p.namespace) && selectorMatches(selector, p.labels))
              .flatMap((p) => p.ips.map((a) => ({ lo: a.value, hi: a.value }))),
          );
          expect(new AddressIndex(ps).select(namespaces, selector)).toEqual({ v4: expected, v6: [] });
        },
      ),
      { numRuns: 300 },
    );
  });
});
