import { describe, expect, it } from "vitest";
import { clusterOf, found, lintFirst, manifest, namespace, pod } from "../../../test/support/lint-testing.js";

type Json = Record<string, unknown>;
const CODES = ["selects-no-pod", "peer-selects-nothing", "named-port-not-found", "namespace-label-unused"];

const cluster = clusterOf([
  namespace("ns", { team: "a" }),
  namespace("other", { team: "b" }),
  pod("ns", "web", "10.244.0.2", { app: "web" }, ["http:8080/TCP"]),
  pod("other", "db", "10.244.1.3", { app: "db" }, ["pg:5432/TCP"]),
]);
const lints = (spec: Json) =>
  found(lintFirst([manifest(spec)], cluster).filter((i) => CODES.includes(i.code)));

const web = { matchLabels: { app: "web" } };
const db = { namespaceSelector: { matchLabels: { team: "b" } }, podSelector: { matchLabels: { app: "db" } } };
const toDb = (port: Json, peer: Json = db) => ({ podSelector: web, egress: [{ to: [peer], ports: [port] }] });
const intoWeb = (port: Json) => ({ podSelector: web, ingress: [{ ports: [port] }] });

describe("cluster lints", () => {
  it.each<[string, Json, string[]]>([
    [
      "a podSelector selecting nothing",
      { podSelector: { matchLabels: { app: "nope" } } },
      ["selects-no-pod spec.podSelector"],
    ],
    ["a podSelector selecting a pod", { podSelector: web }, []],
    [
      "a pod peer selecting nothing",
      { podSelector: web, ingress: [{ from: [{ podSelector: { matchLabels: { app: "db" } } }] }] },
      ["peer-selects-nothing spec.ingress[0].from[0]"],
    ],
    ["a pod peer in another namespace", toDb({ port: 5432 }), []],
    ["a named port the selected pod declares", intoWeb({ port: "http" }), []],
    [
      "a named port the selected pod lacks",
      intoWeb({ port: "metrics" }),
      ["named-port-not-found spec.ingress[0].ports[0]"],
    ],
    [
      "a named port with another protocol",
      intoWeb({ port: "http", protocol: "UDP" }),
      ["named-port-not-found spec.ingress[0].ports[0]"],
    ],
    ["a named port the peer pod declares", toDb({ port: "pg" }), []],
    [
      "a named port the peer pod lacks",
      toDb({ port: "http" }),
      ["named-port-not-found spec.egress[0].ports[0]"],
    ],
    [
      "a named port of a pod inside an ipBlock peer",
      toDb({ port: "pg" }, { ipBlock: { cidr: "10.244.1.0/24" } }),
      [],
    ],
    [
      "a namespace label no namespace has",
      toDb({ port: 5432 }, { namespaceSelector: { matchLabels: { team: "c" } } }),
      [
        "peer-selects-nothing spec.egress[0].to[0]",
        "namespace-label-unused spec.egress[0].to[0].namespaceSelector.matchLabels[team]",
      ],
    ],
  ])("%s", (_name, spec, expected) => {
    expect(lints(spec)).toEqual(expected);
  });

  it("none of them run without a cluster", () => {
    const issues = lintFirst([
      manifest({ podSelector: { matchLabels: { app: "nope" } }, ingress: [{ ports: [{ port: "x" }] }] }),
    ]);
    expect(issues.filter((i) => CODES.includes(i.code))).toEqual([]);
  });
});
