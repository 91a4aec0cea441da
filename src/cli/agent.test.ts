/**
 * `netguard agent` runs the agent until a stop signal; a start that fails stops what had started
 * (the HTTP endpoint must not answer /healthz for an agent that is not running) and is reported.
 */
import { EventEmitter } from "node:events";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { type AgentLifecycle, serveAgent } from "./agent.js";

/** An agent whose start fails (or not), recording its lifecycle. */
function fakeAgent(startError: Error | undefined): AgentLifecycle & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    start: () => (calls.push("start"), startError ? Promise.reject(startError) : Promise.resolve()),
    stop: () => (calls.push("stop"), Promise.resolve()),
  };
}

const logger = pino({ level: "silent" });

describe("serveAgent", () => {
  it("a start that fails stops the agent, then rethrows; no signal handler is left", async () => {
    const signals = new EventEmitter();
    const agent = fakeAgent(new Error("cannot read the CNI state"));
    await expect(serveAgent(agent, logger, signals)).rejects.toThrow("cannot read the CNI state");
    expect(agent.calls).toEqual(["start", "stop"]);
    expect(signals.listenerCount("SIGTERM") + signals.listenerCount("SIGINT")).toBe(0);
  });

  it("runs until SIGTERM, then stops the agent once", async () => {
    const signals = new EventEmitter();
    const agent = fakeAgent(undefined);
    const served = serveAgent(agent, logger, signals);
    await Promise.resolve();
    expect(agent.calls).toEqual(["start"]);
    signals.emit("SIGTERM");
    await served;
    expect(agent.calls).toEqual(["start", "stop"]);
  });
});
