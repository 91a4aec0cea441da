import { describe, expect, it } from "vitest";
import { installNetguard, type NetguardEntry, uninstallNetguard } from "./conflist.js";

/** Flannel's shipped configuration (kube-flannel.yml, `cni-conf.json`, installed as 10-flannel.conflist). */
const FLANNEL = `{
  "name": "cbr0",
  "cniVersion": "0.3.1",
  "plugins": [
    {
      "type": "flannel",
      "delegate": {
        "hairpinMode": true,
        "isDefaultGateway": true
      }
    },
    {
      "type": "portmap",
      "capabilities": {
        "portMappings": true
      }
    }
  ]
}
`;

/** Extra fields at every level, extra plugins, keys in an unusual order, compact formatting. */
const VARIANT = JSON.stringify({
  cniVersion: "1.0.0",
  name: "cbr0",
  disableCheck: true,
  plugins: [
    { type: "flannel", delegate: { hairpinMode: true, isDefaultGateway: true, mtu: 1450 }, subnetFile: "/x" },
    { type: "tuning", sysctl: { "net.core.somaxconn": "500" } },
    { type: "bandwidth", capabilities: { bandwidth: true }, ingressRate: 123456, ingressBurst: 100 },
    { capabilities: { portMappings: true }, type: "portmap", snat: true },
  ],
  "x-comment": "kept",
});

const ENTRY: NetguardEntry = {
  type: "netguard",
  agentSocket: "/run/netguard/cni.sock",
  timeoutMs: 10000,
  failOpen: false,
  logFile: "/var/log/netguard-cni.log",
};
const OTHER_ENTRY: NetguardEntry = { ...ENTRY, timeoutMs: 5000 };

function ok(r: ReturnType<typeof installNetguard>) {
  if ("error" in r) throw new Error(`unexpected error: ${r.error}`);
  return r;
}

const parse = (text: string) => JSON.parse(text) as { plugins: { type: string }[] } & Record<string, unknown>;

