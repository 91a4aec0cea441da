import { describe, expect, it } from "vitest";
import { goldenBaseRuleset } from "../../test/support/nft-ruleset.js";
import { execBackend } from "../nft/backend.js";
import type { Exec, ExecResult } from "../sys/exec.js";
import { Datapath } from "./datapath.js";

/** nft through an Exec stub: applies succeed, listings answer `listing` (after the first sync's). */
function stubbedNft(listing: ExecResult): { exec: Exec; applies: () => number } {
  let applies = 0;
  const exec: Exec = (_cmd, args) => {
    if (args.includes("-f")) applies++;
    return Promise.resolve(args.includes("list") ? listing : { code: 0, stdout: "", stderr: "" });
  };
  return { exec, applies: () => applies };
}

describe("repairDrift when nft gives no listing", () => {
  it("skips the check and says why instead of replacing the tables as drifted", async () => {
    const { exec, applies } = stubbedNft({ code: 1, stdout: "", stderr: "Killed\n" });
    const datapath = new Datapath(execBackend(exec));
    expect(await datapath.sync(goldenBaseRuleset())).toMatchObject({ kind: "full" });
    expect(applies()).toBe(1);
    expect(await datapath.repairDrift()).toEqual({ drifted: false, differences: [], failed: "Killed" });
    expect(applies()).toBe(1);
    expect(datapath.inSync).toBe(true);
  });

  it("still replaces the tables when the listing cannot be read", async () => {
    const { exec, applies } = stubbedNft({ code: 0, stdout: "not json", stderr: "" });
    const datapath = new Datapath(execBackend(exec));
    await datapath.sync(goldenBaseRuleset());
    expect(await datapath.repairDrift()).toMatchObject({
      drifted: true,
      differences: ["table inet netguard: listing unreadable", "table bridge netguard: listing unreadable"],
    });
    expect(applies()).toBe(2);
  });
});
