import { describe, expect, it } from "vitest";
import { namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile } from "../compile/compile.js";
import { FakeBackend } from "../nft/backend.js";
import { renderNode } from "../render/ruleset.js";
import { ManualClock } from "./clock.js";
import { DropReader, podDrops } from "./drops.js";

const counter = (name: string, packets: number) => ({
  counter: { family: "inet", table: "netguard", name, packets, bytes: packets * 60 },
});

describe("podDrops", () => {
  it("maps the renderer's drop counters to pods and directions, ignoring others (moved from store.test.ts)", () => {
    const owners = renderNode(
      compile(
        snapshotOf([
          namespace("x"),
          node("n1", "192.168.0.1", ["10.1.0.0/24"]),
          pod("x", "web-1", { ips: ["10.1.0.10"] }),
          pod("x", "web.v2", { ips: ["10.1.0.11"] }),
          policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
        ]),
        "n1",
      ),
    ).counterOwners;
    const json = JSON.stringify({
      nftables: [
        { metainfo: {} },
        counter("drop/in/x/web-1", 7),
        counter("drop/out/x/web.v2", 0),
        counter("spoofed", 3),
        counter("unprogrammed", 2),
      ],
    });
    expect(podDrops(json, owners)).toEqual([
      { pod: "x/web-1", direction: "ingress", packets: 7 },
      { pod: "x/web.v2", direction: "egress", packets: 0 },
    ]);
    expect(podDrops("not json", owners)).toEqual([]);
  });

  it("labels a long pod name's drops with that pod, not with what its shortened counter name reads as", async () => {
    const long = `web-${"a".repeat(240)}`;
    const rs = renderNode(
      compile(
        snapshotOf([
          namespace("x"),
          node("n1", "192.168.0.1", ["10.1.0.0/24"]),
          pod("x", long, { ips: ["10.1.0.10"] }),
          policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress"] }),
        ]),
        "n1",
      ),
    );
    const [name] = [...rs.counterOwners.keys()];
    expect(name?.length).toBeLessThanOrEqual(200);
    expect(name).not.toContain(long);
    const fake = new FakeBackend();
    fake.tables.set("inet netguard", JSON.stringify({ nftables: [counter(name ?? "", 9)] }));
    const reader = new DropReader(fake, new ManualClock(), 1000, () => rs.counterOwners);
    expect(await reader.read()).toEqual([{ pod: `x/${long}`, direction: "ingress", packets: 9 }]);
  });
});
