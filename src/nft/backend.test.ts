import { expect, it } from "vitest";
import { withNetns } from "../../test/support/netns.js";
import { describeAsRoot } from "../../test/support/root.js";
import { systemExec } from "../sys/exec.js";
import { execBackend, listFailed } from "./backend.js";
import type { TableRef } from "./model.js";
import { Transaction } from "./transaction.js";

const T: TableRef = { family: "inet", name: "t" };

describeAsRoot("execBackend.apply on nft 1.0.6", () => {
  it("runs the transaction's script, and says what kind of refusal nft printed", async () => {
    await withNetns(async (ns) => {
      const nft = execBackend(systemExec, { netns: ns });
      const table = new Transaction().add({ op: "add-table", table: T });
      expect(
        await nft.apply(table.add({ op: "add-chain", table: T, chain: { name: "a", rules: [] } })),
      ).toEqual({
        ok: true,
      });
      const jump = new Transaction().add({ op: "add-rule", table: T, chain: "a", rule: "jump nope" });
      expect(await nft.apply(jump)).toMatchObject({
        ok: false,
        kind: "no-such-object",
        error: /No such file/,
      });
      const busy = new Transaction()
        .add({ op: "add-chain", table: T, chain: { name: "b", rules: [] } })
        .add({ op: "add-rule", table: T, chain: "a", rule: "jump b" })
        .add({ op: "delete-chain", table: T, name: "b" });
      expect(await nft.apply(busy)).toMatchObject({ ok: false, kind: "busy" });
      const listed = await nft.listTable(T);
      expect(
        listed === "unreadable" || listFailed(listed) ? listed : [...(listed?.chains.keys() ?? [])],
      ).toEqual(["a"]);
    }, "backend");
  });
});
