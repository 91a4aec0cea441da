import { describe, expect, it } from "vitest";
import { parseJson } from "../../test/support/json.js";
import type { CniError } from "./errors.js";
import type { CniReply } from "./protocol.js";
import { runPlugin } from "./plugin.js";

/** A bridge-plugin style result, as Flannel's delegate returns it (CNI 0.3.1). */
const prevResult = {
  cniVersion: "0.3.1",
  interfaces: [
    { name: "cni0", mac: "aa:aa:aa:aa:aa:01" },
    { name: "veth1234abcd", mac: "aa:aa:aa:aa:aa:02" },
    { name: "eth0", mac: "aa:aa:aa:aa:aa:03", sandbox: "/var/run/netns/pod" },
  ],
  ips: [
    { version: "4", address: "10.244.0.5/24", gateway: "10.244.0.1", interface: 2 },
    { version: "6", address: "fd00:10:244::5/64", gateway: "fd00:10:244::1", interface: 2 },
  ],
  routes: [{ dst: "0.0.0.0/0" }],
  dns: {},
};

const conf = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    cniVersion: "0.3.1",
    name: "cbr0",
    type: "netguard",
    agentSocket: "/run/test.sock",
    prevResult,
    ...extra,
  });

function harness(reply: CniReply, env: Record<string, string> = {}) {
  const calls: Array<{ path: string; body: unknown }> = [];
  const logs: string[] = [];
  return {
    calls,
    logs,
    run: (command: string, stdin = conf()) =>
      runPlugin({
        env: {
          CNI_COMMAND: command,
          CNI_CONTAINERID: "c1",
          CNI_ARGS: "IgnoreUnknown=1;K8S_POD_NAMESPACE=x;K8S_POD_NAME=web",
          ...env,
        },
        stdin,
        call(_socket, _method, path, body) {
          calls.push({ path, body });
          return Promise.resolve(reply);
        },
        log: (_f, line) => logs.push(line),
      }),
  };
}

describe("netguard CNI plugin", () => {
  it("ADD tells the agent the pod's IPs and host veth, then passes prevResult through unchanged", async () => {
    const h = harness({ ok: true });
    const r = await h.run("ADD");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ ...prevResult, cniVersion: "0.3.1" });
    expect(h.calls).toEqual([
      {
        path: "/v1/add",
        body: {
          containerId: "c1",
          namespace: "x",
          name: "web",
          ips: ["10.244.0.5", "fd00:10:244::5"],
          hostVeth: "veth1234abcd",
        },
      },
    ]);
  });

  it("ADD fails with 'try again later' when the agent cannot program the pod, unless failOpen", async () => {
    const h = harness({ ok: false, error: "agent at /run/test.sock: connect ENOENT", retry: true });
    const r = await h.run("ADD");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      cniVersion: "0.3.1",
      code: 11,
      msg: "netguard could not program pod x/web",
      details: "agent at /run/test.sock: connect ENOENT",
    });
    expect(h.logs[0]).toContain('"code":1');
    const open = await h.run("ADD", conf({ failOpen: true }));
    expect(open.code).toBe(0);
  });

  it("ADD without prevResult is a configuration error", async () => {
    const r = await harness({ ok: true }).run(
      "ADD",
      JSON.stringify({ cniVersion: "1.0.0", name: "n", type: "netguard" }),
    );
    const error = parseJson<CniError>(r.stdout);
    expect(error.code).toBe(7);
    expect(error.msg).toMatch(/prevResult is missing/);
  });

  it("ADD without the pod's name in CNI_ARGS is an environment error", async () => {
    const r = await harness({ ok: true }, { CNI_ARGS: "IgnoreUnknown=1" }).run("ADD");
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 4 });
  });

  it("DEL succeeds even when the agent is down", async () => {
    const h = harness({ ok: false, error: "down", retry: true });
    expect(await h.run("DEL")).toEqual({ stdout: "", code: 0 });
    expect(h.calls[0]?.path).toBe("/v1/del");
  });

  it("CHECK reports a pod the agent has not programmed", async () => {
    expect((await harness({ ok: true }).run("CHECK")).code).toBe(0);
    const r = await harness({ ok: false, error: "sandbox c1 is not programmed" }).run("CHECK");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 100, details: "sandbox c1 is not programmed" });
  });

  it("VERSION lists the supported versions; an unsupported version is refused", async () => {
    const v = await harness({ ok: true }).run("VERSION", JSON.stringify({ cniVersion: "1.0.0" }));
    expect(JSON.parse(v.stdout)).toEqual({
      cniVersion: "1.0.0",
      supportedVersions: ["0.3.0", "0.3.1", "0.4.0", "1.0.0", "1.1.0"],
    });
    const bad = await harness({ ok: true }).run("ADD", conf({ cniVersion: "0.2.0" }));
    expect(JSON.parse(bad.stdout)).toMatchObject({ code: 1 });
  });

  it("STATUS reports an agent that is not ready as plugin not available", async () => {
    const r = await harness({ ok: false, error: "still listing", retry: true }).run("STATUS");
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 50 });
  });

  it("ADD forwards the pod's UID from CNI_ARGS (K8S_POD_UID)", async () => {
    const h = harness(
      { ok: true },
      { CNI_ARGS: "IgnoreUnknown=1;K8S_POD_NAMESPACE=x;K8S_POD_NAME=web;K8S_POD_UID=1234-abcd" },
    );
    expect((await h.run("ADD")).code).toBe(0);
    expect(h.calls[0]?.body).toMatchObject({ podUid: "1234-abcd" });
  });

  it("GC forwards the runtime's valid attachments to the agent and prints nothing on success", async () => {
    const h = harness({ ok: true });
    const stdin = JSON.stringify({
      cniVersion: "1.1.0",
      name: "cbr0",
      type: "netguard",
      "cni.dev/valid-attachments": [
        { containerID: "c2", ifname: "eth0" },
        { containerID: "c1", ifname: "eth0" },
        { containerID: "c1", ifname: "net1" },
      ],
    });
    expect(await h.run("GC", stdin)).toEqual({ stdout: "", code: 0 });
    expect(h.calls).toEqual([{ path: "/v1/gc", body: { validContainerIds: ["c1", "c2"] } }]);
    // The spec's earlier key name is read too; an empty list is a list (everything is stale).
    const h2 = harness({ ok: true });
    const early = JSON.stringify({ cniVersion: "1.1.0", name: "n", "cni.dev/attachments": [] });
    expect((await h2.run("GC", early)).code).toBe(0);
    expect(h2.calls[0]?.body).toEqual({ validContainerIds: [] });
  });

  it("GC without a valid-attachments list, or with a malformed entry, collects nothing and fails", async () => {
    const h = harness({ ok: true });
    const none = await h.run("GC", JSON.stringify({ cniVersion: "1.1.0", name: "n" }));
    expect(JSON.parse(none.stdout)).toMatchObject({ code: 6 });
    const bad = await h.run(
      "GC",
      JSON.stringify({ cniVersion: "1.1.0", name: "n", "cni.dev/valid-attachments": [{ ifname: "eth0" }] }),
    );
    const error = parseJson<CniError>(bad.stdout);
    expect(error.code).toBe(6);
    expect(error.msg).toMatch(/\[0\]\.containerID/);
    expect(h.calls).toEqual([]);
  });

  it("GC reports an agent that could not collect", async () => {
    const r = await harness({ ok: false, error: "down", retry: true }).run(
      "GC",
      JSON.stringify({ cniVersion: "1.1.0", name: "n", "cni.dev/valid-attachments": [] }),
    );
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ code: 11, details: "down" });
  });
});
