import { describe, expect, it } from "vitest";
import type { Exec, ExecResult } from "../sys/exec.js";
import { execBackend } from "./backend.js";
import { FakeNft } from "./fake.js";
import { parseTables } from "./json.js";
import { Transaction } from "./transaction.js";

/** `nft -j list tables` on nft 1.0.6 in a namespace holding inet/bridge netguard, ip filter, netdev ingress. */
const TABLES = String.raw`{"nftables": [{"metainfo": {"version": "1.0.6", "release_name": "Lester Gooch #5", "json_schema_version": 1}}, {"table": {"family": "inet", "name": "netguard", "handle": 1}}, {"table": {"family": "bridge", "name": "netguard", "handle": 2}}, {"table": {"family": "ip", "name": "filter", "handle": 3}}, {"table": {"family": "netdev", "name": "ingress", "handle": 4}}]}`;

describe("parseTables", () => {
  it("reads the inet and bridge tables of a real nft 1.0.6 listing, in listed order", () => {
    expect(parseTables(TABLES)).toEqual([
      { family: "inet", name: "netguard" },
      { family: "bridge", name: "netguard" },
    ]);
  });

  it("reads a ruleset without tables as none", () => {
    expect(parseTables(`{"nftables": [{"metainfo": {"version": "1.0.6"}}]}`)).toEqual([]);
  });

  it("finds anything but a listing of tables unreadable", () => {
    expect(parseTables("table inet netguard")).toBe("unreadable");
    expect(parseTables(`{"nftables": [{"chain": {"family": "inet", "table": "t", "name": "c"}}]}`)).toBe(
      "unreadable",
    );
    expect(parseTables(`{"nftables": [{"table": {"family": "inet"}}]}`)).toBe("unreadable");
  });
});

describe("execBackend.listTables", () => {
  const answering = (r: Partial<ExecResult>, calls: string[] = []): Exec => {
    return (cmd, args) => {
      calls.push([cmd, ...args].join(" "));
      return Promise.resolve({ code: 0, stdout: "", stderr: "", ...r });
    };
  };

  it("runs nft -j list tables inside the namespace and reads it through json.ts", async () => {
    const calls: string[] = [];
    const tables = await execBackend(answering({ stdout: TABLES }, calls), { netns: "ngt-x" }).listTables();
    expect(calls).toEqual(["ip netns exec ngt-x nft -j list tables"]);
    expect(tables).toEqual([
      { family: "inet", name: "netguard" },
      { family: "bridge", name: "netguard" },
    ]);
  });

  it("answers failed when nft fails or prints something else", async () => {
    expect(await execBackend(answering({ code: 1, stderr: "Killed" })).listTables()).toBe("failed");
    expect(await execBackend(answering({ stdout: "table inet netguard\n" })).listTables()).toBe("failed");
  });
});

describe("FakeNft.listTables", () => {
  it("lists the tables of its model", async () => {
    const fake = new FakeNft();
    expect(await fake.listTables()).toEqual([]);
    const txn = new Transaction().add({ op: "add-table", table: { family: "bridge", name: "netguard" } });
    expect(await fake.apply(txn)).toEqual({ ok: true });
    expect(await fake.listTables()).toEqual([{ family: "bridge", name: "netguard" }]);
  });
});
