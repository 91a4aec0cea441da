import { describe, expect, it } from "vitest";
import { parseDocuments, parseYamlFully } from "./documents.js";

/** Joins lines with `\n`; the array index + 1 is the line number, which keeps expected lines obvious. */
const text = (...lines: string[]): string => `${lines.join("\n")}\n`;

const kindsAndLines = (t: string, file = "in.yaml") =>
  parseDocuments(file, t).objects.map((o) => [(o.value as { kind?: unknown } | null)?.kind, o.source.line]);

describe("parseDocuments: YAML documents", () => {
  it.each<[string, string, Array<[unknown, number]>]>([
    ["a single document starts on line 1", text("kind: Pod", "metadata: {name: a}"), [["Pod", 1]]],
    [
      "each document of a stream gets its own start line",
      text(
        "kind: Namespace", // 1
        "metadata: {name: a}", // 2
        "---", // 3
        "kind: Pod", // 4
        "metadata:", // 5
        "  name: p", // 6
        "---", // 7
        "kind: NetworkPolicy", // 8
      ),
      [
        ["Namespace", 1],
        ["Pod", 4],
        ["NetworkPolicy", 8],
      ],
    ],
    [
      "a leading --- and comments before the content",
      text(
        "---", // 1
        "# a comment", // 2
        "", // 3
        "kind: Pod", // 4
      ),
      [["Pod", 4]],
    ],
    [
      "content on the --- line itself",
      text(
        "--- {kind: Pod}", // 1
        "--- {kind: Service}", // 2
      ),
      [
        ["Pod", 1],
        ["Service", 2],
      ],
    ],
  ])("%s", (_name, input, expected) => {
    const parsed = parseDocuments("in.yaml", input);
    expect(parsed.issues).toEqual([]);
    expect(kindsAndLines(input)).toEqual(expected);
    for (const o of parsed.objects) expect(o.source.file).toBe("in.yaml");
  });

  it.each<[string, string]>([
    ["empty text", ""],
    ["only whitespace", "\n\n   \n"],
    ["only a comment", "# nothing\n"],
  ])("%s yields no objects and no issues", (_name, input) => {
    expect(parseDocuments("in.yaml", input)).toEqual({ objects: [], issues: [] });
  });

  // Regression: with yaml 2.9.1 an empty document's `contents` is a null Scalar, not `null`; kubectl skips it.
  it.each<[string, string, Array<[unknown, number]>]>([
    [
      "empty documents between separators",
      text(
        "---", // 1
        "---", // 2
        "kind: Pod", // 3
        "---", // 4
        "# only a comment", // 5
        "---", // 6
        "---", // 7
        "kind: Node", // 8
      ),
      [
        ["Pod", 3],
        ["Node", 8],
      ],
    ],
    ["a trailing separator", text("kind: Pod", "---"), [["Pod", 1]]],
    ["only comments and separators", text("# nothing", "---", "---"), []],
  ])("skips %s", (_name, input, expected) => {
    const parsed = parseDocuments("in.yaml", input);
    expect(parsed.objects.map((o) => o.value)).not.toContain(null);
    expect(parsed.issues).toEqual([]);
    expect(kindsAndLines(input)).toEqual(expected);
  });

  it("keeps the full value of each document", () => {
    const parsed = parseDocuments(
      "in.yaml",
      text("kind: Pod", "metadata:", "  name: a", "  labels: {app: web}", "spec:", "  ports: [80, '81']"),
    );
    expect(parsed.objects[0]?.value).toEqual({
      kind: "Pod",
      metadata: { name: "a", labels: { app: "web" } },
      spec: { ports: [80, "81"] },
    });
  });
});

