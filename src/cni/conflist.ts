/**
 * Adds netguard to, and removes it from, a CNI network configuration list (the `.conflist` the
 * container runtime reads from `/etc/cni/net.d`, e.g. Flannel's `10-flannel.conflist`). Pure functions
 * over the file's text: no I/O. Problems are returned as values naming the JSON path.
 *
 * CNI spec, "Network Configuration Lists": the runtime runs `plugins` in order on ADD and passes each
 * plugin the previous one's result (`prevResult`); netguard needs the pod's final addresses, so it is
 * chained last.
 */

/** The CNI `type` (binary name) of netguard's plugin. */
export const NETGUARD_TYPE = "netguard";

/** The plugin entry netguard puts in `plugins`: its `type` must be {@link NETGUARD_TYPE}. */
export interface NetguardEntry {
  readonly type: string;
  readonly [key: string]: unknown;
}

/**
 * The outcome of an edit: the new text (2-space JSON, trailing newline) and whether the configuration
 * differs from the input (formatting aside: when false nothing needs writing), or why it was refused.
 */
export type ConflistEdit =
  | { readonly text: string; readonly changed: boolean; readonly warnings: readonly string[] }
  | { readonly error: string };

type JsonObject = { [key: string]: unknown };

interface Conflist {
  readonly root: JsonObject;
  readonly plugins: readonly JsonObject[];
  readonly warnings: readonly string[];
}

/**
 * Chains `entry` as the last plugin, or replaces an existing netguard plugin in place (so running it
 * twice changes nothing). Every other plugin and field keeps its value and order. A list without a
 * `flannel` plugin is still edited, with a warning.
 */
export function installNetguard(text: string, entry: NetguardEntry): ConflistEdit {
  if (entry.type !== NETGUARD_TYPE) {
    return { error: `entry.type: expected "${NETGUARD_TYPE}", found ${JSON.stringify(entry.type)}` };
  }
  const parsed = parseConflist(text);
  if ("error" in parsed) return parsed;
  const { plugins } = parsed;
  if (plugins.length === 0) {
    return { error: "plugins: empty; netguard chains after an interface plugin (flannel) and there is none" };
  }
  const at = netguardIndexes(plugins);
  const warnings = [...parsed.warnings];
  const first = at[0];
  let next: unknown[];
  if (first === undefined) {
    next = [...plugins, entry];
  } else {
    next = plugins.flatMap((p, i) => (i === first ? [entry] : at.includes(i) ? [] : [p]));
    if (first === 0 && plugins.length > 1) {
      warnings.push(
        'plugins[0]: netguard runs before every other plugin and gets no prevResult; move it last (or run "cni uninstall" then "cni install")',
      );
    }
    if (at.length > 1) {
      const dups = at.slice(1).map((i) => `plugins[${i}]`);
      warnings.push(
        `${dups.join(", ")}: duplicate netguard plugins removed; the one at plugins[${first}] is kept`,
      );
    }
  }
  if (!plugins.some((p) => p.type === "flannel")) {
    const types = plugins.map((p) => JSON.stringify(p.type)).join(", ");
    warnings.push(
      `plugins: no "flannel" plugin (found ${types}); netguard is made for Flannel's pod network, chained anyway`,
    );
  }
  return render(parsed.root, next, warnings);
}

/** True when the list already chains a netguard plugin (whatever its settings). */
export function hasNetguard(text: string): boolean {
  const parsed = parseConflist(text);
  return !("error" in parsed) && netguardIndexes(parsed.plugins).length > 0;
}

/** Removes every netguard plugin from the list; a list without one is returned unchanged. */
export function uninstallNetguard(text: string): ConflistEdit {
  const parsed = parseConflist(text);
  if ("error" in parsed) return parsed;
  const kept = parsed.plugins.filter((p) => p.type !== NETGUARD_TYPE);
  return render(parsed.root, kept, [...parsed.warnings]);
}

