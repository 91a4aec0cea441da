import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { request, type Server } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { CniReply } from "../cni/protocol.js";
import { ManualClock } from "./clock.js";
import { type CniHandler, CniServer } from "./cni-server.js";

const good = {
  containerId: "c1",
  namespace: "x",
  name: "web-0.a",
  ips: ["10.1.0.5", "fd00::5"],
  hostVeth: "veth12ab",
};

let dir = "";
let socket = "";
let server: CniServer | undefined;
let clock = new ManualClock();
/** Resolves when the server next arms a timer on the clock (a body started arriving). */
let timerArmed: Promise<void> = Promise.resolve();
const calls: Array<{ op: string; body: unknown }> = [];
let hold: ((signal: AbortSignal | undefined) => Promise<void>) | undefined;
const handler: CniHandler = {
  cniAdd: async (r, signal) => {
    calls.push({ op: "add", body: r });
    await hold?.(signal);
    return { ok: true };
  },
  cniDel: (r) => (calls.push({ op: "del", body: r }), Promise.resolve({ ok: true })),
  cniCheck: (r) => (calls.push({ op: "check", body: r }), Promise.resolve({ ok: true })),
  cniGc: (r) => (calls.push({ op: "gc", body: r }), Promise.resolve({ ok: true })),
  cniStatus: () => ({ ok: true }),
};

function post(path: string, payload: string): Promise<{ status: number; reply: CniReply }> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: socket, method: "POST", path }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          reply: JSON.parse(Buffer.concat(chunks).toString()) as CniReply,
        }),
      );
    });
    req.on("error", reject);
    req.end(payload);
  });
}
/** The error of a refusal ("accepted" when the reply is not one). */
const errorOf = (r: CniReply): string => (r.ok ? "accepted" : r.error);
const add = (body: Record<string, unknown>) => post("/v1/add", JSON.stringify(body));

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "netguard-cni-srv-"));
  socket = join(dir, "cni.sock");
  calls.length = 0;
  hold = undefined;
  clock = new ManualClock();
  const arm = clock.setTimeout.bind(clock);
  timerArmed = new Promise<void>((armed) => {
    clock.setTimeout = (fn, ms) => (armed(), arm(fn, ms));
  });
  server = new CniServer({
    handler,
    socketPath: socket,
    clock,
    limits: { maxBody: 4096, bodyTimeoutMs: 200 },
  });
  await server.start();
});
afterEach(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("the agent's CNI socket checks every field before a handler sees it", () => {
  it("a well-formed ADD reaches the handler with exactly its fields", async () => {
    expect(await add({ ...good, extra: "ignored" })).toMatchObject({ status: 200 });
    expect(calls).toEqual([{ op: "add", body: good }]);
  });

  it.each([
    ["hostVeth", { hostVeth: 'veth1" accept; #' }],
    ["hostVeth", { hostVeth: "veth/1" }],
    ["hostVeth", { hostVeth: "a-name-longer-than-15" }],
    ["hostVeth", { hostVeth: "veth 1" }],
    ["containerId", { containerId: "" }],
    ["containerId", { containerId: "-starts-with-dash" }],
    ["containerId", { containerId: "a".repeat(300) }],
    ["namespace", { namespace: "Upper" }],
    ["namespace", { namespace: "a.b" }],
    ["name", { name: "web_0" }],
    ["name", { name: 7 }],
    ["ips", { ips: undefined }],
    ["ips", { ips: [] }],
    ["ips[1]", { ips: ["10.1.0.5", "10.1.0.300"] }],
    ["ips[0]", { ips: ["fe80::1%eth0"] }],
    ["podUid", { podUid: "uid with spaces" }],
  ])("an ADD with a bad %s is refused with 400 naming the field", async (field, change) => {
    const r = await add({ ...good, ...change });
    expect(r.status).toBe(400);
    expect(errorOf(r.reply)).toMatch(new RegExp(`^${field.replace(/[[\]]/g, "\\$&")}: `));
    expect(calls).toEqual([]);
  });

  it("DEL, CHECK and GC bodies are checked too; a body that is not JSON is a 400", async () => {
    expect((await post("/v1/del", JSON.stringify({ containerId: "x y" }))).status).toBe(400);
    expect((await post("/v1/check", "[]")).status).toBe(400);
    expect(
      errorOf((await post("/v1/gc", JSON.stringify({ validContainerIds: ["ok", "not ok"] }))).reply),
    ).toMatch(/^validContainerIds\[1\]: /);
    expect((await post("/v1/add", "{")).status).toBe(400);
    expect((await post("/v1/gc", JSON.stringify({ validContainerIds: ["a", "b"] }))).status).toBe(200);
    expect(calls).toEqual([{ op: "gc", body: { validContainerIds: ["a", "b"] } }]);
  });

  it("a body larger than the limit is refused with 413", async () => {
    const big = JSON.stringify({ ...good, pad: "x".repeat(5000) });
    expect((await add(JSON.parse(big) as Record<string, unknown>)).status).toBe(413);
    expect(calls).toEqual([]);
  });

  it("a body sent without a declared length that grows past the limit is refused with 413", async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = request({ socketPath: socket, method: "POST", path: "/v1/add" }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      });
      req.on("error", reject);
      req.setHeader("transfer-encoding", "chunked");
      for (let i = 0; i < 10; i++) req.write("x".repeat(1000));
    });
    expect(r).toBe(413);
  });

  it("a client that never finishes its body gets 408 instead of holding the request forever", async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const c = connect(socket);
      let got = "";
      c.on("data", (d) => (got += d.toString()));
      c.on("close", () => resolve(got));
      c.on("error", reject);
      c.write("POST /v1/add HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{");
      void timerArmed
        .then(() => clock.advance(199))
        .then(() => {
          expect(got).toBe("");
          return clock.advance(1);
        });
    });
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it("an unknown endpoint is 404 and another method 405", async () => {
    expect((await post("/v1/nope", "{}")).status).toBe(404);
    const status = await new Promise<number>((resolve) =>
      request({ socketPath: socket, method: "PUT", path: "/v1/add" }, (res) => {
        resolve(res.statusCode ?? 0);
        res.resume();
      }).end(),
    );
    expect(status).toBe(405);
  });

  it("an ADD whose plugin hangs up (its deadline passed) is told through the abort signal", async () => {
    let aborted!: () => void;
    const seen = new Promise<void>((r) => (aborted = r));
    const req = request({ socketPath: socket, method: "POST", path: "/v1/add" });
    hold = (signal) =>
      new Promise<void>((resolve) => {
        signal?.addEventListener("abort", () => (aborted(), resolve()));
        req.destroy(); // the plugin's deadline passed while the agent was still working
      });
    req.on("error", () => undefined);
    req.end(JSON.stringify(good));
    await seen;
    expect(calls).toHaveLength(1);
  });
});

