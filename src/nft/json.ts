/**
 * The one reader of `nft -j` output (libnftables JSON, `{"nftables": [{"<kind>": {...}}, ...]}`)
 * in netguard: the drift check and the drop metrics both go through it. Only the objects and
 * fields netguard reads are kept; a field of the wrong type makes the whole listing unreadable
 * rather than silently partial.
 */

/** An object of a listing, tagged with its nft kind. */
export type NftObject =
  | { readonly kind: "table"; readonly family: string; readonly name: string }
  | { readonly kind: "chain"; readonly family: string; readonly table: string; readonly name: string }
  | { readonly kind: "rule"; readonly family: string; readonly table: string; readonly chain: string }
  | {
      readonly kind: "set" | "map";
      readonly family: string;
      readonly table: string;
      readonly name: string;
      /** How many elements the listing shows. */
      readonly elements: number;
    }
  | {
      readonly kind: "counter";
      readonly family: string;
      readonly table: string;
      readonly name: string;
      readonly packets: number;
      readonly bytes: number;
    };

type Fields = Readonly<Record<string, unknown>>;

/** Parses `nft -j list …` text; undefined when it is not such a listing. */
export function parseNftJson(text: string): NftObject[] | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  const list = isObject(doc) ? doc.nftables : undefined;
  if (!Array.isArray(list)) return undefined;
  const out: NftObject[] = [];
  for (const entry of list as unknown[]) {
    if (!isObject(entry)) return undefined;
    for (const [kind, body] of Object.entries(entry)) {
      if (!isObject(body)) return undefined;
      const o = objectOf(kind, body);
      if (o === "bad") return undefined;
      if (o) out.push(o);
    }
  }
  return out;
}

function objectOf(kind: string, f: Fields): NftObject | undefined | "bad" {
  const family = f.family;
  const table = f.table;
  const name = f.name;
  switch (kind) {
    case "table":
      return str(family) && str(name) ? { kind, family, name } : "bad";
    case "chain":
      return str(family) && str(table) && str(name) ? { kind, family, table, name } : "bad";
    case "rule":
      return str(family) && str(table) && str(f.chain) ? { kind, family, table, chain: f.chain } : "bad";
    case "set":
    case "map": {
      const elem = f.elem ?? [];
      if (!str(family) || !str(table) || !str(name) || !Array.isArray(elem)) return "bad";
      return { kind, family, table, name, elements: elem.length };
    }
    case "counter": {
      const packets = f.packets ?? 0;
      const bytes = f.bytes ?? 0;
      if (!str(family) || !str(table) || !str(name) || !num(packets) || !num(bytes)) return "bad";
      return { kind, family, table, name, packets, bytes };
    }
    default:
      return undefined; // metainfo and kinds netguard does not create
  }
}

function isObject(v: unknown): v is Fields {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): v is string {
  return typeof v === "string";
}

function num(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}
