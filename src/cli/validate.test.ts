import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import { at, parseSarif, parseValidation } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { sarifSchemaErrors } from "../../test/support/sarif-schema.js";
import { runCli } from "./main.js";

const good = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 8080}]
`;

describe("netguard validate", () => {
  it("passes a valid manifest (exit 0) and ignores other kinds", async () => {
    const io = memoryIo({ "np.yaml": `${good}---\napiVersion: v1\nkind: Service\nmetadata: {name: s}\n` });
    expect(await runCli(io, ["validate", "np.yaml"])).toBe(0);
    expect(io.stdout()).toBe("0 error(s), 0 warning(s) in 1 NetworkPolicy from 1 file(s)\n");
  });

  it("fails (exit 1) on what the API server rejects, naming file, line and field path", async () => {
    const bad = good
      .replace("ports: [{port: 8080}]", 'ports: [{port: "8080"}]')
      .replace("podSelector: {matchLabels: {app: api}}", "podselector: {}");
    const io = memoryIo({ "np.yaml": bad });
    expect(await runCli(io, ["validate", "--format", "json", "np.yaml"])).toBe(1);
    const out = parseValidation(io.stdout());
    expect(out.issues).toContainEqual(
      expect.objectContaining({
        file: "np.yaml",
        line: 5, // the line of the offending key, not the document's first line
        namespace: "shop",
        name: "api",
        path: "spec.podselector",
        code: "unknown-field",
        severity: "error",
      }),
    );
    expect(out.summary.errors).toBeGreaterThan(0);
  });

  it("reports duplicate keys and malformed documents with their lines, and keeps going", async () => {
    const io = memoryIo({
      "a.json":
        '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"x","name":"y"}}',
      "b.yaml": `${good}---\nkind: [\n`,
    });
    expect(await runCli(io, ["validate", "a.json", "b.yaml"])).toBe(1);
    expect(io.stdout()).toMatch(/^a\.json:1: error: .*(Map keys must be unique|[Dd]uplicate)/m);
    expect(io.stdout()).toMatch(/^b\.yaml:\d+: error: .*\[malformed-document\]$/m);
  });

  it("warnings pass unless --strict", async () => {
    const denyAll =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: x}\nspec: {podSelector: {}, policyTypes: [Egress]}\n";
    expect(await runCli(memoryIo({ "d.yaml": denyAll }), ["validate", "d.yaml"])).toBe(0);
    const io = memoryIo({ "d.yaml": denyAll });
    expect(await runCli(io, ["validate", "--strict", "d.yaml"])).toBe(1);
    expect(io.stdout()).toContain("[no-dns-egress]");
  });

  it("sarif: errors and warnings from awkward file names and stdin conform to the SARIF 2.1.0 schema", async () => {
    const denyAll =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: d, namespace: x}\nspec: {podSelector: {}, policyTypes: [Egress]}\n";
    const io = memoryIo(
      { "policies dir/#1 np.yaml": good.replace("port: 8080", 'port: "8080"'), "ü/d.yaml": denyAll },
      { stdin: `${good}---\nkind: [\n` },
    );
    expect(
      await runCli(io, ["validate", "--format", "sarif", "policies dir/#1 np.yaml", "ü/d.yaml", "-"]),
    ).toBe(1);
    const log = parseSarif(io.stdout());
    expect(sarifSchemaErrors(log)).toEqual([]);
    const uris = at(log.runs, 0).results?.map(
      (r) => r.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
    );
    expect(uris).toEqual(
      expect.arrayContaining(["policies%20dir/%231%20np.yaml", "%C3%BC/d.yaml", undefined]),
    );
  });

  it("--kube-version decides version-dependent checks; the default is the newest tracked release (1.37)", async () => {
    const hostBits = good.replace(
      "ports: [{port: 8080}]",
      "ports: [{port: 8080}]\n  - from: [{ipBlock: {cidr: 10.0.0.1/8}}]",
    );
    const run = async (...args: string[]) => {
      const io = memoryIo({ "np.yaml": hostBits });
      return { code: await runCli(io, ["validate", ...args, "np.yaml"]), out: io.stdout(), err: io.stderr() };
    };
    const newest = await run();
    expect(newest.code).toBe(1);
    expect(newest.out).toContain("[cidr-host-bits]");
    expect(newest.err).toBe("");
    const v135 = await run("--kube-version", "1.35");
    expect(v135.code).toBe(0);
    expect(v135.out).toContain("warning");
    const v132 = await run("--kube-version", "1.32");
    expect(v132.code).toBe(0);
    expect(v132.out).not.toContain("cidr");
    const future = await run("--kube-version", "1.40");
    expect(future.code).toBe(1);
    expect(future.err).toBe(
      "note: --kube-version 1.40 is newer than the newest release netguard tracks (1.37); its validation rules are assumed unchanged\n",
    );
  });

  it("reports YAML nested too deeply to parse as an error (exit 1) and still validates the rest", async () => {
    const io = memoryIo({
      "np.yaml": `${"- ".repeat(5000)}a\n---\n${good}`,
      "deep.yaml": `a: ${"[".repeat(5000)}\n`,
    });
    expect(await runCli(io, ["validate", "np.yaml", "deep.yaml"])).toBe(1);
    expect(io.stdout()).toContain(
      "np.yaml:1: error: nested more than 500 levels deep; not parsed [malformed-document]",
    );
    expect(io.stdout()).toContain(
      "deep.yaml:1: error: nested more than 500 levels deep; not parsed [malformed-document]",
    );
    expect(io.stdout()).toMatch(/2 error\(s\), 0 warning\(s\) in 1 NetworkPolicy from/);
  });

  it("exits 2 on usage and I/O problems", async () => {
    expect(await runCli(memoryIo({}), ["validate", "missing.yaml"])).toBe(2);
    expect(await runCli(memoryIo({ "np.yaml": good }), ["validate", "--format", "xml", "np.yaml"])).toBe(2);
    expect(
      await runCli(memoryIo({ "np.yaml": good }), ["validate", "--kube-version", "banana", "np.yaml"]),
    ).toBe(2);
  });

  it("never crashes on random text or random mutations of a valid policy", async () => {
    const mutation = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      fc
        .tuple(fc.nat({ max: good.length - 1 }), fc.nat({ max: 20 }), fc.string({ maxLength: 10 }))
        .map(([at, del, ins]) => good.slice(0, at) + ins + good.slice(at + del)),
    );
    await fc.assert(
      fc.asyncProperty(mutation, async (text) => {
        for (const format of ["text", "json", "sarif", "github"]) {
          const io = memoryIo({ "in.yaml": text });
          const code = await runCli(io, ["validate", "--format", format, "in.yaml"]);
          expect([0, 1]).toContain(code);
          if (format === "json") expect(() => parseValidation(io.stdout())).not.toThrow();
          if (format === "sarif") expect(sarifSchemaErrors(parseSarif(io.stdout()))).toEqual([]);
        }
        // exit 2 (issue 12) when the node or the endpoints named are not in the input, as here
        for (const [cmd, codes] of [
          [
            ["simulate", "-f", "json"],
            [0, 1],
          ],
          [
            ["compile", "--node", "n1"],
            [0, 1, 2],
          ],
          [
            ["explain", "--from", "a/b", "--to", "c/d", "--port", "80"],
            [0, 1, 2],
          ],
        ] as const) {
          const io = memoryIo({ "in.yaml": text });
          expect(codes).toContain(await runCli(io, [...cmd, "in.yaml"]));
        }
      }),
      { numRuns: numRuns(150) },
    );
  });
});

describe("netguard validate: positions and long values (issue 12)", () => {
  const flat = (io: ReturnType<typeof memoryIo>) => parseValidation(io.stdout()).issues;

  it("reports an error at the line of the offending key, not the document's start", async () => {
    const t = [
      "# policies", // 1
      "---", // 2
      "apiVersion: networking.k8s.io/v1", // 3
      "kind: NetworkPolicy", // 4
      "metadata:", // 5
      "  name: api", // 6
      "  namespace: shop", // 7
      "spec:", // 8
      "  podSelector: {}", // 9
      "  ingress:", // 10
      "  - ports:", // 11
      "    - port: 70000", // 12
      "",
    ].join("\n");
    const io = memoryIo({ "np.yaml": t });
    expect(await runCli(io, ["validate", "--format", "json", "np.yaml"])).toBe(1);
    expect(flat(io)).toContainEqual(
      expect.objectContaining({ line: 12, path: "spec.ingress[0].ports[0].port", severity: "error" }),
    );
  });

  it("reports a duplicate port inside ports at its full field path and line", async () => {
    const t = `${good}    - port: 80\n      port: 81\n`.replace("ports: [{port: 8080}]", "ports:");
    const io = memoryIo({ "np.yaml": t });
    expect(await runCli(io, ["validate", "np.yaml"])).toBe(1);
    expect(io.stdout()).toMatch(
      /^np\.yaml:10: error: NetworkPolicy shop\/api: spec\.ingress\[0\]\.ports\[0\]\.port: duplicate key "port".*\[duplicate-key\]$/m,
    );
  });

  it("reports an unclosed quote at the end of the file at its line", async () => {
    const io = memoryIo({ "np.yaml": `${good}  podSelector: "x\n` });
    expect(await runCli(io, ["validate", "np.yaml"])).toBe(1);
    expect(io.stdout()).toMatch(/^np\.yaml:9: error: Missing closing "quote.*\[malformed-document\]$/m);
  });

  it("echoes at most ~80 characters of a 2 MB label value, then its length", async () => {
    const huge = "a".repeat(2 * 1024 * 1024);
    const t = good.replace(
      "metadata: {name: api, namespace: shop}",
      `metadata: {name: api, namespace: shop, labels: {app: ${huge}}}`,
    );
    for (const format of ["text", "json"]) {
      const io = memoryIo({ "np.yaml": t });
      expect(await runCli(io, ["validate", "--format", format, "np.yaml"])).toBe(1);
      expect(io.stdout().length).toBeLessThan(1000);
    }
    const io = memoryIo({ "np.yaml": t });
    await runCli(io, ["validate", "--format", "json", "np.yaml"]);
    const messages = flat(io).map((i) => String(i.message));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m.length).toBeLessThan(300);
    expect(messages.some((m) => m.includes("2097152"))).toBe(true);
  });
});

