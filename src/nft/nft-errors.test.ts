import { describe, expect, it } from "vitest";
import { classifyNftError, errorLine } from "./nft-errors.js";

// First error lines as nft 1.0.6 printed them (see apply.test.ts, which runs each case on nft too).
describe("classifyNftError", () => {
  it.each([
    [
      "/dev/stdin:14:24-27: Error: No such file or directory; did you mean chain ‘bc’ in table inet ‘t’?",
      "no-such-object",
    ],
    ["/dev/stdin:15:28-38: Error: element does not exist", "no-such-object"],
    ["/dev/stdin:15:21-21: Error: Could not process rule: Device or resource busy", "busy"],
    ["/dev/stdin:15:25-32: Error: Could not process rule: File exists", "exists"],
    ["/dev/stdin:15:25-32: Error: conflicting intervals specified", "exists"],
    [
      "/dev/stdin:14:25-31: Error: Could not resolve hostname: Address family for hostname not supported",
      "type",
    ],
    ["/dev/stdin:14:31-35: Error: Service out of range", "type"],
    ["/dev/stdin:14:26-42: Error: String exceeds maximum length of 16", "type"],
    ["/dev/stdin:14:33-35: Error: Expression is not a map", "type"],
    // A concatenation given to a set of one datatype (measured by helper 2's differential test).
    ["/dev/stdin:3:25-40: Error: Can't parse symbolic invalid expressions", "type"],
    ["/dev/stdin:14:1-79: Error: Could not process rule: Operation not supported", "invalid"],
    ["/dev/stdin:45:1-29: Error: Could not process rule: Too many links", "invalid"],
    [
      "/dev/stdin:14:25-35: Error: You must add 'flags interval' to your set declaration if you want to add prefix elements",
      "invalid",
    ],
    ["/dev/stdin:1:1-3: Error: syntax error, unexpected junk", "invalid"],
    ["/dev/stdin:1:27-37: Error: No symbol type information", "invalid"],
    ["/dev/stdin:1:1-3: Error: something nft never said", undefined],
    ["nft: command not found", undefined],
  ])("%s → %s", (stderr, kind) => {
    expect(classifyNftError(stderr)).toBe(kind);
  });

  it("reads the script line of the first error", () => {
    expect(errorLine("/dev/stdin:45:1-29: Error: Could not process rule: Too many links\nadd rule …")).toBe(
      45,
    );
    expect(errorLine("/tmp/x.nft:3:5: Error: syntax error")).toBe(3);
    expect(errorLine("no line")).toBeUndefined();
  });
});
