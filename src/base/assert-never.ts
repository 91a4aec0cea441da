/** Exhaustiveness guard for `switch` over discriminated unions: compile error when a case is missing. */
export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}
