import { describe, expect, it } from "vitest";
import type { Pod, Snapshot, WorkloadKind } from "../k8s/model.js";
import { refOf } from "../k8s/model.js";
import { parseAddr } from "../net/address.js";
import { dryRunView } from "./dry-run-view.js";

const owned = (kind: string, name: string) => ({ controller: { kind, name } });

/** A pod of namespace `ns` as the decoder gives it: with an IP it is a target, without `no-ip`. */
function pod(name: string, extra: Partial<Pod> = {}): Pod {
  return { namespace: "ns", name, labels: {}, ips: [], ports: [], nonTarget: "no-ip", ...extra };
}
const running = (name: string, extra: Partial<Pod> = {}): Pod => {
  const { nonTarget: _none, ...p } = pod(name, { ips: [parseAddr("10.0.0.1")!], ...extra });
  return extra.nonTarget ? { ...p, nonTarget: extra.nonTarget } : p;
};
/** A workload entry as the decoder gives it. */
function workload(kind: WorkloadKind, name: string, extra: Partial<Pod> = {}): Pod {
  return {
    namespace: "ns",
    name: `${kind}/${name}`,
    labels: {},
    ips: [],
    ports: [],
    nonTarget: "template",
    workload: kind,
    ...extra,
  };
}
function snapshot(...pods: Pod[]): Snapshot {
  return {
    namespaces: new Map(),
    pods: [...pods].sort((a, b) => (refOf(a) < refOf(b) ? -1 : 1)),
    policies: [],
    nodes: new Map(),
    clusterPolicies: [],
  };
}
const refs = (s: Snapshot) => s.pods.map(refOf);
const ownersOf = (...pods: Pod[]) => Object.fromEntries(dryRunView(snapshot(...pods)).owners);

describe("dryRunView: what is evaluated", () => {
  it("a pod without IP and a workload template become targets with no address", () => {
    const view = dryRunView(snapshot(pod("a"), workload("Deployment", "web")));
    expect(view.snapshot.pods.map((p) => [refOf(p), p.nonTarget, p.ips])).toEqual([
      ["ns/Deployment/web", undefined, []],
      ["ns/a", undefined, []],
    ]);
    expect(view.snapshot.pods.every((p) => !("nonTarget" in p))).toBe(true);
  });

  it("a pod with an IP is kept as it is (same object)", () => {
    const p = running("a");
    const view = dryRunView(snapshot(p));
    expect(view.snapshot.pods[0]).toBe(p);
  });

  it("Succeeded/Failed pods are left out and counted", () => {
    const view = dryRunView(
      snapshot(
        pod("done", { nonTarget: "terminated" }),
        pod("failed", { nonTarget: "terminated" }),
        pod("a"),
      ),
    );
    expect(refs(view.snapshot)).toEqual(["ns/a"]);
    expect(view.terminated).toBe(2);
  });

  it("host-network pods and templates stay host-network and are listed", () => {
    const view = dryRunView(
      snapshot(
        running("node-exporter", { nonTarget: "host-network" }),
        workload("DaemonSet", "agent", { nonTarget: "host-network" }),
        pod("a"),
      ),
    );
    expect(view.snapshot.pods.map((p) => [refOf(p), p.nonTarget])).toEqual([
      ["ns/DaemonSet/agent", "host-network"],
      ["ns/a", undefined],
      ["ns/node-exporter", "host-network"],
    ]);
    expect(view.hostNetwork).toEqual(["ns/DaemonSet/agent", "ns/node-exporter"]);
  });

  it("leaves the rest of the snapshot alone and does not modify its input", () => {
    const input = snapshot(pod("a"), workload("Deployment", "web"));
    const copy = structuredClone(input);
    const view = dryRunView(input);
    expect(view.snapshot.namespaces).toBe(input.namespaces);
    expect(view.snapshot.policies).toBe(input.policies);
    expect(view.snapshot.nodes).toBe(input.nodes);
    expect(input).toEqual(copy);
  });

  it.each<[string, Pod[], boolean]>([
    ["only pods without owners", [pod("a"), running("b")], false],
    ["a workload", [pod("a"), workload("StatefulSet", "db")], true],
    ["a pod with an owner not in the input", [pod("a", owned("ReplicaSet", "web-1"))], true],
    ["a mirror pod (owned by its Node)", [pod("kube-apiserver-n1", owned("Node", "n1"))], false],
    ["nothing", [], false],
  ])("hasWorkloads with %s: %s", (_name, pods, expected) => {
    expect(dryRunView(snapshot(...pods)).hasWorkloads).toBe(expected);
  });
});