describe("parseDocuments: List wrappers", () => {
  it("unwraps a List and gives each item its own line", () => {
    const input = text(
      "apiVersion: v1", // 1
      "kind: List", // 2
      "items:", // 3
      "- kind: Namespace", // 4
      "  metadata: {name: a}", // 5
      "- kind: Pod", // 6
      "  metadata:", // 7
      "    name: p", // 8
      "-   kind: Node", // 9
    );
    const parsed = parseDocuments("in.yaml", input);
    expect(parsed.issues).toEqual([]);
    expect(kindsAndLines(input)).toEqual([
      ["Namespace", 4],
      ["Pod", 6],
      ["Node", 9],
    ]);
  });

  it("a plain List does not invent a kind for items without one", () => {
    const parsed = parseDocuments("in.yaml", text("kind: List", "items:", "- metadata: {name: a}"));
    expect(parsed.objects.map((o) => o.value)).toEqual([{ metadata: { name: "a" } }]);
  });

  it.each<[string, string, string]>([
    ["PodList", "Pod", "pods"],
    ["NetworkPolicyList", "NetworkPolicy", "policies"],
    ["NamespaceList", "Namespace", "namespaces"],
  ])("%s items without kind become %s", (listKind, itemKind) => {
    const input = text(
      "apiVersion: v1", // 1
      `kind: ${listKind}`, // 2
      "items:", // 3
      "- metadata: {name: a}", // 4
      "- metadata:", // 5
      "    name: b", // 6
    );
    const parsed = parseDocuments("in.yaml", input);
    expect(parsed.issues).toEqual([]);
    expect(parsed.objects).toEqual([
      { value: { kind: itemKind, metadata: { name: "a" } }, source: { file: "in.yaml", line: 4 } },
      { value: { kind: itemKind, metadata: { name: "b" } }, source: { file: "in.yaml", line: 5 } },
    ]);
  });

  it("a typed list keeps an item's own kind", () => {
    const parsed = parseDocuments("in.yaml", text("kind: PodList", "items:", "- kind: Weird"));
    expect(parsed.objects.map((o) => o.value)).toEqual([{ kind: "Weird" }]);
  });

  it("a List among other documents keeps item lines absolute", () => {
    const input = text(
      "kind: Namespace", // 1
      "metadata: {name: a}", // 2
      "---", // 3
      "kind: List", // 4
      "items:", // 5
      "  - kind: Pod", // 6
      "  - kind: Pod", // 7
      "---", // 8
      "kind: Node", // 9
    );
    expect(kindsAndLines(input)).toEqual([
      ["Namespace", 1],
      ["Pod", 6],
      ["Pod", 7],
      ["Node", 9],
    ]);
  });

  it.each<[string, string]>([
    ["items missing", text("kind: List")],
    ["items empty", text("kind: PodList", "items: []")],
  ])("a List with %s yields no objects", (_name, input) => {
    expect(parseDocuments("in.yaml", input)).toEqual({ objects: [], issues: [] });
  });
});

