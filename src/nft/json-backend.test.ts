import { describe, expect, it } from "vitest";
import type { Exec, ExecResult } from "../sys/exec.js";
import { execBackend, listFailed } from "./backend.js";
import type { TableRef } from "./model.js";

const INET: TableRef = { family: "inet", name: "netguard" };

/** An Exec answering every call with `result`, recording each command line. */
function execAnswering(result: Partial<ExecResult>): { exec: Exec; calls: string[] } {
  const calls: string[] = [];
  const exec: Exec = (cmd, args) => {
    calls.push([cmd, ...args].join(" "));
    return Promise.resolve({ code: 0, stdout: "", stderr: "", ...result });
  };
  return { exec, calls };
}

const LISTING = JSON.stringify({
  nftables: [
    { metainfo: { version: "1.0.6" } },
    { table: { family: "inet", name: "netguard", handle: 1 } },
    {
      counter: {
        family: "inet",
        name: "drop/in/x/web",
        table: "netguard",
        handle: 2,
        packets: 4,
        bytes: 240,
      },
    },
    {
      set: {
        family: "inet",
        name: "local4",
        table: "netguard",
        type: "ipv4_addr",
        handle: 3,
        elem: ["10.1.0.9"],
      },
    },
    { chain: { family: "inet", table: "netguard", name: "in/x/web", handle: 4 } },
    {
      rule: {
        family: "inet",
        table: "netguard",
        chain: "in/x/web",
        handle: 5,
        expr: [{ counter: "drop/in/x/web" }, { drop: null }],
      },
    },
  ],
});

const NO_TABLE = "Error: No such file or directory\nlist table inet netguard\n                 ^^^^^^^^\n";

describe("execBackend's listings (read through json.ts: callers never see JSON)", () => {
  it("lists one table with nft -j, inside the namespace, as the model", async () => {
    const { exec, calls } = execAnswering({ stdout: LISTING });
    const table = await execBackend(exec, { netns: "ngt-x" }).listTable(INET);
    expect(calls).toEqual(["ip netns exec ngt-x nft -j list table inet netguard"]);
    if (table === undefined || table === "unreadable" || listFailed(table))
      throw new Error(JSON.stringify(table));
    expect([...table.chains.keys()]).toEqual(["in/x/web"]);
    expect(table.sets.get("local4")?.elements).toEqual(new Set(["10.1.0.9"]));
  });

  it("answers undefined for a table nft does not have, failed when nft gives no listing, unreadable for a listing it cannot read", async () => {
    const list = (r: Partial<ExecResult>) => execBackend(execAnswering(r).exec).listTable(INET);
    expect(await list({ code: 1, stderr: NO_TABLE })).toBeUndefined();
    expect(await list({ code: 1, stderr: "Killed\n" })).toEqual({ failed: "Killed" });
    expect(await list({ code: 124, stderr: "" })).toEqual({ failed: "nft exited 124" });
    expect(await list({ code: 1, stderr: "Error: Operation not permitted" })).toEqual({
      failed: "Error: Operation not permitted",
    });
    expect(await list({ code: 1, stderr: "Cannot open network namespace: No such device" })).toEqual({
      failed: "Cannot open network namespace: No such device",
    });
    expect(await list({ stdout: "not json" })).toBe("unreadable");
    expect(
      await list({ stdout: JSON.stringify({ nftables: [{ table: { family: "inet", name: "other" } }] }) }),
    ).toBe("unreadable");
  });

  it("reads the named counters' values of `nft -j list counters table`", async () => {
    const { exec, calls } = execAnswering({ stdout: LISTING });
    expect(await execBackend(exec).listCounters(INET)).toEqual(
      new Map([["drop/in/x/web", { packets: 4, bytes: 240 }]]),
    );
    expect(calls).toEqual(["nft -j list counters table inet netguard"]);
  });

  it("reads no counters from a table without any, and none at all when nft fails or the listing is unreadable", async () => {
    const counters = (r: Partial<ExecResult>) => execBackend(execAnswering(r).exec).listCounters(INET);
    expect(await counters({ stdout: JSON.stringify({ nftables: [{ metainfo: {} }] }) })).toEqual(new Map());
    expect(await counters({ code: 1, stderr: NO_TABLE })).toBeUndefined();
    expect(await counters({ stdout: "[]" })).toBeUndefined();
  });

  it("lists a table's rules without set elements with nft -t -j list table", async () => {
    const { exec, calls } = execAnswering({ stdout: LISTING });
    const table = await execBackend(exec).listRules(INET);
    expect(calls).toEqual(["nft -t -j list table inet netguard"]);
    if (table === undefined || table === "unreadable" || listFailed(table))
      throw new Error(JSON.stringify(table));
    expect([...table.chains.keys()]).toEqual(["in/x/web"]);
    const fail = (r: Partial<ExecResult>) => execBackend(execAnswering(r).exec).listRules(INET);
    expect(await fail({ code: 1, stderr: NO_TABLE })).toBeUndefined();
    expect(await fail({ code: 1, stderr: "Killed" })).toEqual({ failed: "Killed" });
  });

  it("lists one chain with nft -j list chain (nft 1.0.6 names no table object there) as the model's chain", async () => {
    const { exec, calls } = execAnswering({ stdout: CHAIN_LISTING });
    const chain = await execBackend(exec, { netns: "ngt-x" }).listChain(INET, "in/shop/web");
    expect(calls).toEqual(["ip netns exec ngt-x nft -j list chain inet netguard in/shop/web"]);
    if (chain === undefined || chain === "unreadable" || listFailed(chain))
      throw new Error(JSON.stringify(chain));
    expect(chain.rules.map((r) => r.facts)).toEqual([
      { chains: [], sets: ["peer4_e54a9228dd73", "ports_81667bd08467"], counters: [], verdict: "accept" },
      { chains: [], sets: [], counters: ["drop/in/shop/web"], verdict: "drop" },
    ]);
    expect(chain.rules.every((r) => r.fingerprint !== undefined)).toBe(true);
  });

  it("answers undefined for a chain nft does not have, failed when nft gives no listing", async () => {
    const list = (r: Partial<ExecResult>) => execBackend(execAnswering(r).exec).listChain(INET, "c");
    expect(
      await list({ code: 1, stderr: "Error: No such file or directory\nlist chain inet netguard c\n" }),
    ).toBeUndefined();
    expect(await list({ code: 1, stderr: "Killed" })).toEqual({ failed: "Killed" });
    expect(await list({ stdout: CHAIN_LISTING })).toBe("unreadable");
    expect(await list({ stdout: "not json" })).toBe("unreadable");
  });
});

/** `nft -j list chain inet netguard in/shop/web` of the golden base ruleset, nft 1.0.6. */
const CHAIN_LISTING = String.raw`{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"chain": {"family": "inet", "table": "netguard", "name": "in/shop/web", "handle": 24}}, {"rule": {"family": "inet", "table": "netguard", "chain": "in/shop/web", "handle": 29, "expr": [{"match": {"op": "==", "left": {"payload": {"protocol": "ip", "field": "saddr"}}, "right": "@peer4_e54a9228dd73"}}, {"match": {"op": "==", "left": {"concat": [{"meta": {"key": "l4proto"}}, {"payload": {"protocol": "th", "field": "dport"}}]}, "right": "@ports_81667bd08467"}}, {"accept": null}]}}, {"rule": {"family": "inet", "table": "netguard", "chain": "in/shop/web", "handle": 30, "expr": [{"counter": "drop/in/shop/web"}, {"drop": null}]}}]}`;
