import { describe, expect, it } from "vitest";
import { namespace, node, pod, policy, snapshotOf } from "../../test/support/objects.js";
import { compile } from "../compile/compile.js";
import type { NftBackend } from "../nft/backend.js";
import type { CounterValue } from "../nft/json.js";
import type { TableRef } from "../nft/model.js";
import { renderNode } from "../render/ruleset.js";
import { ManualClock } from "./clock.js";
import { DropReader, podDrops } from "./drops.js";

const counters = (...entries: Array<[string, number]>): Map<string, CounterValue> =>
  new Map(entries.map(([name, packets]) => [name, { packets, bytes: packets * 60 }]));

/** The counters part of an nft backend: answers from `values`, recording each table it is asked for. */
class CounterSource implements Pick<NftBackend, "listCounters"> {
  readonly asked: string[] = [];
  constructor(public values: ReadonlyMap<string, CounterValue> | undefined) {}

  listCounters(table: TableRef): Promise<ReadonlyMap<string, CounterValue> | undefined> {
    this.asked.push(`${table.family} ${table.name}`);
    return Promise.resolve(this.values);
  }
}

function ownersOf(names: string[]) {
  return renderNode(
    compile(
      snapshotOf([
        namespace("x"),
        node("n1", "192.168.0.1", ["10.1.0.0/24"]),
        ...names.map((n, i) => pod("x", n, { ips: [`10.1.0.${10 + i}`] })),
        policy("x", "deny", { podSelector: {}, policyTypes: ["Ingress", "Egress"] }),
      ]),
      "n1",
    ),
  ).counterOwners;
}

describe("podDrops", () => {
  it("maps the renderer's drop counters to pods and directions, ignoring counters that are no pod's", () => {
    const owners = ownersOf(["web-1", "web.v2"]);
    const values = counters(
      ["drop/out/x/web.v2", 0],
      ["spoofed", 3],
      ["drop/in/x/web-1", 7],
      ["unprogrammed", 2],
    );
    expect(podDrops(values, owners)).toEqual([
      { pod: "x/web-1", direction: "ingress", packets: 7 },
      { pod: "x/web.v2", direction: "egress", packets: 0 },
    ]);
  });

  it("orders one pod's directions egress before ingress and pods by name, whatever order nft lists them in", () => {
    const owners = ownersOf(["b", "a"]);
    const values = counters(["drop/in/x/b", 1], ["drop/in/x/a", 2], ["drop/out/x/a", 3]);
    expect(podDrops(values, owners).map((d) => `${d.pod} ${d.direction}`)).toEqual([
      "x/a egress",
      "x/a ingress",
      "x/b ingress",
    ]);
  });
});

describe("DropReader", () => {
  it("labels a long pod name's drops with that pod, not with what its shortened counter name reads as", async () => {
    const long = `web-${"a".repeat(240)}`;
    const owners = ownersOf([long]);
    const name = [...owners.keys()].find((n) => n.startsWith("drop/in/")) ?? "";
    expect(name.length).toBeLessThanOrEqual(200);
    expect(name).not.toContain(long);
    const reader = new DropReader(
      new CounterSource(counters([name, 9])),
      new ManualClock(),
      1000,
      () => owners,
    );
    expect(await reader.read()).toEqual([{ pod: `x/${long}`, direction: "ingress", packets: 9 }]);
  });

  it("reads inet netguard's counters at most once per interval and reports none while the table is missing", async () => {
    const owners = ownersOf(["web"]);
    const source = new CounterSource(undefined);
    const clock = new ManualClock();
    const reader = new DropReader(source, clock, 1000, () => owners);
    expect(await reader.read()).toEqual([]);
    source.values = counters(["drop/in/x/web", 4]);
    await clock.advance(999);
    expect(await reader.read()).toEqual([]);
    await clock.advance(1);
    expect(await reader.read()).toEqual([{ pod: "x/web", direction: "ingress", packets: 4 }]);
    expect(source.asked).toEqual(["inet netguard", "inet netguard"]);
  });
});
