/**
 * The agent's side of the CNI protocol: an HTTP server on a unix socket (see src/cni/protocol.ts).
 * Whatever arrives is checked field by field before a handler sees it (400 naming the field); bodies
 * are bounded in size (413) and in time (408). A client that hangs up aborts its ADD.
 */
import { mkdir, rm } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { dirname } from "node:path";
import {
  type CniAddRequest,
  type CniCheckRequest,
  type CniDelRequest,
  type CniGcRequest,
  type CniReply,
  MAX_CNI_BODY,
} from "../cni/protocol.js";
import { type Decoded, decodeAddRequest, decodeContainerRequest, decodeGcRequest } from "./cni-fields.js";
import type { Clock } from "./clock.js";

/** What the server asks the agent to do. */
export interface CniHandler {
  /** `signal` aborts when the plugin hung up (it stopped waiting: the runtime saw a failure). */
  cniAdd(req: CniAddRequest, signal?: AbortSignal): Promise<CniReply>;
  cniDel(req: CniDelRequest): Promise<CniReply>;
  cniCheck(req: CniCheckRequest): Promise<CniReply>;
  cniGc(req: CniGcRequest): Promise<CniReply>;
  cniStatus(): CniReply;
}

/** Limits of the server (defaults: MAX_CNI_BODY, 5 s to send a body). */
export interface CniServerLimits {
  readonly maxBody: number;
  readonly bodyTimeoutMs: number;
}

/** The default limits. */
export const DEFAULT_CNI_LIMITS: CniServerLimits = { maxBody: MAX_CNI_BODY, bodyTimeoutMs: 5000 };

/** Binds a server to a unix socket path; resolves once it listens. */
export type ListenUnix = (server: Server, socketPath: string) => Promise<void>;

/** Listens on `socketPath` through node:fs and node:net, replacing a stale socket file and creating its directory. */
export const listenUnix: ListenUnix = async (server, socketPath) => {
  await mkdir(dirname(socketPath), { recursive: true });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
};

/** The collaborators and settings of the CNI server. */
export interface CniServerDeps {
  readonly handler: CniHandler;
  readonly socketPath: string;
  /** Times the body limit. */
  readonly clock: Clock;
  readonly listen?: ListenUnix;
  readonly limits?: CniServerLimits;
}

type Answer = readonly [number, CniReply];

/** The agent's CNI endpoint: `start` listens, `stop` closes. */
export class CniServer {
  private readonly server: Server;
  /** Set by stop(): the server never listens again. */
  private closed = false;

  constructor(private readonly deps: CniServerDeps) {
    const limits = deps.limits ?? DEFAULT_CNI_LIMITS;
    this.server = createServer((req, res) => {
      const hungUp = new AbortController();
      res.on("close", () => {
        if (!res.writableFinished) hungUp.abort();
      });
      const send = ([status, reply]: Answer) => {
        if (res.headersSent || res.destroyed) return;
        res.writeHead(status, { "content-type": "application/json", connection: "close" });
        res.end(JSON.stringify(reply));
      };
      void route(deps.handler, req, { limits, clock: deps.clock }, hungUp.signal).then(send, (e: unknown) =>
        send([500, { ok: false, error: `internal error: ${String(e)}` }]),
      );
    });
  }

  /**
   * Listens on the socket path. Refuses once stopped; a stop() while the listen is in progress
   * closes the socket as soon as it is bound.
   */
  async start(): Promise<void> {
    if (this.closed) throw new Error("the CNI server was stopped; not listening");
    await (this.deps.listen ?? listenUnix)(this.server, this.deps.socketPath);
    if (this.closed) await this.close();
  }

  /** Stops accepting requests for good; resolves when open connections have ended. */
  stop(): Promise<void> {
    this.closed = true;
    return this.close();
  }

  private close(): Promise<void> {
    return new Promise((resolve) => (this.server.listening ? this.server.close(() => resolve()) : resolve()));
  }
}

/** How bodies are bounded. */
interface BodyRules {
  readonly limits: CniServerLimits;
  readonly clock: Clock;
}

async function route(
  h: CniHandler,
  req: IncomingMessage,
  rules: BodyRules,
  signal: AbortSignal,
): Promise<Answer> {
  const path = (req.url ?? "").split("?")[0] ?? "";
  if (req.method === "GET" && path === "/v1/status") return answer(h.cniStatus());
  if (req.method !== "POST") return [405, { ok: false, error: "method not allowed" }];
  const handle = endpoint(h, path, signal);
  if (!handle) return [404, { ok: false, error: "no such endpoint" }];
  const body = await readBody(req, rules);
  if (typeof body === "object" && "status" in body) return [body.status, { ok: false, error: body.error }];
  let json: unknown;
  try {
    json = JSON.parse(body.text) as unknown;
  } catch {
    return [400, { ok: false, error: "body: not JSON" }];
  }
  return handle(json);
}

function endpoint(
  h: CniHandler,
  path: string,
  signal: AbortSignal,
): ((json: unknown) => Promise<Answer>) | undefined {
  switch (path) {
    case "/v1/add":
      return (json) => call(decodeAddRequest(json), (r) => h.cniAdd(r, signal));
    case "/v1/del":
      return (json) => call(decodeContainerRequest(json), (r) => h.cniDel(r));
    case "/v1/check":
      return (json) => call(decodeContainerRequest(json), (r) => h.cniCheck(r));
    case "/v1/gc":
      return (json) => call(decodeGcRequest(json), (r) => h.cniGc(r));
    default:
      return undefined;
  }
}

async function call<T>(d: Decoded<T>, fn: (value: T) => Promise<CniReply>): Promise<Answer> {
  if (!d.ok) {
    const { path, message } = d.error;
    return [400, { ok: false, error: path ? `${path}: ${message}` : message }];
  }
  return answer(await fn(d.value));
}

function answer(r: CniReply): Answer {
  return [r.ok ? 200 : r.retry ? 503 : 409, r];
}

/**
 * Reads the body: at most `maxBody` bytes (413 beyond, without reading the rest) within
 * `bodyTimeoutMs` (408), as UTF-8 text.
 */
function readBody(
  req: IncomingMessage,
  { limits, clock }: BodyRules,
): Promise<{ text: string } | { status: number; error: string }> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limits.maxBody)
    return Promise.resolve({ status: 413, error: `body larger than ${limits.maxBody} bytes` });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (r: { text: string } | { status: number; error: string }) => {
      clock.clearTimeout(timer);
      req.removeAllListeners("data");
      resolve(r);
    };
    const timer = clock.setTimeout(
      () => done({ status: 408, error: `body not received within ${limits.bodyTimeoutMs} ms` }),
      limits.bodyTimeoutMs,
    );
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBody) done({ status: 413, error: `body larger than ${limits.maxBody} bytes` });
      else chunks.push(c);
    });
    req.on("end", () => done({ text: Buffer.concat(chunks).toString("utf8") }));
    req.on("error", (e) => done({ status: 400, error: `body: ${e.message}` }));
  });
}
