import { describe, expect, it } from "vitest";
import { sha256Hex } from "./hash.js";

describe("sha256Hex", () => {
  it("is the prefix of the SHA-256 hex digest (known vector for 'abc')", () => {
    const full = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    expect(sha256Hex("abc", 64)).toBe(full);
    expect(sha256Hex("abc", 12)).toBe(full.slice(0, 12));
    expect(sha256Hex("abc", 0)).toBe("");
  });

  it("hashes the UTF-8 encoding of the text", () => {
    // sha256 of the UTF-8 bytes c3 a9 ("é")
    expect(sha256Hex("é", 16)).toBe("4a99557e4033c353");
  });

  it("rejects a length outside 0..64 (a bug in the caller, not a short name)", () => {
    expect(() => sha256Hex("abc", 65)).toThrow(RangeError);
    expect(() => sha256Hex("abc", -1)).toThrow(RangeError);
    expect(() => sha256Hex("abc", 1.5)).toThrow(RangeError);
  });
});
