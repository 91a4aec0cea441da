/**
 * `simulate --group-by workload --format json` (issue 12): the simulate JSON contract with
 * `"groupBy":"workload"`, `"groups":[{"name","members"}]`, group names in `from`/`to`, and
 * `"allowed": true|false|null|"mixed"` — a mixed cell has `"split"`, the member sub-groups and the
 * verdict each pair of them gets. Produced in chunks (one per row and port) for streaming.
 */
import type { Cell } from "../policy/matrix-engine.js";
import type { GroupCell, GroupedMatrix, SplitPart } from "./group-by.js";

/**
 * The whole document; `tail` holds the keys that follow `results` (`owners`, `notes`, `errors`),
 * serialised as given.
 */
export function* groupedJsonChunks(
  g: GroupedMatrix,
  tail: Readonly<Record<string, unknown>> = {},
): Generator<string> {
  const ports = g.ports.map(({ port, protocol }) => ({ port, protocol }));
  const groups = g.groups.map(({ name, members }) => ({ name, members }));
  yield `{"groupBy":"workload","ports":${JSON.stringify(ports)},"pods":${JSON.stringify(g.entries)},`;
  yield `"groups":${JSON.stringify(groups)},"results":[`;
  const names = g.groups.map((x) => JSON.stringify(x.name));
  const cellJson = new Map<GroupCell, string>();
  const fields = (c: GroupCell): string => {
    // Engine cells are interned, so most results reuse one serialisation.
    let json = cellJson.get(c);
    if (json === undefined) {
      json = JSON.stringify(verdictFields(c)).slice(1);
      if (c.kind !== "mixed") cellJson.set(c, json);
    }
    return json;
  };
  let first = true;
  for (const [k, { port, protocol }] of g.ports.entries()) {
    const at = `,"port":${port},"protocol":${JSON.stringify(protocol)},`;
    for (const row of g.rows) {
      const from = `{"from":${names[row] as string},"to":`;
      const chunk = g.columns.map(
        (col) => `${from}${names[col] as string}${at}${fields(g.cell(row, col, k))}`,
      );
      if (chunk.length === 0) continue;
      yield `${first ? "" : ","}${chunk.join(",")}`;
      first = false;
    }
  }
  yield "]";
  for (const [key, value] of Object.entries(tail)) yield `,${JSON.stringify(key)}:${JSON.stringify(value)}`;
  yield "}\n";
}

/** The verdict keys of a result: `allowed`, and `family`/`families`/`note`/`split` when they apply. */
export function verdictFields(c: GroupCell): Record<string, unknown> {
  switch (c.kind) {
    case "mixed":
      return { allowed: "mixed", split: c.split.map(splitFields) };
    case "evaluated":
    case "not-evaluated":
      return cellFields(c);
  }
}

function cellFields(c: Cell): Record<string, unknown> {
  switch (c.kind) {
    case "evaluated":
      return {
        allowed: c.allowed,
        ...(c.family ? { family: c.family } : {}),
        ...(c.families ? { families: c.families } : {}),
      };
    case "not-evaluated":
      return { allowed: null, note: c.note };
  }
}

function splitFields(p: SplitPart): Record<string, unknown> {
  return {
    from: { name: p.from.name, members: p.from.members },
    to: { name: p.to.name, members: p.to.members },
    ...cellFields(p.cell),
  };
}
