import { describe, expect, it } from "vitest";
import { clipName, QUOTE_MAX, quoteValue } from "./quote.js";
import { formatIssue } from "./issue.js";

describe("quoteValue: a user value in a message", () => {
  it("quotes a short value whole, as JSON", () => {
    expect(quoteValue("10.0.0.1/8")).toBe('"10.0.0.1/8"');
    expect(quoteValue('a"b\n')).toBe('"a\\"b\\n"');
    expect(quoteValue("x".repeat(QUOTE_MAX))).toBe(`"${"x".repeat(QUOTE_MAX)}"`);
  });

  it("shows the first 80 characters of a 2 MB value, then its length", () => {
    const value = "v".repeat(2 * 1024 * 1024);
    const quoted = quoteValue(value);
    expect(quoted).toBe(`"${"v".repeat(80)}"… (2097152 characters)`);
    expect(quoted.length).toBeLessThan(120);
  });

  it("honours a smaller limit", () => {
    expect(quoteValue("abcdef", 3)).toBe('"abc"… (6 characters)');
  });

  it("counts characters, not UTF-16 units, and never cuts a character in half", () => {
    const value = "😀".repeat(100);
    expect(quoteValue(value)).toBe(`"${"😀".repeat(80)}"… (100 characters)`);
    expect(quoteValue("😀".repeat(80))).toBe(`"${"😀".repeat(80)}"`);
  });

  it("clipName leaves a short name as is and clips a long one the same way, unquoted", () => {
    expect(clipName("matchLabel")).toBe("matchLabel");
    expect(clipName("k".repeat(1000))).toBe(`${"k".repeat(80)}… (1000 characters)`);
  });
});

describe("formatIssue with a huge object name", () => {
  it("names the object in at most about 80 characters per part, with its length", () => {
    const line = formatIssue({
      code: "x",
      severity: "error",
      message: "m",
      path: "spec",
      object: { kind: "NetworkPolicy", namespace: "n".repeat(5000), name: "p".repeat(40_000) },
    });
    expect(line.length).toBeLessThan(300);
    expect(line).toContain("(40000 characters)");
    expect(line).toContain("(5000 characters)");
  });
});
