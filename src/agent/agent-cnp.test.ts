/**
 * The Agent and ClusterNetworkPolicies, on fake parts with the real KubeSource over the library's
 * ListWatch (test/support/agent-source.ts), a checking FakeNft as the kernel and a ManualClock:
 * what it applies equals the compiled API state, its metrics count the tiers, and a CRD that is
 * absent, installed later or deleted is said once each, never per re-check.
 */
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { clusterPolicy, denyIngressTo, namespacesOf } from "../../test/support/agent-cnp.js";
import { FIXTURE_OBJECTS, fixture, until } from "../../test/support/agent-fixture.js";
import { fakeSource, settle } from "../../test/support/agent-source.js";
import { type Json, pod, snapshotOf } from "../../test/support/objects.js";
import { compile, compileContext } from "../compile/compile.js";
import { Datapath } from "../datapath/datapath.js";
import { FakeNft } from "../nft/fake.js";
import type { NftState } from "../nft/state.js";
import { renderNode } from "../render/ruleset.js";
import { ManualClock } from "./clock.js";
import { WATCH_PATHS } from "./source.js";
import { ClusterStore } from "./store.js";

const CNP = WATCH_PATHS.ClusterNetworkPolicy;
const WEB = pod("x", "web", { labels: { app: "web" }, ips: ["10.1.0.20"], node: "n1" });
const BASELINE = clusterPolicy("default-deny", {
  tier: "Baseline",
  priority: 100,
  subject: namespacesOf(),
  ingress: [{ action: "Deny", from: [namespacesOf()] }],
});

/** The tables `netguard compile` gives for node n1 of these API objects, as the kernel holds them. */
async function compiled(objects: Json[]): Promise<NftState> {
  const kernel = new FakeNft();
  const rules = compile(compileContext(snapshotOf(objects, { allowErrors: true })), "n1");
  const r = await new Datapath(kernel).sync(renderNode(rules));
  if (r.kind === "failed") throw new Error(r.error);
  return kernel.state;
}

/** The kinds of tier chain the kernel holds (`admin-in/`, …). */
const tierChains = (state: NftState) =>
  [
    ...new Set(
      [...state.values()]
        .flatMap((t) => [...t.chains.keys()])
        .filter((n) => /^(admin|baseline)-/.test(n))
        .map((n) => n.replace(/[^/]*$/, "")),
    ),
  ].sort();

function setup() {
  const clock = new ManualClock();
  const store = new ClusterStore();
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino(
    { level: "info" },
    { write: (l: string) => void lines.push(JSON.parse(l) as { level: number; msg: string }) },
  );
  let api: ReturnType<typeof fakeSource> | undefined;
  const f = fixture({
    clock,
    store,
    logger,
    source: (events) => (api = fakeSource(store, events, clock, { baseMs: 1000, maxMs: 8000 })).source,
  });
  if (!api) throw new Error("bug: no source built");
  store.upsert("Pod", WEB);
  const said = (what: RegExp) => lines.filter((l) => what.test(l.msg)).length;
  /** Runs the loop until the kernel holds what compile gives for the API objects. */
  const enforced = async (objects: Json[]) => {
    const want = await compiled([...FIXTURE_OBJECTS, WEB, ...objects]);
    for (let i = 0; i < 20; i++) {
      await f.clock.advance(250);
      await settle();
      try {
        expect(f.kernel.state).toEqual(want);
        return;
      } catch {
        // not yet: the loop coalesces
      }
    }
    expect(f.kernel.state).toEqual(want);
  };
  const gauge = async (name: "clusterPolicies" | "clusterPolicyWatch"): Promise<Record<string, number>> =>
    Object.fromEntries(
      (await f.metrics[name].get()).values.map((v) => [String(Object.values(v.labels)[0]), v.value]),
    );
  return { ...f, api, said, enforced, gauge };
}

describe("Agent: ClusterNetworkPolicies", () => {
  it("compiles the store's ClusterNetworkPolicies into what it applies, and counts them per tier", async () => {
    const f = setup();
    const cnps = [denyIngressTo("deny-web", "web"), denyIngressTo("deny-db", "db", 20), BASELINE];
    f.api.lists.items.set(CNP, cnps);
    await f.agent.start();
    await f.enforced(cnps);
    expect(tierChains(f.kernel.state)).toEqual(["admin-in/", "baseline-in/"]);
    expect(f.agent.notReady()).toBeUndefined();
    expect(await f.gauge("clusterPolicies")).toEqual({ Admin: 2, Baseline: 1 });
    expect(await f.gauge("clusterPolicyWatch")).toEqual({ watched: 1, "not-installed": 0, forbidden: 0 });
    f.api.watch.emit(CNP, "DELETED", { ...denyIngressTo("deny-db", "db"), metadata: { name: "deny-db" } });
    await f.enforced([cnps[0] as Json, BASELINE]);
    expect(await f.gauge("clusterPolicies")).toEqual({ Admin: 1, Baseline: 1 });
    await f.agent.stop();
  });

  it("CRD absent, installed later, then deleted: each said once, every other kind enforced throughout", async () => {
    const f = setup();
    f.api.statuses.set(CNP, 404);
    await f.agent.start();
    await f.enforced([]);
    expect(f.agent.notReady()).toBeUndefined();
    await f.clock.advance(60_000); // many re-checks
    await settle();
    expect(f.api.lists.calls.filter((p) => p === CNP).length).toBeGreaterThan(5);
    expect(f.said(/API does not exist/)).toBe(1);
    expect(await f.gauge("clusterPolicyWatch")).toEqual({ watched: 0, "not-installed": 1, forbidden: 0 });
    expect(await f.gauge("clusterPolicies")).toEqual({ Admin: 0, Baseline: 0 });

    f.api.statuses.delete(CNP);
    const cnps = [denyIngressTo("deny-web", "web"), BASELINE];
    f.api.lists.items.set(CNP, cnps);
    await f.enforced(cnps); // within one re-check (8 s at most here)
    expect(f.said(/API exists/)).toBe(1);
    expect(await f.gauge("clusterPolicies")).toEqual({ Admin: 1, Baseline: 1 });

    f.api.statuses.set(CNP, 404);
    f.api.watch.end(CNP, null); // the CRD is deleted: its watch ends, the re-watch gets 404
    await f.enforced([]);
    expect(f.said(/API is gone/)).toBe(1);
    await f.clock.advance(60_000);
    await settle();
    expect(f.said(/API is gone|API does not exist/)).toBe(2);
    expect(await f.gauge("clusterPolicies")).toEqual({ Admin: 0, Baseline: 0 });
    await f.agent.stop();
  });

  it("waits for the ClusterNetworkPolicies when their LIST fails (not a 404): the rules in force stay", async () => {
    const f = setup();
    f.api.lists.fail.set(CNP, 1);
    f.api.lists.items.set(CNP, [denyIngressTo("deny-web", "web")]);
    await f.agent.start();
    await f.clock.advance(250);
    expect(f.kernel.applies).toBe(0);
    await until(
      "the retry's list",
      () => f.agent.notReady() === "waiting for the first complete list of every watched kind",
    );
    await f.enforced([denyIngressTo("deny-web", "web")]);
    await f.agent.stop();
  });
});
