/**
 * The queue of state-file writes: in order, and a write that fails in any way (rejecting, or
 * throwing before it returns a promise) is logged and never blocks the writes after it.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { CniRegistry } from "./cni-registry.js";
import { SavedRegistrations } from "./cni-saved.js";
import type { CniStateFile } from "./cni-state.js";

function registry(...ids: string[]): CniRegistry {
  const r = new CniRegistry();
  for (const [i, id] of ids.entries())
    r.add({ containerId: id, namespace: "x", name: `p${i}`, ips: [`10.1.0.${i + 2}`], at: 0 });
  return r;
}

describe("SavedRegistrations", () => {
  it("a write that throws synchronously is logged and the next write still happens", async () => {
    const written: string[] = [];
    let throwNext = true;
    const file: CniStateFile = {
      path: "memory",
      read: () => Promise.resolve(undefined),
      write: (text) => {
        if (throwNext) {
          throwNext = false;
          throw new Error("EBADF: bad file descriptor");
        }
        written.push(text);
        return Promise.resolve();
      },
    };
    const logged: string[] = [];
    const saves = new SavedRegistrations(
      file,
      pino({ level: "warn" }, { write: (s: string) => void logged.push(s) }),
    );
    await expect(saves.save(registry("c1"))).resolves.toBeUndefined();
    await expect(saves.save(registry("c1", "c2"))).resolves.toBeUndefined();
    await saves.saved();
    expect(written.map((t) => (JSON.parse(t) as { pods: unknown[] }).pods.length)).toEqual([2]);
    expect(logged.join("")).toMatch(/EBADF: bad file descriptor.*cannot save CNI registrations/);
  });
});