describe("dryRunView: owners", () => {
  it("a pod of a ReplicaSet of a Deployment belongs to the Deployment; both entries give way", () => {
    const view = dryRunView(
      snapshot(
        workload("Deployment", "web"),
        workload("ReplicaSet", "web-5d8f", owned("Deployment", "web")),
        pod("web-5d8f-abcde", owned("ReplicaSet", "web-5d8f")),
      ),
    );
    expect(refs(view.snapshot)).toEqual(["ns/web-5d8f-abcde"]);
    expect(view.snapshot.pods[0]?.owner).toBe("ns/Deployment/web");
    expect(Object.fromEntries(view.owners)).toEqual({ "ns/web-5d8f-abcde": "ns/Deployment/web" });
    expect(view.hasWorkloads).toBe(true);
  });

  it("a pod of a Job of a CronJob belongs to the CronJob", () => {
    expect(
      ownersOf(
        workload("CronJob", "backup"),
        workload("Job", "backup-2890", owned("CronJob", "backup")),
        pod("backup-2890-x", owned("Job", "backup-2890")),
      ),
    ).toEqual({ "ns/backup-2890-x": "ns/CronJob/backup" });
  });

  it("an old ReplicaSet revision without pods gives way to its Deployment", () => {
    const view = dryRunView(
      snapshot(
        workload("Deployment", "web"),
        workload("ReplicaSet", "web-old", owned("Deployment", "web")),
        workload("ReplicaSet", "web-new", owned("Deployment", "web")),
        pod("web-new-1", owned("ReplicaSet", "web-new")),
      ),
    );
    expect(refs(view.snapshot)).toEqual(["ns/web-new-1"]);
  });

  it("a Deployment whose pods are not in the input stays, and its ReplicaSet gives way to it", () => {
    const view = dryRunView(
      snapshot(workload("Deployment", "web"), workload("ReplicaSet", "web-1", owned("Deployment", "web"))),
    );
    expect(refs(view.snapshot)).toEqual(["ns/Deployment/web"]);
    expect(view.owners.size).toBe(0);
  });

  it("a CronJob whose Jobs finished stays as a template; the finished pods are only counted", () => {
    const view = dryRunView(
      snapshot(
        workload("CronJob", "backup"),
        workload("Job", "backup-1", owned("CronJob", "backup")),
        pod("backup-1-x", { ...owned("Job", "backup-1"), nonTarget: "terminated" }),
      ),
    );
    expect(refs(view.snapshot)).toEqual(["ns/CronJob/backup"]);
    expect(view.terminated).toBe(1);
    expect(view.owners.size).toBe(0);
  });

  it("when the owner objects are not in the input, the ownerReference alone is the owner", () => {
    expect(
      ownersOf(pod("web-5d8f-a", owned("ReplicaSet", "web-5d8f")), pod("db-0", owned("StatefulSet", "db"))),
    ).toEqual({ "ns/db-0": "ns/StatefulSet/db", "ns/web-5d8f-a": "ns/ReplicaSet/web-5d8f" });
  });

  it("a ReplicaSet in the input whose Deployment is not: its pods belong to the Deployment", () => {
    const view = dryRunView(
      snapshot(
        workload("ReplicaSet", "web-1", owned("Deployment", "web")),
        pod("web-1-a", owned("ReplicaSet", "web-1")),
      ),
    );
    expect(refs(view.snapshot)).toEqual(["ns/web-1-a"]);
    expect(Object.fromEntries(view.owners)).toEqual({ "ns/web-1-a": "ns/Deployment/web" });
  });

  it("a workload entry controlled by an object not in the input stays, with that owner", () => {
    const view = dryRunView(snapshot(workload("ReplicaSet", "web-1", owned("Deployment", "web"))));
    expect(view.snapshot.pods.map((p) => [refOf(p), p.owner])).toEqual([
      ["ns/ReplicaSet/web-1", "ns/Deployment/web"],
    ]);
    expect(Object.fromEntries(view.owners)).toEqual({ "ns/ReplicaSet/web-1": "ns/Deployment/web" });
  });

  it("a custom controller kind is an owner too", () => {
    expect(
      ownersOf(
        workload("ReplicaSet", "canary-1", owned("Rollout", "canary")),
        pod("canary-1-a", owned("ReplicaSet", "canary-1")),
        pod("pg-1", owned("Cluster", "pg")),
      ),
    ).toEqual({ "ns/canary-1-a": "ns/Rollout/canary", "ns/pg-1": "ns/Cluster/pg" });
  });

  it("a mirror pod's Node is not an owner", () => {
    const view = dryRunView(snapshot(running("etcd-n1", owned("Node", "n1"))));
    expect(view.owners.size).toBe(0);
    expect(view.snapshot.pods[0]?.owner).toBeUndefined();
  });

  it("pods without controller have no owner", () => {
    expect(ownersOf(pod("a"), running("b"))).toEqual({});
  });

  it("owners are sorted by entry ref", () => {
    const view = dryRunView(
      snapshot(pod("z", owned("ReplicaSet", "a")), pod("b", owned("ReplicaSet", "z")), pod("m")),
    );
    expect([...view.owners.keys()]).toEqual(["ns/b", "ns/z"]);
  });

  it("a controller in another namespace's entry is not followed (owners are namespaced)", () => {
    const other = { ...workload("Deployment", "web"), namespace: "other" };
    const view = dryRunView(snapshot(other, pod("web-1", owned("Deployment", "web"))));
    expect(refs(view.snapshot)).toEqual(["ns/web-1", "other/Deployment/web"]);
  });
});

