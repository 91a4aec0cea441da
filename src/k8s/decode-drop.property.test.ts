/**
 * Drop mode decodes an object as if its unknown fields were absent (what the API server stores with
 * field validation Warn): adding an unknown field anywhere the decoder checks fields changes nothing
 * but one `unknown-field` error at its path.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { numRuns, randomPolicy } from "../../test/gen/cluster.js";
import type { Issue } from "../issue/issue.js";
import { decodeObject } from "./decode-object.js";

type Json = Record<string, unknown>;

/** Keys no level of a NetworkPolicy knows: typos, another direction's and made-up names. */
const UNKNOWN_KEYS = ["matchLabel", "_from", "exept", "endport", "podselector", "selector", "x-extra"];
/** Objects whose keys are data (maps) or whose fields the decoder does not check. */
const NOT_CHECKED = new Set(["metadata", "matchLabels", "status"]);

/** The rule lists a policy's `policyTypes` leave unread (the API check reports what is in them). */
function unread(policy: Json): Set<string> {
  const spec = policy.spec as Json;
  const types = spec.policyTypes as string[] | undefined;
  if (!types) return new Set();
  return new Set(
    ["Ingress", "Egress"].filter((t) => !types.includes(t)).map((t) => `spec.${t.toLowerCase()}`),
  );
}

/** Every object node the decoder checks the fields of, with its field path. */
function checkedObjects(
  v: unknown,
  path: string,
  out: Array<{ node: Json; path: string }>,
  skip: ReadonlySet<string>,
): void {
  if (skip.has(path)) return;
  if (Array.isArray(v)) {
    v.forEach((item, i) => checkedObjects(item, `${path}[${i}]`, out, skip));
    return;
  }
  if (typeof v !== "object" || v === null) return;
  const node = v as Json;
  out.push({ node, path });
  for (const [k, child] of Object.entries(node)) {
    if (!NOT_CHECKED.has(k)) checkedObjects(child, path ? `${path}.${k}` : k, out, skip);
  }
}

function decode(value: unknown): { value: unknown; issues: Issue[] } {
  const { decoded, issues } = decodeObject(value, { file: "f.yaml", line: 1 }, { unknownFields: "drop" });
  return { value: decoded?.value, issues };
}

describe("drop mode reads an object as if its unknown fields were absent", () => {
  it("adding an unknown field anywhere it reads adds one unknown-field error at its path and changes nothing else", () => {
    fc.assert(
      fc.property(
        randomPolicy("p"),
        fc.nat(),
        fc.constantFrom(...UNKNOWN_KEYS),
        fc.jsonValue(),
        (generated, at, key, junk) => {
          // A JSON copy: the generator shares objects between places (structuredClone keeps that).
          const text = JSON.stringify(generated);
          const before = decode(JSON.parse(text));
          const mutated = JSON.parse(text) as Json;
          const nodes: Array<{ node: Json; path: string }> = [];
          checkedObjects(mutated, "", nodes, unread(mutated));
          const target = nodes[at % nodes.length];
          if (!target) throw new Error("no object node");
          target.node[key] = junk;
          const after = decode(mutated);
          const path = target.path ? `${target.path}.${key}` : key;
          const added = after.issues.filter(
            (i) => !before.issues.some((b) => b.path === i.path && b.code === i.code),
          );
          expect(added.map((i) => `${i.code} ${i.path}`)).toEqual([`unknown-field ${path}`]);
          expect(after.issues.length).toBe(before.issues.length + 1);
          expect(after.value).toEqual(before.value);
        },
      ),
      { numRuns: numRuns(300) },
    );
  });
});
