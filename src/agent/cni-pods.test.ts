import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { CniAddRequest, CniReply } from "../cni/protocol.js";
import { compile } from "../compile/compile.js";
import type { NodeRules } from "../compile/ir.js";
import { refOf } from "../k8s/model.js";
import type { KubeReader, RawList } from "../api-client/raw-api.js";
import { namespace, node, policy } from "../../test/support/objects.js";
import { CniPods } from "./cni-pods.js";
import type { CniStateFile } from "./cni-state.js";
import { ClusterStore } from "./store.js";

const podJson = (name: string, uid: string, rv = "10") => ({
  metadata: { name, namespace: "x", uid, resourceVersion: rv, labels: { app: name } },
  spec: { nodeName: "n1", containers: [{ name: "c" }] },
  status: { phase: "Pending" },
});
const addReq = (containerId: string, name = "web", ip = "10.1.0.5", more: Partial<CniAddRequest> = {}) => ({
  containerId,
  namespace: "x",
  name,
  ips: [ip],
  hostVeth: `v${containerId}`,
  ...more,
});

/** A reader answering from maps; `gate` holds the next call until released. */
class FakeReader implements KubeReader {
  pods = new Map<string, unknown>();
  policies: unknown[] = [];
  gate: Promise<void> | undefined;
  async get(path: string): Promise<unknown> {
    await this.gate;
    return this.pods.get(path.split("/").pop() ?? "");
  }
  async list(): Promise<RawList> {
    await this.gate;
    return { items: this.policies, resourceVersion: "1" };
  }
}

/** A state file in memory; `gate` holds writes until released, `fail` makes them reject. */
interface MemoryFile extends CniStateFile {
  text?: string;
  gate?: Promise<void>;
  /** When set, each write waits for its own release, pushed here as it starts. */
  held?: Array<() => void>;
  fail?: string;
  writes: string[];
}

function memoryFile(): MemoryFile {
  const f: MemoryFile = {
    path: "memory",
    writes: [],
    read: () => Promise.resolve(f.text),
    write: async (t) => {
      await f.gate;
      await new Promise<void>((r) => (f.held ? f.held.push(r) : r()));
      if (f.fail) throw new Error(f.fail);
      f.writes.push(t);
      f.text = t;
    },
  };
  return f;
}

function setup(file = memoryFile(), clock = { t: 1_000_000 }) {
  const store = new ClusterStore();
  store.upsert("Namespace", namespace("x"));
  store.upsert("Node", node("n1", "192.168.0.1", ["10.1.0.0/24"]));
  const reader = new FakeReader();
  let applied: NodeRules | undefined;
  let synced = true;
  const syncs: string[] = [];
  const logged: string[] = [];
  const pods: CniPods = new CniPods({
    reader,
    store,
    nodeName: "n1",
    state: file,
    log: pino({ level: "warn" }, { write: (s: string) => void logged.push(s) }),
    hooks: {
      ready: () => synced,
      notReady: () => undefined,
      syncNow: () => {
        syncs.push(`now, file ${file.text === undefined ? "empty" : "written"}`);
        applied = compile(pods.view(store.snapshot()).snapshot, "n1");
        return Promise.resolve({ kind: "full", commands: 1, scriptBytes: 1 });
      },
      syncSoon: () => void syncs.push("soon"),
      applied: () => applied,
    },
    now: () => clock.t,
  });
  return { store, reader, pods, file, clock, syncs, logged, setSynced: (v: boolean) => (synced = v) };
}
/** The error of a refusal ("accepted" when the reply is not one). */
const errorOf = (r: CniReply): string => (r.ok ? "accepted" : r.error);
const ids = (p: CniPods) => p.registry.list().map((r) => r.containerId);

