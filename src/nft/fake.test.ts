import { describe, expect, it } from "vitest";
import { FakeNft } from "./fake.js";
import type { TableRef } from "./model.js";
import { Transaction } from "./transaction.js";

const T: TableRef = { family: "inet", name: "t" };

function defined(): Transaction {
  return new Transaction().defineTable({
    family: "inet",
    name: "t",
    sets: [{ name: "s", type: "ipv4_addr", interval: true, elements: ["10.0.0.0/24"] }],
    maps: [{ name: "m", keyType: "ipv4_addr", interval: false, elements: new Map([["10.0.0.1", "jump c"]]) }],
    counters: ["n"],
    chains: [
      { name: "c", rules: ["ip saddr @s counter name n drop"] },
      {
        name: "forward",
        base: { type: "filter", hook: "forward", priority: "filter", policy: "accept" },
        rules: ["ip daddr vmap @m"],
      },
    ],
  });
}

describe("FakeNft", () => {
  it("applies a transaction to its model and lists the table from it", async () => {
    const fake = new FakeNft();
    expect(await fake.apply(defined())).toEqual({ ok: true });
    const t = await fake.listTable(T);
    expect([...(t?.sets.get("s")?.elements ?? [])]).toEqual(["10.0.0.0-10.0.0.255"]);
    expect(t?.chains.get("c")?.rules.map((r) => r.text)).toEqual(["ip saddr @s counter name n drop"]);
    expect(await fake.listTable({ family: "bridge", name: "t" })).toBeUndefined();
  });

  it("refuses a transaction nft would refuse, changes nothing, and says which command and why", async () => {
    const fake = new FakeNft();
    await fake.apply(defined());
    const before = fake.state;
    const txn = new Transaction()
      .add({ op: "add-elements", table: T, set: "s", elements: ["10.0.1.0/24"] })
      .add({ op: "delete-chain", table: T, name: "c" });
    const r = await fake.apply(txn);
    expect(r).toEqual({
      ok: false,
      error: expect.stringMatching(/^command 2: busy: chain c/) as unknown,
      kind: "busy",
    });
    expect(fake.lastError).toMatchObject({ index: 1, kind: "busy" });
    expect(fake.state).toBe(before);
  });

  it("fails the next apply with an injected error, once", async () => {
    const fake = new FakeNft();
    fake.failNext = "injected";
    expect(await fake.apply(defined())).toEqual({ ok: false, error: "injected" });
    expect(fake.state.size).toBe(0);
    expect(await fake.apply(defined())).toEqual({ ok: true });
  });

  it("lists the table's named counters, with values set by the test, 0 otherwise", async () => {
    const fake = new FakeNft();
    expect(await fake.listCounters(T)).toBeUndefined();
    await fake.apply(defined().add({ op: "add-counter", table: T, name: "a" }));
    fake.counterValues.set("inet t", new Map([["n", { packets: 3, bytes: 180 }]]));
    expect(await fake.listCounters(T)).toEqual(
      new Map([
        ["a", { packets: 0, bytes: 0 }],
        ["n", { packets: 3, bytes: 180 }],
      ]),
    );
  });
});
