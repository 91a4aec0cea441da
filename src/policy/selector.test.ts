import { describe, expect, it } from "vitest";
import type { LabelSelector, Labels, Requirement } from "../k8s/model.js";
import { isEmptySelector, requirementHolds, selectorKey, selectorMatches } from "./selector.js";

const sel = (matchLabels: Labels = {}, matchExpressions: Requirement[] = []): LabelSelector => ({
  matchLabels,
  matchExpressions,
});
const req = (key: string, operator: Requirement["operator"], values: string[] = []): Requirement => ({
  key,
  operator,
  values,
});

describe("selectorMatches: matchLabels", () => {
  it.each<[string, Labels, Labels, boolean]>([
    ["one pair present", { app: "web" }, { app: "web" }, true],
    ["one pair with extra labels on the object", { app: "web" }, { app: "web", tier: "fe" }, true],
    ["one pair with a different value", { app: "web" }, { app: "db" }, false],
    ["one pair with the key missing", { app: "web" }, { tier: "fe" }, false],
    ["one pair against no labels", { app: "web" }, {}, false],
    ["all pairs present (AND)", { app: "web", tier: "fe" }, { app: "web", tier: "fe", x: "y" }, true],
    ["only some pairs present (AND)", { app: "web", tier: "fe" }, { app: "web" }, false],
    ["one pair of two mismatching (AND)", { app: "web", tier: "fe" }, { app: "web", tier: "be" }, false],
    ["empty value needs the key present", { app: "" }, {}, false],
    ["empty value matches an empty label", { app: "" }, { app: "" }, true],
    ["values are case-sensitive", { app: "Web" }, { app: "web" }, false],
  ])("%s", (_name, matchLabels, labels, expected) => {
    expect(selectorMatches(sel(matchLabels), labels)).toBe(expected);
  });
});

describe("selectorMatches: matchExpressions", () => {
  it.each<[string, Requirement, Labels, boolean]>([
    ["In with a listed value", req("env", "In", ["prod", "stage"]), { env: "stage" }, true],
    ["In with an unlisted value", req("env", "In", ["prod", "stage"]), { env: "dev" }, false],
    ["In with the key missing", req("env", "In", ["prod"]), {}, false],
    ["In with an empty-string value listed", req("env", "In", [""]), { env: "" }, true],
    ["NotIn with an unlisted value", req("env", "NotIn", ["prod"]), { env: "dev" }, true],
    ["NotIn with a listed value", req("env", "NotIn", ["prod", "stage"]), { env: "prod" }, false],
    ["NotIn with the key missing matches", req("env", "NotIn", ["prod"]), {}, true],
    ["NotIn with other keys only matches", req("env", "NotIn", ["prod"]), { app: "prod" }, true],
    ["Exists with the key present", req("env", "Exists"), { env: "x" }, true],
    ["Exists with an empty value", req("env", "Exists"), { env: "" }, true],
    ["Exists with the key missing", req("env", "Exists"), { app: "env" }, false],
    ["DoesNotExist with the key missing", req("env", "DoesNotExist"), { app: "x" }, true],
    ["DoesNotExist with no labels at all", req("env", "DoesNotExist"), {}, true],
    ["DoesNotExist with the key present", req("env", "DoesNotExist"), { env: "x" }, false],
  ])("%s", (_name, r, labels, expected) => {
    expect(requirementHolds(r, labels)).toBe(expected);
    expect(selectorMatches(sel({}, [r]), labels)).toBe(expected);
  });

  it.each<[string, Requirement[], Labels, boolean]>([
    [
      "all requirements hold (AND)",
      [req("env", "In", ["prod"]), req("tier", "Exists")],
      { env: "prod", tier: "fe" },
      true,
    ],
    [
      "one requirement fails (AND)",
      [req("env", "In", ["prod"]), req("tier", "Exists")],
      { env: "prod" },
      false,
    ],
    [
      "contradictory requirements never match",
      [req("env", "Exists"), req("env", "DoesNotExist")],
      { env: "prod" },
      false,
    ],
  ])("%s", (_name, exprs, labels, expected) => {
    expect(selectorMatches(sel({}, exprs), labels)).toBe(expected);
  });
});

describe("selectorMatches: empty and combined selectors", () => {
  it.each<[string, Labels]>([
    ["no labels", {}],
    ["some labels", { app: "web", env: "prod" }],
  ])("the empty selector matches an object with %s", (_name, labels) => {
    expect(selectorMatches(sel(), labels)).toBe(true);
  });

  const combined = sel({ app: "web" }, [req("env", "NotIn", ["prod"])]);
  it.each<[string, Labels, boolean]>([
    ["both matchLabels and matchExpressions hold", { app: "web", env: "dev" }, true],
    ["both hold (NotIn with key missing)", { app: "web" }, true],
    ["matchLabels holds but matchExpressions fails", { app: "web", env: "prod" }, false],
    ["matchExpressions holds but matchLabels fails", { app: "db", env: "dev" }, false],
    ["neither holds", { app: "db", env: "prod" }, false],
  ])("matchLabels AND matchExpressions: %s", (_name, labels, expected) => {
    expect(selectorMatches(combined, labels)).toBe(expected);
  });
});

describe("isEmptySelector", () => {
  it.each<[string, LabelSelector, boolean]>([
    ["no labels, no expressions", sel(), true],
    ["a matchLabels pair", sel({ a: "b" }), false],
    ["an expression", sel({}, [req("a", "Exists")]), false],
  ])("%s → %s", (_name, s, expected) => {
    expect(isEmptySelector(s)).toBe(expected);
  });
});

describe("selectorKey", () => {
  it.each<[string, LabelSelector, LabelSelector]>([
    ["matchLabels order", sel({ a: "1", b: "2" }), sel({ b: "2", a: "1" })],
    [
      "matchExpressions order",
      sel({}, [req("x", "Exists"), req("y", "In", ["1"])]),
      sel({}, [req("y", "In", ["1"]), req("x", "Exists")]),
    ],
    ["values order", sel({}, [req("x", "In", ["b", "a", "c"])]), sel({}, [req("x", "In", ["c", "a", "b"])])],
    [
      "everything shuffled at once",
      sel({ a: "1", b: "2" }, [req("x", "NotIn", ["p", "q"]), req("w", "DoesNotExist")]),
      sel({ b: "2", a: "1" }, [req("w", "DoesNotExist"), req("x", "NotIn", ["q", "p"])]),
    ],
  ])("does not depend on %s", (_name, s1, s2) => {
    expect(selectorKey(s1)).toBe(selectorKey(s2));
  });

  it.each<[string, LabelSelector, LabelSelector]>([
    ["different label values", sel({ a: "1" }), sel({ a: "2" })],
    ["different operators", sel({}, [req("x", "In", ["1"])]), sel({}, [req("x", "NotIn", ["1"])])],
    ["different values", sel({}, [req("x", "In", ["1"])]), sel({}, [req("x", "In", ["1", "2"])])],
    ["empty vs non-empty", sel(), sel({}, [req("x", "Exists")])],
  ])("distinguishes %s", (_name, s1, s2) => {
    expect(selectorKey(s1)).not.toBe(selectorKey(s2));
  });

  it("does not reorder the caller's values", () => {
    const values = ["b", "a"];
    selectorKey(sel({}, [req("x", "In", values)]));
    expect(values).toEqual(["b", "a"]);
  });

  it("the empty selector has the empty key", () => {
    expect(selectorKey(sel())).toBe("");
  });
});
