/**
 * The suite's leftover check (the global teardown): what a run created and did not remove fails
 * the run; what existed before, or went away in time, does not.
 */
import { describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  leftoverCheck,
  type LeftoverProbe,
  netnsNames,
  netnsProbe,
  processProbe,
  RUN_MARKER,
} from "./global-setup.js";
import { deleteTestNetns, withNetns } from "./support/netns.js";
import { describeAsRoot } from "./support/root.js";
import { systemExec } from "../src/sys/exec.js";

/** A probe over a set the test changes. */
function fakeProbe(names: Set<string>): LeftoverProbe {
  return { what: "things", list: () => new Set(names), show: (n) => `thing ${n}` };
}

const noPause = () => Promise.resolve();

describe("the leftover check", () => {
  it("reports what was created during the run and still exists, sorted, and nothing older", async () => {
    const names = new Set(["old"]);
    const check = leftoverCheck([fakeProbe(names)], { graceMs: 0, pause: noPause });
    names.add("b-new").add("a-new");
    expect(await check.finish()).toBe(
      "the tests left behind (remove what a test creates, also when it fails):\n" +
        "things (2):\n  thing a-new\n  thing b-new",
    );
  });

  it("is silent when everything created was removed, or an older entry went away", async () => {
    const names = new Set(["old"]);
    const check = leftoverCheck([fakeProbe(names)], { graceMs: 0, pause: noPause });
    names.add("new");
    names.delete("new");
    names.delete("old");
    expect(await check.finish()).toBeUndefined();
  });

  it("waits for a leftover that is still going away, up to the grace time", async () => {
    const names = new Set<string>();
    const check = leftoverCheck([fakeProbe(names)], {
      graceMs: 60_000,
      pause: () => {
        names.delete("closing"); // removed while the check waits
        return Promise.resolve();
      },
    });
    names.add("closing");
    expect(await check.finish()).toBeUndefined();
  });

  it("ignores a probe that cannot list (no `ip` here)", async () => {
    const blind: LeftoverProbe = { what: "x", list: () => undefined, show: (n) => n };
    expect(await leftoverCheck([blind], { graceMs: 0 }).finish()).toBeUndefined();
  });

  it("reports a process the run started that still runs (not a test worker), and nothing once it has exited", async () => {
    const run = randomBytes(6).toString("hex");
    const check = leftoverCheck([processProbe(run, -1)], { graceMs: 0 });
    const workers = leftoverCheck([processProbe(run, process.pid)], { graceMs: 0 });
    const child = spawn("sleep", ["60"], { env: { ...process.env, [RUN_MARKER]: run }, stdio: "ignore" });
    await new Promise((started) => child.once("spawn", started));
    try {
      expect(await workers.finish()).toBeUndefined(); // a child of the given parent is a worker
      expect(await check.finish()).toContain(
        `processes (1):\n  pid ${child.pid}: sleep 60 (stop: kill ${child.pid})`,
      );
    } finally {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill();
      await exited;
    }
    expect(await check.finish()).toBeUndefined();
  });

  it("reads namespace names from `ip netns list`, with or without an id", () => {
    expect([...netnsNames("ngt-1a-x (id: 3)\nngl42-p0\n\n")]).toEqual(["ngt-1a-x", "ngl42-p0"]);
  });
});

describeAsRoot("the leftover check on real network namespaces", () => {
  it("reports a namespace a test created and did not delete, and not one it deleted", async () => {
    const check = leftoverCheck([netnsProbe], { graceMs: 0 });
    const kept = await withNetns(async (ns) => {
      await withNetns(() => Promise.resolve(), "gone");
      const report = await check.finish();
      return { ns, report };
    }, "kept");
    // Other runs on this machine may create namespaces meanwhile: look for ours by name.
    expect(kept.report).toContain(`\n  ${kept.ns} (remove: ip netns del ${kept.ns})`);
    expect(kept.report).not.toContain("-gone");
    expect(kept.ns).toMatch(/^ngt-[0-9a-f]{8}-kept$/);
    expect((await systemExec("ip", ["netns", "list"])).stdout).not.toContain(kept.ns);
  });

  it("the file's afterAll deletes a namespace whose test never reached its finally", async () => {
    let release = () => {};
    let ready = (_ns: string) => {};
    const started = new Promise<string>((r) => (ready = r));
    const stuck = withNetns((ns) => {
      ready(ns);
      return new Promise<void>((done) => (release = done)); // a test stuck until its timeout
    }, "stuck");
    const ns = await started;
    expect((await systemExec("ip", ["netns", "list"])).stdout).toContain(ns);
    await deleteTestNetns();
    expect((await systemExec("ip", ["netns", "list"])).stdout).not.toContain(ns);
    release();
    await stuck;
  });
});