describe("netguard validate never passes input it did not understand", () => {
  it("a policy under a misspelt kind is an error with a did-you-mean, not 0 policies and exit 0", async () => {
    const io = memoryIo({ "p.yaml": good.replace("kind: NetworkPolicy", "kind: NetworkPolicies") });
    expect(await runCli(io, ["validate", "p.yaml"])).toBe(1);
    expect(io.stdout()).toMatch(/^p\.yaml:2: error: .*did you mean `NetworkPolicy`.*\[unknown-kind\]$/m);
  });

  it("an AdminNetworkPolicy (v1alpha1) is an error, not passed unchecked: ClusterNetworkPolicy replaced it", async () => {
    const anp =
      "apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: deny}\n" +
      "spec: {priority: 1, subject: {namespaces: {}}}\n";
    const io = memoryIo({ "p.yaml": good, "anp.yaml": anp });
    expect(await runCli(io, ["validate", "p.yaml", "anp.yaml"])).toBe(1);
    expect(io.stdout()).toMatch(
      /^anp\.yaml:2: error: .*replaced by ClusterNetworkPolicy.*\[policy-kind-not-evaluated\]$/m,
    );
  });

  it("an empty file is an error: nothing was validated", async () => {
    const io = memoryIo({ "empty.yaml": "" });
    expect(await runCli(io, ["validate", "empty.yaml"])).toBe(1);
    expect(io.stdout()).toContain("nothing was validated [empty-input]");
  });

  it("manifests without a NetworkPolicy warn (and fail with --strict)", async () => {
    const pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n";
    const io = memoryIo({ "pod.yaml": pod });
    expect(await runCli(io, ["validate", "pod.yaml"])).toBe(0);
    expect(io.stdout()).toContain("[no-network-policy]");
    expect(await runCli(memoryIo({ "pod.yaml": pod }), ["validate", "--strict", "pod.yaml"])).toBe(1);
  });
});
