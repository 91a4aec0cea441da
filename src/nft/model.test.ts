import { describe, expect, it } from "vitest";
import { priorityNumber } from "./model.js";

// What nft 1.0.6 lists (`nft -j list ruleset`, "prio") for each priority written in a script,
// measured in a throwaway network namespace.
describe("priorityNumber gives the number nft lists", () => {
  it.each([
    ["inet", "filter", 0],
    ["bridge", "filter", -200],
    ["inet", "raw", -300],
    ["inet", -150, -150],
    ["inet", "-150", -150],
    ["inet", "filter - 10", -10],
    ["bridge", "filter + 5", -195],
    ["inet", "raw+1", -299],
  ] as const)("%s %s is %s", (family, written, listed) => {
    expect(priorityNumber(family, written)).toBe(listed);
  });

  it.each([
    ["bridge", "mangle"],
    ["inet", "filter -"],
    ["inet", "nonsense + 3"],
  ])("%s %s is no priority of the family", (family, written) => {
    expect(priorityNumber(family, written)).toBeUndefined();
  });
});