describe("dryRunView: controller cycles", () => {
  it("a two-entry cycle ends at its smallest ref, which stays; the other gives way", () => {
    const view = dryRunView(
      snapshot(
        workload("ReplicaSet", "b", owned("ReplicaSet", "a")),
        workload("ReplicaSet", "a", owned("ReplicaSet", "b")),
      ),
    );
    expect(refs(view.snapshot)).toEqual(["ns/ReplicaSet/a"]);
    expect(view.owners.size).toBe(0);
  });

  it("pods under a cycle belong to its smallest ref whichever entry they hang from", () => {
    const cycle = [
      workload("Job", "x", owned("Job", "y")),
      workload("Job", "y", owned("Job", "z")),
      workload("Job", "z", owned("Job", "x")),
    ];
    const view = dryRunView(snapshot(...cycle, pod("p1", owned("Job", "z")), pod("p2", owned("Job", "y"))));
    expect(Object.fromEntries(view.owners)).toEqual({ "ns/p1": "ns/Job/x", "ns/p2": "ns/Job/x" });
    expect(refs(view.snapshot)).toEqual(["ns/p1", "ns/p2"]);
  });

  it("an entry that controls itself is its own top and stays", () => {
    const view = dryRunView(snapshot(workload("Deployment", "self", owned("Deployment", "self"))));
    expect(refs(view.snapshot)).toEqual(["ns/Deployment/self"]);
    expect(view.owners.size).toBe(0);
  });

  it("the answer does not depend on the order of the input", () => {
    const pods = [
      workload("Job", "x", owned("Job", "y")),
      workload("Job", "y", owned("Job", "x")),
      workload("Job", "w", owned("Job", "y")),
      pod("p", owned("Job", "w")),
    ];
    const a = dryRunView({ ...snapshot(), pods });
    const b = dryRunView({ ...snapshot(), pods: [...pods].reverse() });
    expect(Object.fromEntries(a.owners)).toEqual({ "ns/p": "ns/Job/x" });
    expect(Object.fromEntries(b.owners)).toEqual(Object.fromEntries(a.owners));
    expect(new Set(refs(a.snapshot))).toEqual(new Set(refs(b.snapshot)));
  });
});