describe("parseDocuments: malformed YAML", () => {
  const stream = text(
    "kind: Namespace", // 1
    "metadata: {name: a}", // 2
    "---", // 3
    "kind: Pod", // 4
    "metadata: name: broken", // 5  (nested mapping in a compact mapping)
    "---", // 6
    "kind: Node", // 7
    "metadata: {name: n}", // 8
  );

  it("reports a malformed document in the middle as an error with file and line", () => {
    const { issues } = parseDocuments("bad.yaml", stream);
    expect(issues.length).toBeGreaterThan(0);
    for (const i of issues) {
      expect(i).toMatchObject({
        code: "malformed-document",
        severity: "error",
        path: "",
        source: { file: "bad.yaml", line: 5 },
      });
      expect(i.message).not.toBe("");
    }
  });

  it("still loads the documents before and after the malformed one", () => {
    expect(kindsAndLines(stream, "bad.yaml")).toEqual([
      ["Namespace", 1],
      ["Node", 7],
    ]);
  });

  it("reports an unclosed flow collection on a line of its own document", () => {
    const input = text(
      "kind: A", // 1
      "---", // 2
      "kind: B", // 3
      "spec: {ports: [80", // 4
      "---", // 5
      "kind: C", // 6
    );
    const parsed = parseDocuments("bad.yaml", input);
    expect(parsed.issues.length).toBeGreaterThan(0);
    for (const i of parsed.issues) {
      expect(i.code).toBe("malformed-document");
      expect(i.severity).toBe("error");
      expect(i.source?.file).toBe("bad.yaml");
      expect(i.source?.line).toBeGreaterThanOrEqual(3);
      expect(i.source?.line).toBeLessThanOrEqual(5);
    }
    expect(kindsAndLines(input)).toEqual([
      ["A", 1],
      ["C", 6],
    ]);
  });

  it("numbers lines after a malformed document exactly (the parser's own line counter skips one)", () => {
    // Found by the fast reader's differential test: the yaml package's LineCounter loses the line
    // break after `--# c` while recovering, so everything after it came out one line too early.
    const t = text(
      "[]", // 1
      "--# c", // 2
      "n: ll", // 3
      "---", // 4
      "", // 5
      "kind: Pod", // 6
      "---", // 7
      "kind: &a Namespace", // 8
    );
    for (const parse of [parseDocuments, parseYamlFully]) {
      const r = parse("in.yaml", t);
      expect(r.objects.map((o) => [(o.value as { kind: string }).kind, o.source.line])).toEqual([
        ["Pod", 6],
        ["Namespace", 8],
      ]);
      expect(r.issues.map((i) => i.source?.line)).toEqual([2, 3, 3]);
    }
  });

  it("reports duplicate keys as an error on the duplicate's line and drops the document", () => {
    const input = text(
      "kind: Pod", // 1
      "metadata:", // 2
      "  name: a", // 3
      "  name: b", // 4
      "---", // 5
      "kind: Node", // 6
    );
    const parsed = parseDocuments("dup.yaml", input);
    expect(parsed.issues).toHaveLength(1);
    expect(parsed.issues[0]).toMatchObject({
      code: "duplicate-key",
      severity: "error",
      path: "metadata.name",
      object: { kind: "Pod", name: "b" },
      source: { file: "dup.yaml", line: 4 },
    });
    expect(kindsAndLines(input)).toEqual([["Node", 6]]);
  });

  it("reports duplicate top-level keys too", () => {
    const parsed = parseDocuments("dup.yaml", text("kind: Pod", "kind: Node"));
    expect(parsed.objects).toEqual([]);
    expect(parsed.issues).toEqual([
      expect.objectContaining({ code: "duplicate-key", severity: "error", path: "kind" }),
    ]);
  });
});

