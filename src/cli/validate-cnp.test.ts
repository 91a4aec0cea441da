import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns } from "../../test/gen/cluster.js";
import { at, parseSarif, parseValidation } from "../../test/support/json.js";
import { memoryIo } from "../../test/support/memory-io.js";
import { sarifSchemaErrors } from "../../test/support/sarif-schema.js";
import { runCli } from "./main.js";

/** A valid Admin policy; line numbers are in the comments. */
const cnp = [
  "apiVersion: policy.networking.k8s.io/v1alpha2", // 1
  "kind: ClusterNetworkPolicy", // 2
  "metadata: {name: deny-metadata}", // 3
  "spec:", // 4
  "  tier: Admin", // 5
  "  priority: 10", // 6
  "  subject: {namespaces: {}}", // 7
  "  egress:", // 8
  "  - name: no-metadata", // 9
  "    action: Deny", // 10
  "    to: [{networks: [169.254.169.254/32]}]", // 11
  "    protocols:", // 12
  "    - tcp: {destinationPort: {number: 80}}", // 13
  "",
].join("\n");

const run = async (files: Record<string, string>, args: string[], stdin?: string) => {
  const io = memoryIo(files, stdin === undefined ? {} : { stdin });
  const code = await runCli(io, ["validate", ...args]);
  return { code, out: io.stdout(), err: io.stderr() };
};

const json = async (files: Record<string, string>, args: string[], stdin?: string) => {
  const r = await run(files, ["--format", "json", ...args], stdin);
  return { code: r.code, doc: parseValidation(r.out) };
};

