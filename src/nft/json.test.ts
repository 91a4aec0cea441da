import { describe, expect, it } from "vitest";
import { parseNftJson } from "./json.js";

describe("parseNftJson", () => {
  it("reads the objects netguard uses and skips metainfo", () => {
    const text = JSON.stringify({
      nftables: [
        { metainfo: { version: "1.0.6" } },
        { table: { family: "inet", name: "netguard", handle: 1 } },
        { chain: { family: "inet", table: "netguard", name: "forward", handle: 2 } },
        { rule: { family: "inet", table: "netguard", chain: "forward", handle: 3, expr: [] } },
        { set: { family: "inet", table: "netguard", name: "local4", elem: ["10.1.0.1", "10.1.0.2"] } },
        { map: { family: "inet", table: "netguard", name: "ingress4" } },
        { counter: { family: "inet", table: "netguard", name: "drop/in/a/b", packets: 3, bytes: 180 } },
      ],
    });
    expect(parseNftJson(text)).toEqual([
      { kind: "table", family: "inet", name: "netguard" },
      { kind: "chain", family: "inet", table: "netguard", name: "forward" },
      { kind: "rule", family: "inet", table: "netguard", chain: "forward" },
      { kind: "set", family: "inet", table: "netguard", name: "local4", elements: 2 },
      { kind: "map", family: "inet", table: "netguard", name: "ingress4", elements: 0 },
      { kind: "counter", family: "inet", table: "netguard", name: "drop/in/a/b", packets: 3, bytes: 180 },
    ]);
  });

  it("rejects text that is not a listing, or a known object with fields of the wrong type", () => {
    expect(parseNftJson("not json")).toBeUndefined();
    expect(parseNftJson("{}")).toBeUndefined();
    expect(parseNftJson(JSON.stringify({ nftables: [{ counter: { name: 1 } }] }))).toBeUndefined();
    expect(
      parseNftJson(
        JSON.stringify({ nftables: [{ counter: { family: "inet", table: "t", name: "c", packets: "7" } }] }),
      ),
    ).toBeUndefined();
  });
});
