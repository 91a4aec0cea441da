import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KubeConfig } from "@kubernetes/client-node";
import { afterEach, describe, expect, it } from "vitest";
import { KubeApiError, kubeReader, LIST_PAGE_SIZE } from "./raw-api.js";

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

/** A server answering with `handler`; returns a kubeconfig pointing at it. */
async function serve(handler: (url: URL) => [number, unknown]): Promise<KubeConfig> {
  server = createServer((req, res) => {
    const [status, body] = handler(new URL(req.url ?? "/", "http://x"));
    res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", () => r()));
  const { port } = server.address() as AddressInfo;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u" }],
    contexts: [{ name: "ctx", cluster: "c", user: "u" }],
    currentContext: "ctx",
  });
  return kc;
}

describe("kubeReader", () => {
  it("lists page by page, following continue tokens, and keeps the wire's field names", async () => {
    const seen: string[] = [];
    const kc = await serve((url) => {
      seen.push(`${url.searchParams.get("limit")}:${url.searchParams.get("continue") ?? ""}`);
      const page = url.searchParams.get("continue") === "p2" ? 2 : 1;
      return [
        200,
        {
          kind: "NetworkPolicyList",
          metadata: { resourceVersion: String(10 + page), ...(page === 1 ? { continue: "p2" } : {}) },
          items: [{ metadata: { name: `p${page}` }, spec: { ingress: [{ from: [{ podSelector: {} }] }] } }],
        },
      ];
    });
    const list = await kubeReader(kc).list("/apis/networking.k8s.io/v1/networkpolicies");
    expect(seen).toEqual([`${LIST_PAGE_SIZE}:`, `${LIST_PAGE_SIZE}:p2`]);
    expect(list.resourceVersion).toBe("12");
    expect(list.items).toEqual([
      { metadata: { name: "p1" }, spec: { ingress: [{ from: [{ podSelector: {} }] }] } },
      { metadata: { name: "p2" }, spec: { ingress: [{ from: [{ podSelector: {} }] }] } },
    ]);
  });

  it("answers undefined for a missing object and an error with the status message otherwise", async () => {
    const kc = await serve((url) =>
      url.pathname.endsWith("/gone")
        ? [404, { message: "not found" }]
        : [403, { kind: "Status", message: "forbidden: no" }],
    );
    const reader = kubeReader(kc);
    expect(await reader.get("/api/v1/namespaces/x/pods/gone")).toBeUndefined();
    const e = await reader.get("/api/v1/namespaces/x/pods/p").catch((err: unknown) => err);
    expect(e).toBeInstanceOf(KubeApiError);
    expect((e as KubeApiError).status).toBe(403);
    expect((e as KubeApiError).message).toContain("forbidden: no");
  });

  it("rejects a list response that is not a list", async () => {
    const kc = await serve(() => [200, { kind: "Status" }]);
    await expect(kubeReader(kc).list("/api/v1/pods")).rejects.toThrow(/not a list/);
  });
});
