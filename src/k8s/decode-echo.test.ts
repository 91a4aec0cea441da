import { describe, expect, it } from "vitest";
import { decodeObject } from "./decode-object.js";

const HUGE = 2 * 1024 * 1024;
const huge = (c: string) => c.repeat(HUGE);

function messages(spec: unknown): string[] {
  const { issues } = decodeObject(
    { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", metadata: { name: "p" }, spec },
    { file: "f.yaml", line: 1 },
    { unknownFields: "drop" },
  );
  return issues.map((i) => `${i.path}: ${i.message}`);
}

describe("the decoder echoes at most ~80 characters of a user value, with its length", () => {
  it.each<[string, unknown]>([
    ["a protocol", { egress: [{ ports: [{ protocol: huge("T") }] }] }],
    ["a port name", { egress: [{ ports: [{ port: huge("p") }] }] }],
    ["a CIDR", { egress: [{ to: [{ ipBlock: { cidr: huge("1") } }] }] }],
    ["a CIDR's address", { egress: [{ to: [{ ipBlock: { cidr: `${huge("1")}/8` } }] }] }],
    ["an except", { egress: [{ to: [{ ipBlock: { cidr: "10.0.0.0/8", except: [huge("e")] } }] }] }],
    ["an operator", { podSelector: { matchExpressions: [{ key: "a", operator: huge("o") }] } }],
    ["a string of the wrong type", { podSelector: { matchLabels: huge("l") } }],
    ["an unknown field's name", { [huge("f")]: 1 }],
    ["a label key whose value is not a string", { podSelector: { matchLabels: { [huge("k")]: 1 } } }],
  ])("%s", (_what, spec) => {
    const found = messages(spec);
    expect(found.length).toBeGreaterThan(0);
    for (const m of found) expect(m.length).toBeLessThan(400);
    expect(found.join("\n")).toMatch(new RegExp(`… \\((${HUGE}|${HUGE + 2}) characters\\)`));
  });
});
