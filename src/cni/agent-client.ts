/**
 * The plugin's client for the agent's unix socket (HTTP, JSON), with a deadline.
 */
import { request } from "node:http";
import type { CniReply } from "./protocol.js";

/** Sends one request; a connection error or the deadline gives a `retry` failure. */
export function callAgent(
  socketPath: string,
  method: "GET" | "POST",
  path: string,
  body: unknown,
  timeoutMs: number,
): Promise<CniReply> {
  return new Promise((resolve) => {
    const payload = body === undefined ? "" : JSON.stringify(body);
    const req = request(
      {
        socketPath,
        method,
        path,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as CniReply);
          } catch {
            resolve({ ok: false, error: `agent answered ${res.statusCode} without JSON`, retry: true });
          }
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (e) =>
      resolve({ ok: false, error: `agent at ${socketPath}: ${e.message}`, retry: true }),
    );
    req.end(payload);
  });
}
