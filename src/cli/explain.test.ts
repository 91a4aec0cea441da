import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type ExplainJson, parseJson } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { nodeInputFs } from "../load/node-fs.js";
import { runCli } from "./main.js";

const shop = join(import.meta.dirname, "..", "..", "examples", "shop");

function shopIo() {
  const io = memoryIo({});
  return { ...io, fs: nodeInputFs };
}

describe("netguard explain", () => {
  it("names the policy, rule, peer and port entry that allowed each side", async () => {
    const io = shopIo();
    expect(
      await runCli(io, ["explain", "--from", "api/api", "--to", "db/postgres", "--port", "5432/TCP", shop]),
    ).toBe(0);
    expect(io.stdout()).toBe(
      [
        "pod api/api (10.244.1.20) -> pod db/postgres (10.244.1.30) TCP/5432: ALLOWED",
        "  egress of the source: pod api/api is isolated by api/allow-dns, api/api-egress, api/default-deny: allowed",
        "    allowed by api/api-egress spec.egress[0].to[0] spec.egress[0].ports[0]",
        "  ingress of the destination: pod db/postgres is isolated by db/default-deny, db/postgres-from-api: allowed",
        "    allowed by db/postgres-from-api spec.ingress[0].from[0] spec.ingress[0].ports[0]",
        "",
      ].join("\n"),
    );
  });

  it("says when a named port resolves to another number on the receiving pod", async () => {
    const io = shopIo();
    expect(
      await runCli(io, [
        "explain",
        "--from",
        "monitoring/prometheus",
        "--to",
        "api/api",
        "--port",
        "9090",
        shop,
      ]),
    ).toBe(0);
    expect(io.stdout()).toContain("DENIED");
    expect(io.stdout()).toContain(
      'api/allow-scrape spec.ingress[0].ports[0] names port "metrics", which is 9100/TCP on pod api/api, not 9090',
    );
  });

  it("reports the own-node exemption and that the policies were not applied", async () => {
    const io = shopIo();
    expect(
      await runCli(io, ["explain", "--from", "192.168.0.10", "--to", "frontend/web", "--port", "9999", shop]),
    ).toBe(0);
    expect(io.stdout()).toMatch(/ALLOWED\n {2}allowed: traffic between node node-a .* is always allowed/);
    expect(io.stdout()).toContain("ingress of the destination (not applied: exempt, see above)");
  });

  it("prints the verdict as JSON with --format json", async () => {
    const io = shopIo();
    expect(
      await runCli(io, [
        "explain",
        "--from",
        "frontend/web",
        "--to",
        "203.0.113.7",
        "--port",
        "443",
        "-f",
        "json",
        shop,
      ]),
    ).toBe(0);
    const v = parseJson<ExplainJson>(io.stdout());
    expect(v).toMatchObject({
      allowed: false,
      egress: { kind: "pod", isolated: true, allowed: false },
      ingress: { kind: "not-a-pod" },
    });
    expect(v.notes).toEqual([]);
  });

  it("exits 2 naming the closest pods for an endpoint that is not in the input, and without --port", async () => {
    const io = shopIo();
    expect(await runCli(io, ["explain", "--from", "api/apii", "--to", "api/api", "--port", "80", shop])).toBe(
      2,
    );
    expect(io.stdout()).toBe("");
    expect(io.stderr()).toContain("netguard: no pod or workload matches --from api/apii; closest: api/api\n");
    expect(await runCli(shopIo(), ["explain", "--from", "api/api", "--to", "db/postgres", shop])).toBe(2);
  });
});
