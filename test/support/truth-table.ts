/**
 * Parses the truth-table format of `simulate --format table` (and of examples' expected.txt):
 * blocks headed `PROTO/port`, a header row of pod refs, then one row per source pod of `.`/`X`.
 */
export interface ExpectedCell {
  readonly key: string; // "TCP/80 x/a y/b"
  readonly allowed: boolean;
}

export function parseTruthTable(text: string): {
  ports: string[];
  pods: string[];
  cells: Map<string, boolean>;
} {
  const cells = new Map<string, boolean>();
  const ports: string[] = [];
  let pods: string[] = [];
  for (const block of text.trim().split(/\n\s*\n/)) {
    const lines = block.split("\n").map((l) => l.trim().split(/\s+/));
    const port = lines[0]?.[0];
    if (!port || !/^(TCP|UDP|SCTP)\/\d+$/.test(port))
      throw new Error(`bad table heading: ${lines[0]?.join(" ")}`);
    ports.push(port);
    const header = lines[1] ?? [];
    if (header[0] !== "-") throw new Error(`table ${port}: header row must start with '-'`);
    pods = header.slice(1);
    for (const row of lines.slice(2)) {
      const [from, ...marks] = row;
      if (marks.length !== pods.length)
        throw new Error(`table ${port}, row ${from}: ${marks.length} cells for ${pods.length} pods`);
      marks.forEach((m, i) => {
        if (m !== "." && m !== "X")
          throw new Error(`table ${port}, row ${from}: cell "${m}" is neither . nor X`);
        cells.set(`${port} ${from} ${pods[i]}`, m === ".");
      });
    }
  }
  return { ports, pods, cells };
}
