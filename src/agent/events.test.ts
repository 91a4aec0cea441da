import type { CoreV1Event } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { Issue } from "../diag/issue.js";
import { INVALID_POLICY_REASON, invalidPolicyEvent, PolicyEventReporter } from "./events.js";

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

describe("PolicyEventReporter", () => {
  function reporter(node: string) {
    const posted: CoreV1Event[] = [];
    const errors: unknown[] = [];
    const r = new PolicyEventReporter(
      node,
      async (_ns, e) => {
        if (e.involvedObject?.name === "fails") throw new Error("forbidden");
        posted.push(e);
      },
      (e) => errors.push(e),
    );
    return { r, posted, errors };
  }

  it("only the agent on the first node by name reports, and only once the view is complete", () => {
    const a = reporter("node-a");
    const b = reporter("node-b");
    for (const x of [a, b]) x.r.report(about("api"), NOW);
    expect(a.posted).toEqual([]); // nothing before the first flush (after the first full list)
    for (const x of [a, b]) x.r.flush(["node-b", "node-a"]);
    expect(a.posted.map((e) => e.involvedObject?.name)).toEqual(["api"]);
    expect(b.posted).toEqual([]);
  });

  it("reports an object again only when its errors change", () => {
    const a = reporter("node-a");
    a.r.report(about("api"), NOW);
    a.r.flush(["node-a"]);
    a.r.report(about("api"), NOW); // a re-list delivers the same object again
    a.r.flush(["node-a"]);
    a.r.report(about("api", "another problem"), NOW);
    a.r.flush(["node-a"]);
    expect(a.posted.map((e) => e.message?.slice(-15))).toEqual(["be a valid CIDR", "another problem"]);
  });

  it("a failed post is reported to onError, not thrown", async () => {
    const a = reporter("node-a");
    a.r.report(about("fails"), NOW);
    a.r.flush(["node-a"]);
    await new Promise((r) => setTimeout(r, 0));
    expect(a.errors).toEqual([new Error("forbidden")]);
  });
});
