import type { CoreV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { INVALID_POLICY_REASON, invalidPolicyEvent, PolicyEventReporter, reportingNode } from "./events.js";

const NOW = new Date("2026-11-22T10:00:00Z");
const about = (name: string, message = "must be a valid CIDR"): Issue[] => [
  {
    code: "invalid-value",
    severity: "error",
    path: "spec.ingress[0].from[0].ipBlock.cidr",
    message: `Invalid value: "10.1.0.0/33": ${message}`,
    object: { kind: "NetworkPolicy", namespace: "shop", name },
  },
  {
    code: "deprecated",
    severity: "warning",
    path: "spec.x",
    message: "a warning is not reported",
    object: { kind: "NetworkPolicy", namespace: "shop", name },
  },
];

describe("invalidPolicyEvent", () => {
  it("is a Warning on the policy naming each field with an error", () => {
    expect(invalidPolicyEvent(about("api"), "node-a", NOW)).toEqual({
      metadata: { generateName: "api.", namespace: "shop" },
      involvedObject: {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        namespace: "shop",
        name: "api",
      },
      reason: INVALID_POLICY_REASON,
      message:
        'netguard cannot enforce this policy as written and enforces it fail-closed (rules with errors allow nothing): spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.1.0.0/33": must be a valid CIDR',
      type: "Warning",
      source: { component: "netguard-agent", host: "node-a" },
      reportingComponent: "netguard.io/agent",
      reportingInstance: "node-a",
      firstTimestamp: NOW,
      lastTimestamp: NOW,
      count: 1,
    });
  });

  it("keeps messages within the API server's 1024 characters", () => {
    const e = invalidPolicyEvent(about("api", "x".repeat(5000)), "n", NOW);
    expect(e?.message).toHaveLength(1024);
    expect(e?.message?.endsWith("…")).toBe(true);
  });

  it("says nothing about warnings only, or about other kinds", () => {
    expect(invalidPolicyEvent(about("api").slice(1), "n", NOW)).toBeUndefined();
    const pod: Issue = { ...(about("p")[0] as Issue), object: { kind: "Pod", namespace: "shop", name: "p" } };
    expect(invalidPolicyEvent([pod], "n", NOW)).toBeUndefined();
  });
});

describe("reportingNode", () => {
  it("is the first node by name that runs an agent, else the first node", () => {
    expect(reportingNode(["a-win", "b", "c"], new Set(["c", "b"]))).toBe("b");
    expect(reportingNode(["b", "a"], new Set())).toBe("a");
    expect(reportingNode([], new Set())).toBeUndefined();
  });
});

describe("PolicyEventReporter", () => {
  const api = (name: string, uid = `uid-${name}`) => ({ namespace: "shop", name, uid });

  function reporter(node: string, opts: { failFor?: Set<string>; hold?: boolean } = {}) {
    const posted: CoreV1Event[] = [];
    const errors: unknown[] = [];
    const releases: (() => void)[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    const r = new PolicyEventReporter(
      node,
      async (_ns, e) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        if (opts.hold) await new Promise<void>((res) => releases.push(res));
        inFlight--;
        if (opts.failFor?.has(e.involvedObject?.name ?? "")) throw new Error("forbidden");
        posted.push(e);
      },
      (e) => errors.push(e),
    );
    return { r, posted, errors, releases, maxInFlight: () => maxInFlight };
  }
  /** Lets the posts' promise chains run (microtasks only: no timers). */
  const settle = async () => {
    for (let i = 0; i < 50; i++) await Promise.resolve();
  };
  const names = (es: CoreV1Event[]) => es.map((e) => e.involvedObject?.name);

  it("reports nothing before the first flush, and only from the reporting agent", async () => {
    const a = reporter("node-a");
    const b = reporter("node-b");
    for (const x of [a, b]) x.r.update(api("api"), about("api"), NOW);
    await settle();
    expect(a.posted).toEqual([]);
    for (const x of [a, b]) x.r.flush(() => "node-a");
    await settle();
    expect([names(a.posted), names(b.posted)]).toEqual([["api"], []]);
    expect(a.posted[0]?.involvedObject?.uid).toBe("uid-api");
  });

  it("does not work out the reporter (a pass over every pod) while no policy is invalid", () => {
    const a = reporter("node-a");
    let asked = 0;
    a.r.update(api("api"), [], NOW);
    a.r.flush(() => {
      asked++;
      return "node-a";
    });
    expect(asked).toBe(0);
  });

  it("a new reporting agent reports what the old one knew (nothing is dropped)", async () => {
    const b = reporter("node-b");
    b.r.update(api("api"), about("api"), NOW);
    b.r.flush(() => "node-a");
    await settle();
    b.r.flush(() => "node-b"); // node-a is gone
    await settle();
    expect(names(b.posted)).toEqual(["api"]);
  });

  it("posts once per distinct set of errors of an object; a re-list of the same object posts nothing", async () => {
    const a = reporter("node-a");
    a.r.update(api("api"), about("api"), NOW);
    a.r.flush(() => "node-a");
    await settle();
    a.r.update(api("api"), about("api"), NOW);
    a.r.flush(() => "node-a");
    a.r.update(api("api"), about("api", "another problem"), NOW);
    a.r.flush(() => "node-a");
    await settle();
    expect(a.posted.map((e) => e.message?.slice(-15))).toEqual(["be a valid CIDR", "another problem"]);
  });

  it("reports again after a fix and a new break, and for a re-created policy", async () => {
    const a = reporter("node-a");
    a.r.update(api("api"), about("api"), NOW);
    a.r.flush(() => "node-a");
    await settle();
    a.r.update(api("api"), [], NOW); // fixed
    a.r.update(api("api"), about("api"), NOW); // broken again, same error
    a.r.flush(() => "node-a");
    await settle();
    a.r.remove(api("api"));
    a.r.update(api("api", "uid-2"), about("api"), NOW); // deleted and re-created
    a.r.flush(() => "node-a");
    await settle();
    expect(a.posted.map((e) => e.involvedObject?.uid)).toEqual(["uid-api", "uid-api", "uid-2"]);
  });

  it("says nothing about a policy fixed or deleted before the flush", async () => {
    const a = reporter("node-a");
    a.r.update(api("fixed"), about("fixed"), NOW);
    a.r.update(api("fixed"), [], NOW);
    a.r.update(api("gone"), about("gone"), NOW);
    a.r.remove(api("gone"));
    a.r.flush(() => "node-a");
    await settle();
    expect(a.posted).toEqual([]);
  });

  it("a failed post is reported to onError and retried at the next flush, not in a loop", async () => {
    const failFor = new Set(["api"]);
    const a = reporter("node-a", { failFor });
    a.r.update(api("api"), about("api"), NOW);
    a.r.flush(() => "node-a");
    await settle();
    await settle();
    expect([a.posted.length, a.errors]).toEqual([0, [new Error("forbidden")]]);
    failFor.clear();
    a.r.flush(() => "node-a");
    await settle();
    expect(names(a.posted)).toEqual(["api"]);
  });

  it("has at most four posts in flight, and posts them all", async () => {
    const a = reporter("node-a", { hold: true });
    for (let i = 0; i < 10; i++) a.r.update(api(`p${i}`), about(`p${i}`), NOW);
    a.r.flush(() => "node-a");
    for (let round = 0; round < 10; round++) {
      await settle();
      a.releases.splice(0).forEach((release) => release());
    }
    await settle();
    expect([a.maxInFlight(), a.posted.length]).toEqual([4, 10]);
  });
});