describe("the CNI server's socket", () => {
  it("start creates the socket's directory and replaces a stale socket file", async () => {
    const nested = join(dir, "run", "netguard", "cni.sock");
    const other = new CniServer({ handler, socketPath: nested, clock });
    await other.start();
    await other.stop();
    expect(existsSync(nested)).toBe(false); // closing a listening server removes its socket
    writeFileSync(nested, "stale");
    const again = new CniServer({ handler, socketPath: nested, clock });
    await again.start();
    try {
      expect(statSync(nested).isSocket()).toBe(true);
    } finally {
      await again.stop();
    }
  });

  it("binds through the injected listen function", async () => {
    const bound: string[] = [];
    const other = new CniServer({
      handler,
      socketPath: "/nonexistent/cni.sock",
      clock,
      listen: (srv, path) => {
        bound.push(path);
        return new Promise<void>((resolve) => srv.listen(join(dir, "other.sock"), resolve));
      },
    });
    await other.start();
    await other.stop();
    expect(bound).toEqual(["/nonexistent/cni.sock"]);
    expect(existsSync(join(dir, "other.sock"))).toBe(false);
  });

  it("once stopped it never listens: start after stop refuses, stop during the bind closes the socket", async () => {
    const bound: string[] = [];
    let bind = (): void => undefined;
    const deps = {
      handler,
      socketPath: join(dir, "late.sock"),
      clock,
      listen: (srv: Server, path: string) => {
        bound.push(path);
        return new Promise<void>((resolve) => (bind = () => srv.listen(path, resolve)));
      },
    };
    const early = new CniServer(deps);
    await early.stop();
    await expect(early.start()).rejects.toThrow(/stopped/);
    expect(bound).toEqual([]);
    const late = new CniServer(deps);
    const started = late.start();
    await late.stop();
    bind();
    await started;
    expect(bound).toEqual([deps.socketPath]);
    expect(existsSync(deps.socketPath)).toBe(false); // bound, then closed at once
  });
});
