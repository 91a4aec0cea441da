import { describe, expect, it } from "vitest";
import { ruleFingerprint } from "./json-rule.js";

/** `ct state established,related accept` as nft 1.0.6 lists it (`nft -j`). */
const ESTABLISHED = [
  { match: { op: "in", left: { ct: { key: "state" } }, right: ["established", "related"] } },
  { accept: null },
];

/** `ip saddr @podcidr4 ip saddr != @local4 counter name "unprogrammed" drop`, nft 1.0.6. */
const UNPROGRAMMED = [
  { match: { op: "==", left: { payload: { protocol: "ip", field: "saddr" } }, right: "@podcidr4" } },
  { match: { op: "!=", left: { payload: { protocol: "ip", field: "saddr" } }, right: "@local4" } },
  { counter: "unprogrammed" },
  { drop: null },
];

/** `ip saddr vmap @egress4`, nft 1.0.6. */
const EGRESS = [{ vmap: { key: { payload: { protocol: "ip", field: "saddr" } }, data: "@egress4" } }];

describe("ruleFingerprint", () => {
  it("is the same for the same expressions whatever the key order and the anonymous counters' values", () => {
    const reordered = [
      { match: { right: ["established", "related"], left: { ct: { key: "state" } }, op: "in" } },
      { accept: null },
    ];
    expect(ruleFingerprint(reordered)).toBe(ruleFingerprint(ESTABLISHED));
    const counted = (packets: number, bytes: number) => [{ counter: { packets, bytes } }, { accept: null }];
    expect(ruleFingerprint(counted(0, 0))).toBe(ruleFingerprint(counted(12, 3400)));
  });

  it("differs after each edit that keeps the rule's facts", () => {
    const edits: Array<[unknown[], unknown[]]> = [
      [ESTABLISHED, [{ accept: null }]],
      [
        UNPROGRAMMED,
        UNPROGRAMMED.map((s) => JSON.parse(JSON.stringify(s).replace('"!="', '"=="')) as unknown),
      ],
      [EGRESS, JSON.parse(JSON.stringify(EGRESS).replace("saddr", "daddr")) as unknown[]],
    ];
    for (const [before, after] of edits) {
      expect(JSON.stringify(after)).not.toBe(JSON.stringify(before));
      expect(ruleFingerprint(after)).not.toBe(ruleFingerprint(before));
    }
  });

  it("keeps a named counter's name", () => {
    expect(ruleFingerprint([{ counter: "a" }])).not.toBe(ruleFingerprint([{ counter: "b" }]));
  });
});
