/**
 * The agent's side of the CNI protocol: an HTTP server on a unix socket (see src/cni/protocol.ts).
 */
import { mkdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { dirname } from "node:path";
import type { CniAddRequest, CniCheckRequest, CniDelRequest, CniReply } from "../cni/protocol.js";

/** What the server asks the agent to do. */
export interface CniHandler {
  cniAdd(req: CniAddRequest): Promise<CniReply>;
  cniDel(req: CniDelRequest): Promise<CniReply>;
  cniCheck(req: CniCheckRequest): Promise<CniReply>;
  cniStatus(): CniReply;
}

/** Listens on `socketPath` (replacing a stale socket file; creating its directory). */
export function startCniServer(handler: CniHandler, socketPath: string): Promise<Server> {
  mkdirSync(dirname(socketPath), { recursive: true });
  rmSync(socketPath, { force: true });
  const server = createServer((req, res) => {
    void route(handler, req).then(
      ([status, reply]) =>
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(reply)),
      (e: unknown) =>
        res
          .writeHead(500, { "content-type": "application/json" })
          .end(JSON.stringify({ ok: false, error: String(e) })),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve(server));
  });
}

async function route(h: CniHandler, req: IncomingMessage): Promise<[number, CniReply]> {
  const path = (req.url ?? "").split("?")[0];
  if (req.method === "GET" && path === "/v1/status") return answer(h.cniStatus());
  if (req.method !== "POST") return [405, { ok: false, error: "method not allowed" }];
  const body = await readJson(req);
  if (
    typeof body !== "object" ||
    body === null ||
    typeof (body as { containerId?: unknown }).containerId !== "string"
  ) {
    return [400, { ok: false, error: "body must be a JSON object with a containerId" }];
  }
  switch (path) {
    case "/v1/add":
      return answer(await h.cniAdd(body as CniAddRequest));
    case "/v1/del":
      return answer(await h.cniDel(body as CniDelRequest));
    case "/v1/check":
      return answer(await h.cniCheck(body as CniCheckRequest));
    default:
      return [404, { ok: false, error: `no such endpoint ${path}` }];
  }
}

function answer(r: CniReply): [number, CniReply] {
  return [r.ok ? 200 : r.retry ? 503 : 409, r];
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}