describe("installNetguard", () => {
  it.each([
    ["Flannel's shipped conflist", FLANNEL, ["flannel", "portmap", "netguard"]],
    [
      "a variant with extra fields and plugins",
      VARIANT,
      ["flannel", "tuning", "bandwidth", "portmap", "netguard"],
    ],
  ])("chains netguard last in %s and keeps everything else as it was", (_name, text, types) => {
    const r = ok(installNetguard(text, ENTRY));
    expect(r.changed).toBe(true);
    expect(r.warnings).toEqual([]);
    const before = parse(text);
    const after = parse(r.text);
    expect(after.plugins.map((p) => p.type)).toEqual(types);
    expect(after.plugins.slice(0, -1)).toEqual(before.plugins);
    expect(after.plugins.at(-1)).toEqual(ENTRY);
    // Same keys in the same order, same values (plugins aside), at the top level and in every plugin.
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(JSON.stringify(after.plugins.slice(0, -1))).toBe(JSON.stringify(before.plugins));
    expect({ ...after, plugins: [] }).toEqual({ ...before, plugins: [] });
  });

  it("writes 2-space JSON with a trailing newline", () => {
    const r = ok(installNetguard(VARIANT, ENTRY));
    expect(r.text.endsWith("}\n")).toBe(true);
    expect(r.text).toBe(`${JSON.stringify(JSON.parse(r.text), null, 2)}\n`);
  });

  it("changes nothing when the same entry is already installed", () => {
    const once = ok(installNetguard(FLANNEL, ENTRY));
    const twice = ok(installNetguard(once.text, ENTRY));
    expect(twice).toEqual({ text: once.text, changed: false, warnings: [] });
  });

  it("replaces a different netguard entry in place, not at the end", () => {
    const withOld = JSON.stringify({
      ...parse(VARIANT),
      plugins: [...parse(VARIANT).plugins.slice(0, 2), OTHER_ENTRY, ...parse(VARIANT).plugins.slice(2)],
    });
    const r = ok(installNetguard(withOld, ENTRY));
    expect(r.changed).toBe(true);
    expect(parse(r.text).plugins.map((p) => p.type)).toEqual([
      "flannel",
      "tuning",
      "netguard",
      "bandwidth",
      "portmap",
    ]);
    expect(parse(r.text).plugins[2]).toEqual(ENTRY);
  });

  it("keeps the first of two netguard entries, drops the second, and says so", () => {
    const twice = JSON.stringify({
      ...parse(FLANNEL),
      plugins: [...parse(FLANNEL).plugins, ENTRY, OTHER_ENTRY],
    });
    const r = ok(installNetguard(twice, ENTRY));
    expect(r.changed).toBe(true);
    expect(parse(r.text).plugins).toEqual([...parse(FLANNEL).plugins, ENTRY]);
    expect(r.warnings).toEqual([
      "plugins[3]: duplicate netguard plugins removed; the one at plugins[2] is kept",
    ]);
  });

  it("warns when an installed netguard entry is first, where it gets no prevResult", () => {
    const first = JSON.stringify({ ...parse(FLANNEL), plugins: [ENTRY, ...parse(FLANNEL).plugins] });
    const r = ok(installNetguard(first, ENTRY));
    expect(r.changed).toBe(false);
    expect(r.warnings.join("\n")).toContain("plugins[0]: netguard runs before every other plugin");
  });

  it("installs without a flannel plugin, with a warning", () => {
    const bridge = JSON.stringify({ cniVersion: "1.0.0", name: "n", plugins: [{ type: "bridge" }] });
    const r = ok(installNetguard(bridge, ENTRY));
    expect(parse(r.text).plugins.map((p) => p.type)).toEqual(["bridge", "netguard"]);
    expect(r.warnings).toEqual([
      'plugins: no "flannel" plugin (found "bridge"); netguard is made for Flannel\'s pod network, chained anyway',
    ]);
  });

  it("warns when rewriting loses the original's spelling (duplicate keys, numbers, escapes)", () => {
    const odd = '{"name":"a","name":"b","cniVersion":"0.3.1","plugins":[{"type":"flannel","mtu":1.0}]}';
    const r = ok(installNetguard(odd, ENTRY));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain("normalised JSON");
  });

  it.each([
    [
      "malformed JSON",
      '{\n  "plugins": [\n    {"type": "flannel"},\n  ]\n}',
      /^malformed JSON at line 4, column 3: Unexpected token ']'$/,
    ],
    [
      "a missing colon",
      '{\n  "name" "cbr0"\n}',
      /^malformed JSON at line 2, column 10: Expected ':' after property name$/,
    ],
    ["an empty file", "", /^malformed JSON at line 1, column 1: Unexpected end of JSON input$/],
    ["a top-level array", "[]", /^top level: expected a JSON object, found an array$/],
    ["a missing plugins list", '{"name": "cbr0", "cniVersion": "0.3.1"}', /^plugins: missing; /],
    [
      "plugins that is not an array",
      '{"plugins": {"type": "flannel"}}',
      /^plugins: expected an array, found an object$/,
    ],
    ["an empty plugins list", '{"plugins": []}', /^plugins: empty; /],
    [
      "a plugin that is not an object",
      '{"plugins": [{"type": "flannel"}, "portmap"]}',
      /^plugins\[1\]: expected an object, found string "portmap"$/,
    ],
    [
      "a plugin without a type",
      '{"plugins": [{"type": "flannel"}, {"capabilities": {}}]}',
      /^plugins\[1\]\.type: expected a non-empty string, found nothing$/,
    ],
    [
      "a single-plugin .conf",
      '{"cniVersion": "0.3.1", "name": "cbr0", "type": "flannel", "delegate": {}}',
      /^top level: this is a single-plugin network configuration \(type "flannel", no "plugins"\); .*\.conflist/,
    ],
  ])("refuses %s with the path of the problem", (_name, text, message) => {
    const r = installNetguard(text, ENTRY);
    expect("error" in r && r.error).toMatch(message);
  });

  it("refuses an entry whose type is not netguard", () => {
    expect(installNetguard(FLANNEL, { type: "bandwidth" })).toEqual({
      error: 'entry.type: expected "netguard", found "bandwidth"',
    });
  });
});

describe("uninstallNetguard", () => {
  it.each([
    ["Flannel's shipped conflist", FLANNEL],
    ["a variant with extra fields and plugins", VARIANT],
  ])("restores the original plugins list exactly after an install (%s)", (_name, text) => {
    const installed = ok(installNetguard(text, ENTRY));
    const removed = ok(uninstallNetguard(installed.text));
    expect(removed.changed).toBe(true);
    expect(JSON.stringify(parse(removed.text))).toBe(JSON.stringify(parse(text)));
  });

  it("gives back Flannel's file byte for byte", () => {
    expect(ok(uninstallNetguard(ok(installNetguard(FLANNEL, ENTRY)).text)).text).toBe(FLANNEL);
  });

  it("removes every netguard entry, wherever it is", () => {
    const messy = JSON.stringify({
      ...parse(FLANNEL),
      plugins: [ENTRY, ...parse(FLANNEL).plugins, OTHER_ENTRY],
    });
    expect(parse(ok(uninstallNetguard(messy)).text).plugins).toEqual(parse(FLANNEL).plugins);
  });

  it("is idempotent: a list without netguard is unchanged", () => {
    expect(uninstallNetguard(FLANNEL)).toEqual({ text: FLANNEL, changed: false, warnings: [] });
  });

  it("refuses what install refuses", () => {
    expect(uninstallNetguard("{")).toEqual({
      error: expect.stringMatching(
        /^malformed JSON at line 1, column 2: Expected property name or '}'$/,
      ) as unknown,
    });
  });
});