describe("dryRunView: workloads laid over a live cluster", () => {
  const cluster = [
    workload("Deployment", "web", { labels: { v: "1" } }),
    workload("ReplicaSet", "web-1", { ...owned("Deployment", "web"), labels: { v: "1" } }),
    running("web-1-a", { ...owned("ReplicaSet", "web-1"), labels: { v: "1" } }),
    running("web-1-b", { ...owned("ReplicaSet", "web-1"), labels: { v: "1" } }),
    running("db-0", owned("StatefulSet", "db")),
  ];

  it("without overlay, the live pods stand for their Deployment", () => {
    const view = dryRunView(snapshot(...cluster));
    expect(refs(view.snapshot)).toEqual(["ns/db-0", "ns/web-1-a", "ns/web-1-b"]);
    expect(view.superseded).toBe(0);
  });

  it("an overlaid Deployment's template replaces its live ReplicaSets and pods", () => {
    const changed = workload("Deployment", "web", { labels: { v: "2" } });
    const view = dryRunView(snapshot(changed, ...cluster.slice(1)), {
      overlaid: new Set(["ns/Deployment/web"]),
    });
    expect(view.snapshot.pods.map((p) => [refOf(p), p.labels.v])).toEqual([
      ["ns/Deployment/web", "2"],
      ["ns/db-0", undefined],
    ]);
    expect(view.superseded).toBe(2);
    expect(Object.fromEntries(view.owners)).toEqual({ "ns/db-0": "ns/StatefulSet/db" });
  });

  it("an overlaid CronJob replaces the running pods of its Jobs", () => {
    const view = dryRunView(
      snapshot(
        workload("CronJob", "backup"),
        workload("Job", "backup-1", owned("CronJob", "backup")),
        running("backup-1-x", owned("Job", "backup-1")),
      ),
      { overlaid: new Set(["ns/CronJob/backup"]) },
    );
    expect(refs(view.snapshot)).toEqual(["ns/CronJob/backup"]);
    expect(view.superseded).toBe(1);
  });

  it("an overlaid workload with a cycle above it still ends", () => {
    const view = dryRunView(
      snapshot(
        workload("Job", "x", owned("Job", "y")),
        workload("Job", "y", owned("Job", "x")),
        workload("Job", "z", owned("Job", "x")),
        running("p", owned("Job", "z")),
      ),
      { overlaid: new Set(["ns/Job/z"]) },
    );
    expect(refs(view.snapshot)).toEqual(["ns/Job/x", "ns/Job/z"]);
    expect(view.superseded).toBe(1);
  });
});

describe("dryRunView: size", () => {
  it("10,000 pods under 1,000 Deployments are resolved in one linear pass", () => {
    const pods: Pod[] = [];
    for (let d = 0; d < 1000; d++) {
      pods.push(workload("Deployment", `d${d}`));
      pods.push(workload("ReplicaSet", `d${d}-rs`, owned("Deployment", `d${d}`)));
      for (let i = 0; i < 10; i++) pods.push(pod(`d${d}-rs-${i}`, owned("ReplicaSet", `d${d}-rs`)));
    }
    const view = dryRunView(snapshot(...pods));
    expect(view.snapshot.pods).toHaveLength(10_000);
    expect(view.owners.get("ns/d7-rs-3")).toBe("ns/Deployment/d7");
  });
});