function netguardIndexes(plugins: readonly JsonObject[]): number[] {
  return plugins.flatMap((p, i) => (p.type === NETGUARD_TYPE ? [i] : []));
}

function render(root: JsonObject, plugins: readonly unknown[], warnings: string[]): ConflistEdit {
  // Spreading keeps `plugins` at its original position among the list's keys.
  const next = { ...root, plugins };
  return {
    text: `${JSON.stringify(next, null, 2)}\n`,
    changed: JSON.stringify(next) !== JSON.stringify(root),
    warnings,
  };
}

function parseConflist(text: string): Conflist | { error: string } {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    return { error: `malformed JSON at ${jsonErrorMessage(text, e)}` };
  }
  if (!isObject(root)) return { error: `top level: expected a JSON object, found ${kindOf(root)}` };
  if (!("plugins" in root)) {
    if (typeof root.type === "string") {
      return {
        error:
          `top level: this is a single-plugin network configuration (type ${JSON.stringify(root.type)}, ` +
          'no "plugins"); netguard is a chained plugin and needs a configuration list: rewrite it as a ' +
          '.conflist {"cniVersion": ..., "name": ..., "plugins": [{"type": ..., ...}]}',
      };
    }
    return { error: 'plugins: missing; a CNI configuration list needs a "plugins" array' };
  }
  const plugins = root.plugins;
  if (!Array.isArray(plugins)) return { error: `plugins: expected an array, found ${kindOf(plugins)}` };
  for (const [i, p] of plugins.entries()) {
    if (!isObject(p)) return { error: `plugins[${i}]: expected an object, found ${kindOf(p)}` };
    if (typeof p.type !== "string" || p.type === "") {
      return { error: `plugins[${i}].type: expected a non-empty string, found ${kindOf(p.type)}` };
    }
  }
  return { root, plugins: plugins as JsonObject[], warnings: fidelityWarnings(text, root) };
}

/**
 * The file is rewritten from its parsed form. When that form differs from the original beyond
 * whitespace (duplicate keys, number spellings such as `1.0`, escapes, integer-like keys, which
 * JavaScript objects reorder), the operator is told where.
 */
function fidelityWarnings(text: string, root: JsonObject): string[] {
  const original = stripWhitespace(text);
  const reparsed = JSON.stringify(root);
  if (original === reparsed) return [];
  let i = 0;
  while (i < original.length && original[i] === reparsed[i]) i++;
  const near = original.slice(Math.max(0, i - 20), i + 20);
  return [
    `the file is rewritten in normalised JSON, which differs from the original beyond whitespace near ${JSON.stringify(near)} (duplicate keys, number spellings, escapes or key order); check the result`,
  ];
}

/** Removes the whitespace between JSON tokens, leaving strings as written. */
function stripWhitespace(text: string): string {
  let out = "";
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === "\\") out += text[++i] ?? "";
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

function jsonErrorMessage(text: string, e: unknown): string {
  const message = (e instanceof Error ? e.message : String(e))
    .replace(/ in JSON at position \d+.*$/s, "")
    .replace(/, \S*".*" is not valid JSON$/s, "");
  const before = text.slice(0, errorOffset(text)).split("\n");
  const column = (before[before.length - 1] ?? "").length + 1;
  return `line ${before.length}, column ${column}: ${message}`;
}

/**
 * Where parsing fails: the longest prefix that is still the start of some JSON text. V8 names the
 * position for some errors only ("Unexpected token" has none), so it is searched for.
 */
function errorOffset(text: string): number {
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (isJsonPrefix(text.slice(0, mid))) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function isJsonPrefix(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return true;
  } catch (e) {
    const message = e instanceof Error ? e.message : "";
    if (message.includes("Unexpected end of JSON input")) return true;
    const at = /at position (\d+)/.exec(message);
    return at !== null && Number(at[1]) >= prefix.length;
  }
}

function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === undefined) return "nothing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  return typeof v === "object" ? "an object" : `${typeof v} ${JSON.stringify(v)}`;
}
