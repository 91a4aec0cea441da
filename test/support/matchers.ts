/**
 * vitest's asymmetric matchers, typed `unknown` instead of `any` so they can sit inside the expected
 * object of another matcher (`toEqual([objectContaining({ source: { line: anyNumber() } })])`) without
 * an unsafe `any` assignment. They match exactly what `expect.<matcher>` matches.
 */
import { expect } from "vitest";

/** `expect.objectContaining(shape)`. */
export function objectContaining(shape: Record<string, unknown>): unknown {
  return expect.objectContaining(shape);
}

/** `expect.stringContaining(text)`. */
export function stringContaining(text: string): unknown {
  return expect.stringContaining(text);
}

/** `expect.stringMatching(pattern)`. */
export function stringMatching(pattern: RegExp): unknown {
  return expect.stringMatching(pattern);
}

/** `expect.any(Number)`. */
export function anyNumber(): unknown {
  return expect.any(Number);
}
