import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import { decodeObject } from "./decode-object.js";
import type { Pod } from "./model.js";

type Json = Record<string, unknown>;

const SOURCE = { file: "dump.yaml", line: 12 };

/** A pod as `kubectl get pods -o yaml` prints it, with the given ownerReferences. */
function podWith(ownerReferences: unknown, status: Json = {}): { pod?: Pod; issues: Issue[] } {
  const { decoded, issues } = decodeObject(
    {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "web-5d8f-abcde", namespace: "shop", labels: { app: "web" }, ownerReferences },
      spec: { containers: [{ name: "app", image: "x" }] },
      status,
    },
    SOURCE,
  );
  if (decoded && decoded.kind !== "Pod") throw new Error(`decoded as ${decoded.kind}`);
  return { ...(decoded ? { pod: decoded.value } : {}), issues };
}

const rs = (extra: Json = {}): Json => ({
  apiVersion: "apps/v1",
  kind: "ReplicaSet",
  name: "web-5d8f",
  uid: "0b7e",
  controller: true,
  blockOwnerDeletion: true,
  ...extra,
});
const paths = (issues: readonly Issue[]) => issues.map((i) => [i.path, i.code]);

describe("Pod decoding: the controller ownerReference", () => {
  it("the ownerReference with controller: true is the pod's controller", () => {
    const { pod, issues } = podWith([rs()]);
    expect(issues).toEqual([]);
    expect(pod?.controller).toEqual({ kind: "ReplicaSet", name: "web-5d8f" });
  });

  it("references that are not the controller are not", () => {
    const { pod, issues } = podWith([
      rs({ controller: false }),
      { apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "1" },
      rs({ kind: "StatefulSet", name: "db" }),
    ]);
    expect(issues).toEqual([]);
    expect(pod?.controller).toEqual({ kind: "StatefulSet", name: "db" });
  });

  it.each<[string, unknown]>([
    ["no ownerReferences", undefined],
    ["an empty list", []],
    ["null", null],
  ])("%s: no controller", (_name, refs) => {
    const { pod, issues } = podWith(refs);
    expect(issues).toEqual([]);
    expect(pod && "controller" in pod).toBe(false);
  });

  it("a pod without IP keeps nonTarget no-ip with its controller (the agent's view is unchanged)", () => {
    expect(podWith([rs()]).pod).toMatchObject({ nonTarget: "no-ip", controller: { kind: "ReplicaSet" } });
    expect(podWith([rs()], { podIP: "10.0.0.3" }).pod?.nonTarget).toBeUndefined();
  });

  it.each<[string, unknown, Array<[string, string]>]>([
    ["ownerReferences is an object", { kind: "ReplicaSet" }, [["metadata.ownerReferences", "wrong-type"]]],
    ["an entry is a string", ["web-5d8f"], [["metadata.ownerReferences[0]", "wrong-type"]]],
    [
      "controller is a string",
      [rs({ controller: "true" })],
      [["metadata.ownerReferences[0].controller", "wrong-type"]],
    ],
    [
      "the controller's kind is a number",
      [rs({ kind: 5 })],
      [["metadata.ownerReferences[0].kind", "wrong-type"]],
    ],
    [
      "the controller has no name",
      [rs({ name: undefined })],
      [["metadata.ownerReferences[0].name", "required"]],
    ],
    [
      "the controller's kind is empty",
      [rs({ kind: "" })],
      [["metadata.ownerReferences[0].kind", "required"]],
    ],
    [
      "two controllers",
      [rs(), rs({ kind: "Job", name: "j" })],
      [["metadata.ownerReferences[1].controller", "invalid-value"]],
    ],
  ])("%s is an error at its path", (_name, refs, expected) => {
    const { pod, issues } = podWith(refs);
    expect(paths(issues)).toEqual(expected);
    expect(issues.every((i) => i.severity === "error" && i.source === SOURCE)).toBe(true);
    expect(issues[0]?.object).toEqual({ kind: "Pod", namespace: "shop", name: "web-5d8f-abcde" });
    expect(pod?.name).toBe("web-5d8f-abcde");
  });

  it("with two controllers the first is kept", () => {
    expect(podWith([rs(), rs({ kind: "Job", name: "j" })]).pod?.controller).toEqual({
      kind: "ReplicaSet",
      name: "web-5d8f",
    });
  });
});

describe("a pod's invalid IP address in messages", () => {
  it("echoes at most 80 characters of it, with its length", () => {
    const ip = "9".repeat(2_000_000);
    const { issues } = decodeObject(
      { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, status: { podIP: ip } },
      { file: "f", line: 1 },
    );
    const message = issues.find((i) => i.path === "status.podIP")?.message ?? "";
    expect(message).toContain("2000000 characters");
    expect(message.length).toBeLessThan(200);
  });
});
