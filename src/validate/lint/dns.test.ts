import { describe, expect, it } from "vitest";
import { clusterOf, found, lintFirst, manifest, pod } from "../../../test/support/lint-testing.js";

type Json = Record<string, unknown>;
const CODES = ["no-dns-egress", "no-dns-tcp-egress"];

const deny = (podSelector: Json = {}) =>
  manifest({ podSelector, policyTypes: ["Ingress", "Egress"] }, "deny");
const egress = (name: string, podSelector: Json, rules: Json[], namespace = "ns") =>
  manifest({ podSelector, policyTypes: ["Egress"], egress: rules }, name, namespace);
const dnsPorts = [
  { port: 53, protocol: "UDP" },
  { port: 53, protocol: "TCP" },
];
const dnsRule = {
  to: [{ namespaceSelector: {}, podSelector: { matchLabels: { k8s: "dns" } } }],
  ports: dnsPorts,
};
const web = { matchLabels: { app: "web" } };

describe("no-dns-egress", () => {
  it.each<[string, Json[], string[]]>([
    ["default-deny alone", [deny()], ["no-dns-egress spec.egress"]],
    ["default-deny next to an allow-dns policy", [deny(), egress("dns", {}, [dnsRule])], []],
    [
      "an egress policy allowing only an app port",
      [egress("e", web, [{ ports: [{ port: 8080 }] }])],
      ["no-dns-egress spec.egress"],
    ],
    ["a rule without ports allows DNS", [egress("e", web, [{ to: [{ podSelector: {} }] }])], []],
    [
      "protocol-only UDP and TCP entries",
      [egress("e", web, [{ ports: [{ protocol: "UDP" }, { protocol: "TCP" }] }])],
      [],
    ],
    [
      "a range containing 53",
      [egress("e", web, [{ ports: [{ port: 1, endPort: 100, protocol: "UDP" }, { port: 53 }] }])],
      [],
    ],
    [
      "named ports dns / dns-tcp",
      [egress("e", web, [{ ports: [{ port: "dns", protocol: "UDP" }, { port: "dns-tcp" }] }])],
      [],
    ],
    [
      "UDP 53 without TCP 53",
      [egress("e", web, [{ ports: [{ port: 53, protocol: "UDP" }] }])],
      ["no-dns-tcp-egress spec.egress"],
    ],
    ["allow-dns for an overlapping selector counts", [deny(), egress("dns", web, [dnsRule])], []],
    [
      "allow-dns for a disjoint selector does not",
      [deny(web), egress("dns", { matchLabels: { app: "db" } }, [dnsRule])],
      ["no-dns-egress spec.egress"],
    ],
    [
      "allow-dns in another namespace does not",
      [deny(), egress("dns", {}, [dnsRule], "other")],
      ["no-dns-egress spec.egress"],
    ],
    [
      "ignored egress rules (policyTypes [Ingress]) do not",
      [deny(), manifest({ podSelector: {}, policyTypes: ["Ingress"], egress: [dnsRule] }, "dns")],
      ["no-dns-egress spec.egress"],
    ],
    ["a policy not isolating egress", [manifest({ podSelector: {}, ingress: [] })], []],
  ])("%s", (_name, raws, expected) => {
    expect(found(lintFirst(raws).filter((i) => CODES.includes(i.code)))).toEqual(expected);
  });

  describe("with a cluster, per selected pod", () => {
    const cluster = clusterOf([
      pod("ns", "web", "10.244.0.2", { app: "web" }),
      pod("ns", "db", "10.244.0.3", { app: "db" }),
    ]);
    const lint = (raws: Json[]) => lintFirst(raws, cluster).filter((i) => CODES.includes(i.code));

    it("reports the pods no DNS-allowing policy selects", () => {
      const issues = lint([deny(), egress("dns", web, [dnsRule])]);
      expect(found(issues)).toEqual(["no-dns-egress spec.egress"]);
      expect(issues[0]?.message).toContain("pods ns/db cannot resolve names");
    });

    it("is silent when every selected pod may resolve", () => {
      expect(lint([deny(web), egress("dns", web, [dnsRule])])).toEqual([]);
    });

    it("is silent when the policy selects no pod", () => {
      expect(lint([deny({ matchLabels: { app: "none" } })])).toEqual([]);
    });
  });
});
