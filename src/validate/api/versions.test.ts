import { describe, expect, it } from "vitest";
import type { Issue } from "../../issue/issue.js";
import { validateNetworkPolicy } from "./validate-network-policy.js";
import {
  knownAt,
  type KubeVersion,
  NEWEST_KUBE_VERSION,
  parseKubeVersion,
  phaseAt,
  VERSION_RULES,
} from "./versions.js";

const V = (s: string): KubeVersion => parseKubeVersion(s) as KubeVersion;

const withCidr = (cidr: string, except: string[] = []) => ({
  apiVersion: "networking.k8s.io/v1",
  kind: "NetworkPolicy",
  metadata: { name: "p" },
  spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr, except } }] }] },
});

const at = (manifest: unknown, version: string) =>
  validateNetworkPolicy(manifest, { kubeVersion: V(version) }).map((i: Issue) => ({
    path: i.path,
    code: i.code,
    severity: i.severity,
  }));

describe("parseKubeVersion", () => {
  it.each([
    ["1.34", 34],
    ["v1.36", 36],
    ["1.32.4", 32],
  ])("%s", (text, minor) => expect(parseKubeVersion(text)).toEqual({ major: 1, minor }));
  it.each(["2.0", "1", "1.x", "", "1.034"])("rejects %j", (text) =>
    expect(typeof parseKubeVersion(text)).toBe("string"),
  );
  it("the newest version is in the table's range", () =>
    expect(NEWEST_KUBE_VERSION.minor).toBeGreaterThanOrEqual(33));
  it("every rule cites a source", () =>
    VERSION_RULES.forEach((r) => expect(r.source.length).toBeGreaterThan(20)));
});

const P = "spec.egress[0].to[0].ipBlock.cidr";

describe("ambiguous CIDRs by version (cidr-strict)", () => {
  it.each<[string, string, string]>([
    ["host bits", "10.0.0.1/8", "cidr-host-bits"],
    ["leading zeros in the address", "010.0.0.0/8", "cidr-leading-zeros"],
    ["leading zeros in the prefix length", "10.0.0.0/08", "cidr-leading-zeros"],
    ["IPv4-mapped IPv6", "::ffff:10.0.0.0/104", "cidr-ipv4-mapped"],
  ])("%s: accepted in 1.32, warned in 1.34, rejected in 1.36", (_n, cidr, code) => {
    expect(at(withCidr(cidr), "1.32")).toEqual([]);
    expect(at(withCidr(cidr), "1.34")).toContainEqual({ path: P, code, severity: "warning" });
    expect(at(withCidr(cidr), "1.34").filter((i) => i.severity === "error")).toEqual([]);
    expect(at(withCidr(cidr), "1.36")).toContainEqual({ path: P, code, severity: "error" });
  });
  it("warns with the API server's text", () => {
    const [w] = validateNetworkPolicy(withCidr("10.0.0.1/8"), { kubeVersion: V("1.33") });
    expect(w?.message).toBe(
      'CIDR value "10.0.0.1/8" is ambiguous in this context (should be "10.0.0.0/8" or "10.0.0.1/32"?)',
    );
  });
  it("rejects with the API server's text", () => {
    const [e] = validateNetworkPolicy(withCidr("10.0.0.1/8"), { kubeVersion: V("1.36") });
    expect(e?.message).toBe('Invalid value: "10.0.0.1/8": must not have bits set beyond the prefix length');
  });
  it("checks except values too", () => {
    const m = withCidr("10.0.0.0/8", ["10.1.0.1/16"]);
    expect(at(m, "1.36")).toEqual([
      { path: "spec.egress[0].to[0].ipBlock.except[0]", code: "cidr-host-bits", severity: "error" },
    ]);
  });
  it("subset check uses the masked except, as Go does", () => {
    expect(at(withCidr("10.0.0.0/8", ["10.1.0.1/16"]), "1.32")).toEqual([]);
  });
  it("non-canonical IPv6 is only ever a warning", () => {
    for (const v of ["1.34", "1.36"]) {
      expect(at(withCidr("2001:DB8::/32"), v)).toEqual([
        { path: P, code: "cidr-noncanonical", severity: "warning" },
      ]);
    }
    expect(at(withCidr("2001:DB8::/32"), "1.32")).toEqual([]);
  });
  it("phaseAt", () => {
    expect(["1.32", "1.33", "1.35", "1.36"].map((v) => phaseAt("cidr-strict", V(v)))).toEqual([
      "accept",
      "warn",
      "warn",
      "reject",
    ]);
  });
});

describe("fields that exist only in some versions", () => {
  const withStatus = { ...withCidr("10.0.0.0/8"), status: { conditions: [] } };
  it("status is known only in 1.24-1.26", () => {
    expect(["1.23", "1.24", "1.26", "1.27", "1.34"].map((v) => knownAt("status-field", V(v)))).toEqual([
      false,
      true,
      true,
      false,
      false,
    ]);
    expect(at(withStatus, "1.25")).toEqual([]);
    expect(at(withStatus, "1.34")).toEqual([{ path: "status", code: "unknown-field", severity: "error" }]);
  });
  const range = {
    ...withCidr("10.0.0.0/8"),
    spec: { egress: [{ ports: [{ port: 1000, endPort: 2000 }] }] },
  };
  it("endPort is unknown in 1.20 and dropped with a warning in 1.21", () => {
    const path = "spec.egress[0].ports[0].endPort";
    expect(at(range, "1.20")).toEqual([{ path, code: "unknown-field", severity: "error" }]);
    expect(at(range, "1.21")).toEqual([{ path, code: "end-port-ignored", severity: "warning" }]);
    expect(at(range, "1.22")).toEqual([]);
  });
});