describe("netguard validate: ClusterNetworkPolicies are validated objects", () => {
  it("passes a valid ClusterNetworkPolicy (exit 0) and counts it, with no 'no NetworkPolicy' warning", async () => {
    const r = await run({ "cnp.yaml": cnp }, ["cnp.yaml"]);
    expect(r.code).toBe(0);
    expect(r.out).toBe(
      "0 error(s), 0 warning(s) in 0 NetworkPolicies and 1 ClusterNetworkPolicy from 1 file(s)\n",
    );
    const { doc } = await json({ "cnp.yaml": cnp }, ["cnp.yaml"]);
    expect(doc.summary).toEqual({ errors: 0, warnings: 0, files: 1, policies: 0, clusterPolicies: 1 });
  });

  it("reports the CRD's limits and CEL rules as errors at file:line and field path (exit 1)", async () => {
    const bad = cnp
      .replace("priority: 10", "priority: 1001")
      .replace("169.254.169.254/32", "::ffff:10.0.0.0/104")
      .replace("{number: 80}", "{range: {start: 90, end: 80}}");
    const { code, doc } = await json({ "cnp.yaml": bad }, ["cnp.yaml"]);
    expect(code).toBe(1);
    const errors = doc.issues
      .filter((i) => i.severity === "error" && i.kind === "ClusterNetworkPolicy")
      .map((i) => `${i.file}:${i.line} ${i.path}`);
    expect(errors).toEqual(
      expect.arrayContaining([
        "cnp.yaml:6 spec.priority",
        "cnp.yaml:11 spec.egress[0].to[0].networks[0]",
        "cnp.yaml:13 spec.egress[0].protocols[0].tcp.destinationPort.range",
      ]),
    );
    expect(
      doc.issues.find((i) => i.path === "spec.egress[0].protocols[0].tcp.destinationPort.range")?.message,
    ).toBe("Start port must be less than End port");
  });

  it("reads ClusterNetworkPolicies from stdin the same way", async () => {
    const { code, doc } = await json({}, ["-"], cnp.replace("tier: Admin", "tier: admin"));
    expect(code).toBe(1);
    expect(doc.issues).toContainEqual(
      expect.objectContaining({ file: "<stdin>", line: 5, path: "spec.tier", severity: "error" }),
    );
  });

  it("checks metadata as the API server does (strict fields, DNS subdomain names)", async () => {
    const bad = cnp.replace("metadata: {name: deny-metadata}", "metadata: {name: Deny_Metadata, labelz: {}}");
    const { code, doc } = await json({ "cnp.yaml": bad }, ["cnp.yaml"]);
    expect(code).toBe(1);
    expect(doc.issues.map((i) => `${i.line} ${i.path} ${i.code}`)).toEqual(
      expect.arrayContaining(["3 metadata.labelz unknown-field", "3 metadata.name invalid-value"]),
    );
  });

  it("a ClusterNetworkPolicy without apiVersion is an error, as for NetworkPolicy (kubectl cannot send it)", async () => {
    const { code, doc } = await json({ "cnp.yaml": cnp.replace(/^apiVersion: .*\n/, "") }, ["cnp.yaml"]);
    expect(code).toBe(1);
    expect(doc.issues.map((i) => `${i.line} ${i.severity} ${i.path} ${i.code}`)).toEqual([
      "1 error apiVersion required",
    ]);
  });

  it("a misspelt kind (ClusterNetworkPolicies) is an error, not a skipped object", async () => {
    const r = await run(
      { "cnp.yaml": cnp.replace("kind: ClusterNetworkPolicy", "kind: ClusterNetworkPolicies") },
      ["cnp.yaml"],
    );
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^cnp\.yaml:2: error: .*did you mean `ClusterNetworkPolicy`.*\[unknown-kind\]$/m);
  });

  it("domainNames is an error (netguard does not support it; it fails closed) and an experimental field", async () => {
    const dn = cnp
      .replace("action: Deny", "action: Accept")
      .replace("to: [{networks: [169.254.169.254/32]}]", "to: [{domainNames: [example.com]}]");
    const { code, doc } = await json({ "cnp.yaml": dn }, ["cnp.yaml"]);
    expect(code).toBe(1);
    const onField = doc.issues.filter((i) => i.path === "spec.egress[0].to[0].domainNames");
    expect(onField.map((i) => `${i.line} ${i.severity} ${i.code}`)).toEqual([
      "11 warning cnp-experimental-field",
      "11 error unsupported-field",
    ]);
    expect(onField[1]?.message).toMatch(/fails?[- ]closed/);
  });

  it("nodes peers and destinationNamedPort are experimental-field warnings (exit 0, 1 with --strict)", async () => {
    const exp = cnp
      .replace("to: [{networks: [169.254.169.254/32]}]", "to: [{nodes: {}}]")
      .concat(
        "  - action: Deny\n    to: [{pods: {podSelector: {}}}]\n    protocols: [{destinationNamedPort: http}]\n",
      );
    const r = await json({ "cnp.yaml": exp }, ["cnp.yaml"]);
    expect(r.code).toBe(0);
    expect(r.doc.issues.map((i) => `${i.line} ${i.path} ${i.code}`)).toEqual([
      "11 spec.egress[0].to[0].nodes cnp-experimental-field",
      "16 spec.egress[1].protocols[0].destinationNamedPort cnp-experimental-field",
    ]);
    expect((await run({ "cnp.yaml": exp }, ["--strict", "cnp.yaml"])).code).toBe(1);
  });

  it("with --cluster, CNP errors still fail the run and cluster lints see the CNPs", async () => {
    const cluster = [
      "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}",
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: a}\nspec: {containers: [{name: c, image: i}]}\nstatus: {phase: Running, podIP: 10.244.1.5}",
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: iso, namespace: a}\nspec: {podSelector: {}, policyTypes: [Ingress]}",
    ].join("\n---\n");
    const baseline = [
      "apiVersion: policy.networking.k8s.io/v1alpha2",
      "kind: ClusterNetworkPolicy",
      "metadata: {name: default-deny}",
      "spec:",
      "  tier: Baseline",
      "  priority: 1",
      "  subject: {namespaces: {}}",
      "  ingress:",
      "  - {action: Deny, from: [{namespaces: {}}]}",
      "",
    ].join("\n");
    const files = {
      "cluster.yaml": cluster,
      "bad.yaml": cnp.replace("priority: 10", "priority: -1"),
      "b.yaml": baseline,
    };
    const { code, doc } = await json(files, ["--cluster", "cluster.yaml", "bad.yaml", "b.yaml"]);
    expect(code).toBe(1);
    expect(doc.issues.map((i) => `${i.file}:${i.line} ${i.path} ${i.code}`)).toEqual([
      "b.yaml:8 spec.ingress cnp-baseline-unreachable",
      "bad.yaml:4 spec fail-closed",
      "bad.yaml:6 spec.priority invalid-value",
    ]);
    expect(doc.issues[0]?.message).toContain("a/iso");
  });

  it("lints against the cluster's ClusterNetworkPolicies, which an input policy of the same name replaces", async () => {
    const policy = (name: string, action: string, cidr: string) =>
      cnp
        .replace("name: deny-metadata", `name: ${name}`)
        .replace("action: Deny", `action: ${action}`)
        .replace("169.254.169.254/32", cidr);
    const files = {
      "cluster.yaml": policy("live", "Deny", "10.0.0.0/8"),
      "new.yaml": policy("new", "Accept", "10.1.0.0/16"),
      "live.yaml": policy("live", "Deny", "192.0.2.0/24"),
    };
    const overlap = await json(files, ["--cluster", "cluster.yaml", "new.yaml"]);
    expect(overlap.code).toBe(0);
    expect(overlap.doc.issues.map((i) => `${i.file}:${i.line} ${i.path} ${i.code}`)).toEqual([
      "new.yaml:9 spec.egress[0] cnp-same-priority-overlap",
    ]);
    expect(overlap.doc.issues[0]?.message).toContain("of ClusterNetworkPolicy live");
    const replaced = await json(files, ["--cluster", "cluster.yaml", "new.yaml", "live.yaml"]);
    expect(replaced.doc.issues).toEqual([]);
  });

  it("an error in a ClusterNetworkPolicy of the --cluster files fails the run", async () => {
    const files = { "cluster.yaml": cnp.replace("tier: Admin", "tier: Middle"), "np.yaml": cnp };
    const r = await run(files, ["--cluster", "cluster.yaml", "np.yaml"]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(
      /^cluster\.yaml:5: error: ClusterNetworkPolicy deny-metadata: spec\.tier: .*Middle/m,
    );
  });

  it("sarif: ClusterNetworkPolicy errors and lints conform to SARIF 2.1.0, with their lines and object names", async () => {
    const bad = cnp
      .replace("to: [{networks: [169.254.169.254/32]}]", "to: [{nodes: {}}]")
      .replace("{number: 80}", "{number: 0}");
    const r = await run({ "cnp.yaml": bad }, ["--format", "sarif", "cnp.yaml"]);
    expect(r.code).toBe(1);
    const log = parseSarif(r.out);
    expect(sarifSchemaErrors(log)).toEqual([]);
    const results = at(log.runs, 0).results ?? [];
    const where = results.map(
      (x) =>
        `${x.ruleId} ${x.locations?.[0]?.physicalLocation?.region?.startLine} ${x.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName}`,
    );
    expect(where).toEqual(
      expect.arrayContaining([
        "invalid-value 13 ClusterNetworkPolicy/deny-metadata/spec.egress[0].protocols[0].tcp.destinationPort.number",
        "cnp-experimental-field 11 ClusterNetworkPolicy/deny-metadata/spec.egress[0].to[0].nodes",
      ]),
    );
  });

  it("never crashes on random mutations of a ClusterNetworkPolicy (exit 0 or 1, json always parses)", async () => {
    const mutation = fc
      .tuple(fc.nat({ max: cnp.length - 1 }), fc.nat({ max: 20 }), fc.string({ maxLength: 10 }))
      .map(([at, del, ins]) => cnp.slice(0, at) + ins + cnp.slice(at + del));
    await fc.assert(
      fc.asyncProperty(mutation, async (text) => {
        const r = await run({ "in.yaml": text }, ["--format", "json", "in.yaml"]);
        expect([0, 1]).toContain(r.code);
        expect(() => parseValidation(r.out)).not.toThrow();
      }),
      { numRuns: numRuns(150) },
    );
  });
});
