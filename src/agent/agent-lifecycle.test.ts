/**
 * The Agent starting and stopping (test/support/agent-fixture.ts): a stop during the start, the CNI
 * registrations loaded before the socket opens, the socket closed and state writes awaited on stop.
 */
import { describe, expect, it } from "vitest";
import { cniReq, fixture, gate, until } from "../../test/support/agent-fixture.js";
import type { AgentParts } from "./parts.js";
import type { CniHandler } from "./cni-server.js";
import type { CniStateFile } from "./cni-state.js";

describe("Agent: stop during start", () => {
  it("stop during the source's start waits for it, then stops the source and closes the socket", async () => {
    const log: string[] = [];
    const listed = gate();
    const f = fixture({
      driftIntervalMs: 1000,
      cniServer: () => ({
        start: () => (log.push("cni listen"), Promise.resolve()),
        stop: () => (log.push("cni close"), Promise.resolve()),
      }),
    });
    f.source.start = async () => {
      log.push("source start");
      await listed.wait;
      log.push("source listed");
    };
    f.source.stop = () => (log.push("source stop"), Promise.resolve());
    const started = f.agent.start();
    await until("the source starts", () => log.includes("source start"));
    const stopped = f.agent.stop();
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(log).toEqual(["cni listen", "source start"]);
    listed.release();
    await Promise.all([started, stopped]);
    expect(log).toEqual(["cni listen", "source start", "source listed", "source stop", "cni close"]);
    expect(f.clock.pending).toBe(0); // no drift timer armed after the stop
  });

  it("stop while the CNI socket is being bound leaves it closed", async () => {
    const bound = gate();
    let open = false;
    const f = fixture({
      cniServer: () => ({
        start: async () => {
          await bound.wait;
          open = true;
        },
        stop: () => ((open = false), Promise.resolve()),
      }),
    });
    let sourceStarted = false;
    f.source.start = () => ((sourceStarted = true), Promise.resolve());
    const started = f.agent.start();
    const stopped = f.agent.stop();
    bound.release();
    await Promise.all([started, stopped]);
    expect(open).toBe(false);
    expect(sourceStarted).toBe(false); // nothing more is started once stopped
  });
});

describe("Agent: the CNI state file and socket", () => {
  /** A state file whose reads and writes wait for `open`, logging each step. */
  function gatedFile(log: string[]) {
    const g = { read: gate(), write: gate(), text: undefined as string | undefined };
    const file: CniStateFile = {
      path: "memory",
      read: async () => {
        log.push("state read");
        await g.read.wait;
        log.push("state loaded");
        return g.text;
      },
      write: async (text) => {
        await g.write.wait;
        g.text = text;
        log.push("state written");
      },
    };
    return { g, file };
  }
  /** A CNI endpoint logging its start and stop; `handler()` is what it would serve. */
  function loggingServer(log: string[]) {
    let served: CniHandler | undefined;
    const parts: Partial<AgentParts> = {
      cniServer: (h) => {
        served = h;
        return {
          start: () => (log.push("cni listen"), Promise.resolve()),
          stop: () => (log.push("cni close"), Promise.resolve()),
        };
      },
    };
    return { parts, handler: () => served as CniHandler };
  }

  it("the registrations are loaded before the CNI socket opens", async () => {
    const log: string[] = [];
    const { g, file } = gatedFile(log);
    g.text = JSON.stringify({ version: 2, seq: 1, pods: [{ ...cniReq("c0"), seq: 1 }] });
    const server = loggingServer(log);
    const f = fixture(server.parts, file);
    const started = f.agent.start();
    await until("the state read", () => log.includes("state read"));
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(log).toEqual(["state read"]);
    g.read.release();
    await started;
    expect(log).toEqual(["state read", "state loaded", "cni listen"]);
    f.listed();
    await f.clock.advance(50);
    await until("the first sync", () => f.kernel.applies === 1);
    expect(await server.handler().cniCheck({ containerId: "c0" })).toEqual({ ok: true }); // loaded
    await f.agent.stop();
  });

  it("stop closes the CNI socket and waits for the state writes asked for", async () => {
    const log: string[] = [];
    const { g, file } = gatedFile(log);
    g.read.release();
    const server = loggingServer(log);
    const f = fixture(server.parts, file);
    await f.agent.start();
    f.listed();
    g.write.release();
    const cni = server.handler();
    expect(await cni.cniAdd(cniReq("c1"))).toEqual({ ok: true });
    const held = gate();
    g.write = held;
    const deleted = cni.cniDel({ containerId: "c1" });
    const stopped = f.agent.stop().then(() => log.push("stopped"));
    await until("the socket closed", () => log.includes("cni close"));
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(log.includes("stopped")).toBe(false);
    held.release();
    await Promise.all([deleted, stopped]);
    expect(log.slice(-3)).toEqual(["cni close", "state written", "stopped"]);
    expect(g.text).toBe(JSON.stringify({ version: 2, seq: 1, pods: [] }));
  });
});