describe("CniPods: a registration exists only for a live sandbox", () => {
  it("an ADD registers, applies and confirms the sandbox", async () => {
    const { pods, reader } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    expect(await pods.cniAdd(addReq("c1"))).toEqual({ ok: true });
    expect(await pods.cniCheck({ containerId: "c1" })).toEqual({ ok: true });
  });

  it("the newest ADD of a pod replaces its older registration (a DEL lost while the agent was down)", async () => {
    const { pods, reader } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    await pods.cniAdd(addReq("zzz", "web", "10.1.0.5"));
    expect(await pods.cniAdd(addReq("aaa", "web", "10.1.0.9"))).toEqual({ ok: true });
    expect(ids(pods)).toEqual(["aaa"]);
    expect(await pods.cniCheck({ containerId: "zzz" })).toMatchObject({ ok: false });
  });

  it("a DEL that arrives while the ADD is still in flight leaves nothing registered", async () => {
    const { pods, reader } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    let release = () => undefined as void;
    reader.gate = new Promise<void>((r) => (release = r));
    const pending = pods.cniAdd(addReq("c1"));
    await pods.cniDel({ containerId: "c1" });
    release();
    expect(errorOf(await pending)).toMatch(/deleted during its ADD/);
    expect(ids(pods)).toEqual([]);
  });

  it("an ADD whose plugin stopped waiting (timed out) leaves nothing registered", async () => {
    const { pods, reader } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    const hungUp = new AbortController();
    let release = () => undefined as void;
    reader.gate = new Promise<void>((r) => (release = r));
    const pending = pods.cniAdd(addReq("c1"), hungUp.signal);
    hungUp.abort();
    release();
    expect(await pending).toMatchObject({ ok: false });
    expect(ids(pods)).toEqual([]);
  });

  it("a sandbox of a pod since re-created under another UID is refused", async () => {
    const { pods, reader } = setup();
    reader.pods.set("web-0", podJson("web-0", "new-uid"));
    const r = await pods.cniAdd(addReq("c1", "web-0", "10.1.0.5", { podUid: "old-uid" }));
    expect(errorOf(r)).toMatch(/uid new-uid, not the sandbox's old-uid/);
    expect(ids(pods)).toEqual([]);
  });

  it("GC forgets sandboxes the runtime no longer lists, but not an ADD still in flight", async () => {
    const { pods, reader } = setup();
    for (const n of ["a", "b", "c"]) reader.pods.set(n, podJson(n, `u-${n}`));
    await pods.cniAdd(addReq("ca", "a", "10.1.0.5"));
    await pods.cniAdd(addReq("cb", "b", "10.1.0.6"));
    let release = () => undefined as void;
    reader.gate = new Promise<void>((r) => (release = r));
    const pending = pods.cniAdd(addReq("cc", "c", "10.1.0.7"));
    expect(await pods.cniGc({ validContainerIds: ["ca"] })).toEqual({ ok: true });
    release();
    expect(await pending).toEqual({ ok: true });
    expect(ids(pods)).toEqual(["ca", "cc"]);
  });

  it("prune waits for the informers' lists, then drops sandboxes whose pod is gone", async () => {
    const { pods, reader, store, clock, setSynced } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    await pods.cniAdd(addReq("c1"));
    store.remove("Pod", "x", "web", "20");
    clock.t += 120_000;
    setSynced(false);
    expect(pods.prune(store.snapshot().pods)).toEqual([]);
    setSynced(true);
    expect(pods.prune(store.snapshot().pods).map((p) => p.containerId)).toEqual(["c1"]);
    expect(ids(pods)).toEqual([]);
  });

  it("registrations and their arrival order survive a restart (the state file)", async () => {
    const first = setup();
    first.reader.pods.set("web", podJson("web", "u1"));
    await first.pods.cniAdd(addReq("zzz"));
    const second = setup(first.file);
    await second.pods.load();
    expect(ids(second.pods)).toEqual(["zzz"]);
    second.reader.pods.set("web", podJson("web", "u1"));
    await second.pods.cniAdd(addReq("aaa", "web", "10.1.0.9"));
    expect(second.pods.registry.get("aaa")?.seq).toBe(2);
    expect(ids(second.pods)).toEqual(["aaa"]);
  });
});

describe("CniPods: the state file is written asynchronously, in order", () => {
  it("an ADD is applied and confirmed only after its registration is on disk", async () => {
    const { pods, reader, file, syncs } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    let release = () => undefined as void;
    file.gate = new Promise<void>((r) => (release = r));
    const pending = pods.cniAdd(addReq("c1"));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(syncs).toEqual([]);
    release();
    expect(await pending).toEqual({ ok: true });
    expect(syncs).toEqual(["now, file written"]);
  });

  it("writes keep their order whatever order the disk would finish them in; saved() waits for the last", async () => {
    const { pods, reader, file } = setup();
    for (const n of ["a", "b"]) reader.pods.set(n, podJson(n, `u-${n}`));
    await pods.cniAdd(addReq("ca", "a", "10.1.0.5"));
    await pods.cniAdd(addReq("cb", "b", "10.1.0.6"));
    const held: Array<() => void> = (file.held = []);
    const replies = Promise.all([pods.cniDel({ containerId: "ca" }), pods.cniDel({ containerId: "cb" })]);
    let saved = false;
    void pods.saved().then(() => (saved = true));
    for (let i = 0; i < 20; i++) await Promise.resolve();
    expect(saved).toBe(false);
    for (let k = 0; k < 10 && !saved; k++) {
      held.pop()?.(); // the newest write started is released first
      for (let i = 0; i < 20; i++) await Promise.resolve();
    }
    expect(saved).toBe(true);
    await replies;
    const sizes = file.writes.map((t) => (JSON.parse(t) as { pods: unknown[] }).pods.length);
    expect(sizes).toEqual([1, 2, 1, 0]);
    expect(file.text).toBe(file.writes.at(-1));
  });

  it("a DEL and a GC reply only once the state file no longer holds their sandboxes", async () => {
    const { pods, reader, file } = setup();
    for (const n of ["a", "b"]) reader.pods.set(n, podJson(n, `u-${n}`));
    await pods.cniAdd(addReq("ca", "a", "10.1.0.5"));
    await pods.cniAdd(addReq("cb", "b", "10.1.0.6"));
    const onDisk = () => (JSON.parse(file.text ?? "{}") as { pods: Array<{ containerId: string }> }).pods;
    for (const [op, left] of [
      [() => pods.cniDel({ containerId: "ca" }), ["cb"]],
      [() => pods.cniGc({ validContainerIds: [] }), []],
    ] as const) {
      let release = () => undefined as void;
      file.gate = new Promise<void>((r) => (release = r));
      let replied = false;
      const reply = op().then((r) => ((replied = true), r));
      for (let i = 0; i < 20; i++) await Promise.resolve();
      expect(replied).toBe(false);
      release();
      expect(await reply).toEqual({ ok: true });
      expect(onDisk().map((p) => p.containerId)).toEqual(left);
    }
  });

  it("a failed write is logged and the ADD still succeeds; an unreadable file starts empty", async () => {
    const { pods, reader, file, logged } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    file.fail = "EROFS: read-only file system";
    expect(await pods.cniAdd(addReq("c1"))).toEqual({ ok: true });
    expect(ids(pods)).toEqual(["c1"]);
    expect(logged.join("")).toMatch(/EROFS: read-only file system.*cannot save CNI registrations/);
    file.text = "{ not json";
    const other = setup(file);
    await other.pods.load();
    expect(ids(other.pods)).toEqual([]);
    expect(other.logged.join("")).toMatch(/ignoring unreadable CNI state/);
  });
});

describe("CniPods: an ADD's reads never undo what the informer has seen", () => {
  it("a policy deleted while the ADD re-listed the namespace is not resurrected", async () => {
    const { pods, reader, store } = setup();
    reader.pods.set("web", podJson("web", "u1"));
    const deny = {
      ...policy("x", "deny", { podSelector: {} }),
      metadata: { name: "deny", namespace: "x", resourceVersion: "5" },
    };
    store.upsert("NetworkPolicy", deny);
    reader.policies = [deny]; // the list was answered before the deletion reached the informer
    let release = () => undefined as void;
    reader.gate = new Promise<void>((r) => (release = r));
    const pending = pods.cniAdd(addReq("c1"));
    store.remove("NetworkPolicy", "x", "deny", "7");
    release();
    await pending;
    expect(store.snapshot().policies.map(refOf)).toEqual([]);
  });

  it("a fetched pod older than the informer's version does not replace it", async () => {
    const { pods, reader, store } = setup();
    store.upsert("Pod", {
      ...podJson("web", "u1", "12"),
      metadata: { ...podJson("web", "u1", "12").metadata, labels: { v: "new" } },
    });
    reader.pods.set("web", {
      ...podJson("web", "u1", "11"),
      metadata: { ...podJson("web", "u1", "11").metadata, labels: { v: "old" } },
    });
    await pods.cniAdd(addReq("c1"));
    expect(store.snapshot().pods[0]?.labels).toEqual({ v: "new" });
  });
});
