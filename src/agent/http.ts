/**
 * The agent's HTTP endpoint: `/healthz` (the process is alive), `/readyz` (first sync done, last
 * apply succeeded, tables present, Node and pod CIDR known, watches connected) and `/metrics`
 * (Prometheus text format). Unauthenticated: it binds where it is told (loopback by default) and
 * answers with generic reasons only; errors are logged by the agent, never echoed here.
 */
import { createServer, type Server } from "node:http";

/** What the endpoint asks the agent. */
export interface HealthSource {
  /** Undefined when ready, else why not. */
  notReady(): string | undefined;
  metricsText(): Promise<{ contentType: string; body: string }>;
}

/** Starts listening; resolves with the server once bound. */
export function startHttp(source: HealthSource, host: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET") {
      res.writeHead(405).end();
      return;
    }
    if (path === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      return;
    }
    if (path === "/readyz") {
      const why = source.notReady();
      res
        .writeHead(why ? 503 : 200, { "content-type": "text/plain" })
        .end(why ? `not ready: ${why}\n` : "ok\n");
      return;
    }
    if (path === "/metrics") {
      source.metricsText().then(
        (m) => res.writeHead(200, { "content-type": m.contentType }).end(m.body),
        () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n"),
      );
      return;
    }
    res.writeHead(404).end();
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve(server));
  });
}
