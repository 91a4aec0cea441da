import { describe, expect, it } from "vitest";
import type { Issue } from "../issue/issue.js";
import type { CnpPort } from "./cnp-model.js";
import { decodeCnpProtocol } from "./decode-cnp-protocol.js";
import { type DecodeOptions, Issues } from "./fields.js";

const P = "spec.egress[0].protocols[2]";

function protocol(v: unknown, opts: DecodeOptions = {}): { port?: CnpPort; issues: Issue[] } {
  const issues = new Issues(opts);
  const port = decodeCnpProtocol(v, 2, P, issues);
  return { ...(port ? { port } : {}), issues: issues.list };
}

const at = (issues: readonly Issue[], severity: Issue["severity"] = "error") =>
  issues.filter((i) => i.severity === severity).map((i) => `${i.path.slice(P.length)}: ${i.code}`);

describe("decodeCnpProtocol: valid entries", () => {
  it.each<[string, unknown, CnpPort]>([
    [
      "tcp number",
      { tcp: { destinationPort: { number: 80 } } },
      { kind: "range", protocol: "TCP", from: 80, to: 80, index: 2 },
    ],
    [
      "udp number 1",
      { udp: { destinationPort: { number: 1 } } },
      { kind: "range", protocol: "UDP", from: 1, to: 1, index: 2 },
    ],
    [
      "sctp number 65535",
      { sctp: { destinationPort: { number: 65535 } } },
      { kind: "range", protocol: "SCTP", from: 65535, to: 65535, index: 2 },
    ],
    [
      "tcp range",
      { tcp: { destinationPort: { range: { start: 8000, end: 9000 } } } },
      { kind: "range", protocol: "TCP", from: 8000, to: 9000, index: 2 },
    ],
    [
      "udp range 1..65535",
      { udp: { destinationPort: { range: { start: 1, end: 65535 } } } },
      { kind: "range", protocol: "UDP", from: 1, to: 65535, index: 2 },
    ],
    [
      "sctp range",
      { sctp: { destinationPort: { range: { start: 5, end: 6 } } } },
      { kind: "range", protocol: "SCTP", from: 5, to: 6, index: 2 },
    ],
    ["destinationNamedPort", { destinationNamedPort: "http" }, { kind: "named", name: "http", index: 2 }],
  ])("%s", (_, v, expected) => {
    const { port, issues } = protocol(v);
    expect(at(issues)).toEqual([]);
    expect(port).toEqual(expected);
  });

  it("destinationNamedPort is decoded with a warning that it is experimental", () => {
    expect(at(protocol({ destinationNamedPort: "http" }).issues, "warning")).toEqual([
      ".destinationNamedPort: experimental-field",
    ]);
  });

  it("a named port no container port can have is accepted (the CRD checks nothing) with a warning", () => {
    const { port, issues } = protocol({ destinationNamedPort: "Not_A_Port" });
    expect(at(issues)).toEqual([]);
    expect(at(issues, "warning")).toContain(".destinationNamedPort: no-such-port-name");
    expect(port).toEqual({ kind: "named", name: "Not_A_Port", index: 2 });
  });
});

describe("decodeCnpProtocol: malformed entries", () => {
  it.each<[string, unknown, string[]]>([
    ["not an object", "TCP", [": wrong-type"]],
    ["empty (minProperties 1)", {}, [": required"]],
    [
      "two protocols (maxProperties 1)",
      { tcp: { destinationPort: { number: 1 } }, udp: { destinationPort: { number: 1 } } },
      [": forbidden"],
    ],
    [
      "a protocol and a named port",
      { tcp: { destinationPort: { number: 1 } }, destinationNamedPort: "http" },
      [": forbidden"],
    ],
    ["tcp without destinationPort (minProperties 1)", { tcp: {} }, [".tcp.destinationPort: required"]],
    ["tcp not an object", { tcp: 80 }, [".tcp: wrong-type"]],
    ["destinationPort empty", { udp: { destinationPort: {} } }, [".udp.destinationPort: required"]],
    [
      "number and range together",
      { tcp: { destinationPort: { number: 1, range: { start: 1, end: 2 } } } },
      [".tcp.destinationPort: forbidden"],
    ],
    ["number 0", { tcp: { destinationPort: { number: 0 } } }, [".tcp.destinationPort.number: invalid-value"]],
    [
      "number 65536",
      { tcp: { destinationPort: { number: 65536 } } },
      [".tcp.destinationPort.number: invalid-value"],
    ],
    [
      "number a string",
      { tcp: { destinationPort: { number: "80" } } },
      [".tcp.destinationPort.number: wrong-type"],
    ],
    [
      "range start equal to end",
      { tcp: { destinationPort: { range: { start: 80, end: 80 } } } },
      [".tcp.destinationPort.range: invalid-value"],
    ],
    [
      "range start above end",
      { sctp: { destinationPort: { range: { start: 90, end: 80 } } } },
      [".sctp.destinationPort.range: invalid-value"],
    ],
    [
      "range without end",
      { tcp: { destinationPort: { range: { start: 80 } } } },
      [".tcp.destinationPort.range.end: required"],
    ],
    [
      "range without start",
      { tcp: { destinationPort: { range: { end: 80 } } } },
      [".tcp.destinationPort.range.start: required"],
    ],
    [
      "range end 65536",
      { tcp: { destinationPort: { range: { start: 1, end: 65536 } } } },
      [".tcp.destinationPort.range.end: invalid-value"],
    ],
    [
      "range start 0",
      { tcp: { destinationPort: { range: { start: 0, end: 5 } } } },
      [".tcp.destinationPort.range.start: invalid-value"],
    ],
    [
      "destinationNamedPort not a string",
      { destinationNamedPort: 80 },
      [".destinationNamedPort: wrong-type"],
    ],
    [
      "NetworkPolicy's port and protocol",
      { protocol: "TCP", port: 80 },
      [".protocol: unknown-field", ".port: unknown-field"],
    ],
    [
      "an unknown field in tcp",
      { tcp: { destinationPort: { number: 1 }, sourcePort: { number: 2 } } },
      [".tcp.sourcePort: unknown-field"],
    ],
    [
      "an unknown field in destinationPort",
      { tcp: { destinationPort: { port: 1 } } },
      [".tcp.destinationPort.port: unknown-field"],
    ],
    [
      "an unknown field in range",
      { tcp: { destinationPort: { range: { start: 1, end: 2, step: 1 } } } },
      [".tcp.destinationPort.range.step: unknown-field"],
    ],
  ])("%s", (_, v, errors) => {
    const { port, issues } = protocol(v);
    expect(at(issues)).toEqual(errors);
    expect(port).toBeUndefined();
  });

  it("the range error is the CRD's CEL message", () => {
    const { issues } = protocol({ tcp: { destinationPort: { range: { start: 9, end: 8 } } } });
    expect(issues[0]?.message).toBe("Start port must be less than End port");
  });

  it("in drop mode an unknown field beside a known one is dropped", () => {
    const { port, issues } = protocol(
      { tcp: { destinationPort: { number: 1 }, sourcePort: {} } },
      { unknownFields: "drop" },
    );
    expect(at(issues)).toEqual([".tcp.sourcePort: unknown-field"]);
    expect(port).toEqual({ kind: "range", protocol: "TCP", from: 1, to: 1, index: 2 });
  });
});
