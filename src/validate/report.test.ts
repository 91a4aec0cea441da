import { describe, expect, it } from "vitest";
import type { Issue } from "../diag/issue.js";
import { formatGithub, formatJson, formatSarif, formatText, type ValidationReport } from "./report.js";

const issues: Issue[] = [
  {
    code: "invalid-value",
    severity: "error",
    path: "spec.ingress[0].from[1].ipBlock.except[0]",
    message: 'Invalid value: "10.1.0.0/16": must be a strict subset of `cidr`',
    source: { file: "deploy/np.yaml", line: 12 },
    object: { kind: "NetworkPolicy", namespace: "shop", name: "api" },
  },
  {
    code: "no-dns-egress",
    severity: "warning",
    path: "spec.egress",
    message: "isolates egress without allowing DNS, so names: cannot resolve",
    source: { file: "deploy/np.yaml", line: 30 },
    object: { kind: "NetworkPolicy", namespace: "shop", name: "deny" },
  },
];
const report: ValidationReport = { issues, files: 1, policies: 2 };

describe("validate report formats", () => {
  it("text: one line per issue and a summary (no colours off a terminal)", () => {
    expect(formatText(report, false)).toBe(
      [
        'deploy/np.yaml:12: error: NetworkPolicy shop/api: spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/16": must be a strict subset of `cidr` [invalid-value]',
        "deploy/np.yaml:30: warning: NetworkPolicy shop/deny: spec.egress: isolates egress without allowing DNS, so names: cannot resolve [no-dns-egress]",
        "1 error(s), 1 warning(s) in 2 NetworkPolicies from 1 file(s)",
        "",
      ].join("\n"),
    );
    expect(formatText(report, true)).toContain("\x1b[31merror\x1b[0m");
  });

  it("json: the stable issues/summary contract", () => {
    const j = JSON.parse(formatJson(report));
    expect(Object.keys(j)).toEqual(["issues", "summary"]);
    expect(j.issues[0]).toEqual({
      file: "deploy/np.yaml",
      line: 12,
      kind: "NetworkPolicy",
      namespace: "shop",
      name: "api",
      path: "spec.ingress[0].from[1].ipBlock.except[0]",
      code: "invalid-value",
      severity: "error",
      message: 'Invalid value: "10.1.0.0/16": must be a strict subset of `cidr`',
    });
    expect(j.summary).toEqual({ errors: 1, warnings: 1, files: 1, policies: 2 });
  });

  it("github: workflow-command annotations with escaped properties and messages", () => {
    expect(formatGithub(report)).toBe(
      [
        '::error file=deploy/np.yaml,line=12,title=netguard invalid-value::NetworkPolicy shop/api: spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "10.1.0.0/16": must be a strict subset of `cidr`',
        "::warning file=deploy/np.yaml,line=30,title=netguard no-dns-egress::NetworkPolicy shop/deny: spec.egress: isolates egress without allowing DNS, so names: cannot resolve",
        "",
      ].join("\n"),
    );
    expect(
      formatGithub({
        ...report,
        issues: [{ ...(issues[0] as Issue), source: { file: "a,b:c.yaml", line: 1 } }],
      }),
    ).toMatch(/^::error file=a%2Cb%3Ac\.yaml,line=1,/);
  });

  it("sarif: a 2.1.0 log with one rule per code and one located result per issue", () => {
    const s = JSON.parse(formatSarif(report, "0.1.0"));
    expect(s.version).toBe("2.1.0");
    expect(s.runs[0].tool.driver.rules.map((r: { id: string }) => r.id)).toEqual([
      "invalid-value",
      "no-dns-egress",
    ]);
    expect(s.runs[0].results[1]).toMatchObject({
      ruleId: "no-dns-egress",
      ruleIndex: 1,
      level: "warning",
      locations: [
        { physicalLocation: { artifactLocation: { uri: "deploy/np.yaml" }, region: { startLine: 30 } } },
      ],
    });
  });
});
