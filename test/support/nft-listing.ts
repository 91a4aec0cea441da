/**
 * netguard's tables as listed by the kernel (`nft -j list table`), normalised so two tables that
 * enforce the same thing compare equal as text whatever order they were built in: handles and
 * counter values are dropped, set and map elements sorted, rules kept in chain order.
 */
import type { Exec } from "../../src/sys/exec.js";
import { inNetns } from "../../src/sys/exec.js";

type NftObject = Record<string, Record<string, unknown>>;

const TABLES = [
  ["inet", "netguard"],
  ["bridge", "netguard"],
] as const;

/** Both of netguard's tables in `netns`, normalised (a missing table is listed as `missing`). */
export async function normalizedTables(exec: Exec, netns: string): Promise<string> {
  const out: string[] = [];
  for (const [family, name] of TABLES) {
    const r = await inNetns(exec, netns)("nft", ["-j", "list", "table", family, name]);
    out.push(`${family} ${name}: ${r.code === 0 ? normalizeListing(r.stdout) : "missing"}`);
  }
  return out.join("\n");
}

/** One `nft -j list table` output, normalised; one object per line for readable diffs. */
export function normalizeListing(json: string): string {
  const objects = (JSON.parse(json) as { nftables: NftObject[] }).nftables;
  const lines: string[] = [];
  for (const o of objects) {
    const [type, body] = Object.entries(o)[0] ?? [];
    if (!type || !body || type === "metainfo") continue;
    const { handle: _h, packets: _p, bytes: _b, ...rest } = body;
    if (Array.isArray(rest.elem)) rest.elem = rest.elem.map((e) => JSON.stringify(e)).sort();
    lines.push(`${type} ${JSON.stringify(rest)}`);
  }
  // Rules keep their order within a chain; everything else is sorted.
  const rules = lines.filter((l) => l.startsWith("rule "));
  const rest = lines.filter((l) => !l.startsWith("rule ")).sort();
  const chainOf = (l: string) => (JSON.parse(l.slice(5)) as { chain: string }).chain;
  const byChain = [...new Set(rules.map(chainOf))].sort();
  return ["", ...rest, ...byChain.flatMap((c) => rules.filter((l) => chainOf(l) === c))].join("\n");
}
