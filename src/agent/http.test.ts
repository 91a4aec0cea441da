/**
 * The agent's HTTP endpoint over a fake health source, on a loopback port the kernel picks:
 * liveness, readiness with its generic reason, metrics, and nothing else.
 */
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { type HealthSource, startHttp } from "./http.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function serve(
  source: HealthSource,
): Promise<(path: string, method?: string) => Promise<[number, string]>> {
  server = await startHttp(source, "127.0.0.1", 0);
  const a = server.address();
  const port = typeof a === "object" && a ? a.port : 0;
  return async (path, method = "GET") => {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { method });
    return [r.status, await r.text()];
  };
}

describe("the agent's HTTP endpoint", () => {
  it("answers /healthz always, and /readyz with the agent's reason while it is not ready", async () => {
    let why: string | undefined = "first sync not done";
    const get = await serve({
      notReady: () => why,
      metricsText: () => Promise.resolve({ contentType: "text/plain", body: "" }),
    });
    expect(await get("/healthz")).toEqual([200, "ok\n"]);
    expect(await get("/readyz")).toEqual([503, "not ready: first sync not done\n"]);
    why = undefined;
    expect(await get("/readyz?verbose")).toEqual([200, "ok\n"]);
  });

  it("serves the metrics text; a failure to produce it is a 500 that echoes nothing", async () => {
    let fail = false;
    const get = await serve({
      notReady: () => undefined,
      metricsText: () =>
        fail
          ? Promise.reject(new Error("secret-internal-detail"))
          : Promise.resolve({ contentType: "text/plain; version=0.0.4", body: "netguard_policies 3\n" }),
    });
    expect(await get("/metrics")).toEqual([200, "netguard_policies 3\n"]);
    fail = true;
    expect(await get("/metrics")).toEqual([500, "metrics unavailable\n"]);
  });

  it("refuses other methods and paths", async () => {
    const get = await serve({
      notReady: () => undefined,
      metricsText: () => Promise.resolve({ contentType: "text/plain", body: "" }),
    });
    expect((await get("/readyz", "POST"))[0]).toBe(405);
    expect((await get("/debug"))[0]).toBe(404);
  });
});