describe("parseDocuments: JSON", () => {
  it("reads a single JSON object on the line where it starts", () => {
    const input = `\n\n${JSON.stringify({ kind: "Pod", metadata: { name: "a" } }, null, 2)}\n`;
    expect(parseDocuments("in.json", input)).toEqual({
      objects: [{ value: { kind: "Pod", metadata: { name: "a" } }, source: { file: "in.json", line: 3 } }],
      issues: [],
    });
  });

  it("reads compact single-line JSON on line 1", () => {
    expect(parseDocuments("in.json", '{"kind":"Namespace","metadata":{"name":"x"}}')).toEqual({
      objects: [
        { value: { kind: "Namespace", metadata: { name: "x" } }, source: { file: "in.json", line: 1 } },
      ],
      issues: [],
    });
  });

  it("unwraps a pretty-printed List (kubectl get -o json) with each item on its own line", () => {
    const list = {
      apiVersion: "v1",
      kind: "List",
      metadata: { resourceVersion: "" },
      items: [
        { apiVersion: "v1", kind: "Namespace", metadata: { name: "a", labels: { x: "{[" } } },
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "p", annotations: { note: 'quote " and brace {' } },
          spec: { containers: [{ name: "c", ports: [{ containerPort: 80 }] }] },
        },
        { apiVersion: "v1", kind: "Node", metadata: { name: "n" } },
      ],
    };
    const input = `${JSON.stringify(list, null, 2)}\n`;
    const lines = input.split("\n");
    const expectedLines = lines.flatMap((l, i) => (l === "    {" ? [i + 1] : []));
    expect(expectedLines).toHaveLength(3); // sanity check of the fixture itself
    const parsed = parseDocuments("list.json", input);
    expect(parsed.issues).toEqual([]);
    expect(parsed.objects.map((o) => o.value)).toEqual(list.items);
    expect(parsed.objects.map((o) => o.source)).toEqual(
      expectedLines.map((line) => ({ file: "list.json", line })),
    );
  });

  it("puts items of a hand-written JSON List on their exact lines", () => {
    const input = text(
      "{", // 1
      '  "kind": "List",', // 2
      '  "items": [', // 3
      '    {"kind": "Pod", "metadata": {"name": "a"}},', // 4
      "", // 5
      "    {", // 6
      '      "kind": "Pod",', // 7
      '      "metadata": {"name": "b"}', // 8
      "    }", // 9
      "  ]", // 10
      "}", // 11
    );
    expect(kindsAndLines(input, "in.json")).toEqual([
      ["Pod", 4],
      ["Pod", 6],
    ]);
  });

  it("gives kind to typed JSON list items and keeps their lines", () => {
    const input = text(
      "{", // 1
      '  "kind": "PodList",', // 2
      '  "items": [', // 3
      '    {"metadata": {"name": "a"}},', // 4
      '    {"metadata": {"name": "b"}}', // 5
      "  ]", // 6
      "}", // 7
    );
    const parsed = parseDocuments("in.json", input);
    expect(parsed.objects).toEqual([
      { value: { kind: "Pod", metadata: { name: "a" } }, source: { file: "in.json", line: 4 } },
      { value: { kind: "Pod", metadata: { name: "b" } }, source: { file: "in.json", line: 5 } },
    ]);
  });

  it("reports malformed JSON as an error with the line of the problem", () => {
    const input = text(
      "{", // 1
      '  "kind": "Pod",', // 2
      '  "metadata": {', // 3
      '    "name": "a"', // 4
      "  }", // 5
      '  "spec": {}', // 6  (missing comma before this member)
      "}", // 7
    );
    const parsed = parseDocuments("bad.json", input);
    expect(parsed.objects).toEqual([]);
    expect(parsed.issues.length).toBeGreaterThan(0);
    expect(parsed.issues[0]).toMatchObject({
      code: "malformed-document",
      severity: "error",
      source: { file: "bad.json", line: 6 },
    });
    for (const i of parsed.issues) {
      expect(i.source?.file).toBe("bad.json");
      expect(i.source?.line).toBeGreaterThanOrEqual(5);
      expect(i.source?.line).toBeLessThanOrEqual(7);
    }
  });

  it("reports truncated JSON as an error with a line", () => {
    const parsed = parseDocuments("cut.json", text("{", '  "kind": "Pod",', '  "metadata": {"name": "a"'));
    expect(parsed.objects).toEqual([]);
    expect(parsed.issues.length).toBeGreaterThan(0);
    for (const i of parsed.issues) {
      expect(i.code).toBe("malformed-document");
      expect(i.source?.file).toBe("cut.json");
      expect(i.source?.line).toBeGreaterThanOrEqual(1);
      expect(i.source?.line).toBeLessThanOrEqual(4);
    }
  });
});

describe("regressions found by fuzzing", () => {
  it("reports an alias to an unknown anchor as a malformed document instead of throwing", () => {
    const r = parseDocuments("in.yaml", "*!");
    expect(r.objects).toEqual([]);
    expect(r.issues).toEqual([
      expect.objectContaining({
        code: "malformed-document",
        severity: "error",
        source: { file: "in.yaml", line: 1 },
      }),
    ]);
  });

  it("reports an alias bomb as a malformed document", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x, x]",
      ...Array.from(
        { length: 8 },
        (_, i) =>
          `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`,
      ),
    ].join("\n");
    const r = parseDocuments("bomb.yaml", bomb);
    expect(r.objects).toEqual([]);
    expect(r.issues[0]).toMatchObject({ code: "malformed-document" });
  });
});
