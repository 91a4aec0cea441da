/**
 * Where a field path is in JSON text, found by scanning the text (no parse into values): the offset
 * of the key that holds the field, or of the list element. Used for issue lines in JSON inputs, where
 * running the YAML parser over a large `List` would cost seconds.
 */
import { bestKey, nextIndex } from "./field-path.js";

/**
 * The offset of the deepest node along `path` in the JSON value starting at `start`: the key of a
 * mapping entry, the start of a list element, `start` itself when the path's first step is not
 * there. Undefined when the text is not JSON where the scan goes.
 */
export function jsonPathOffset(text: string, start: number, path: string): number | undefined {
  const s = new JsonScan(text);
  let at = start;
  let valueAt = start;
  let rest = path;
  while (rest !== "") {
    const c = text[valueAt];
    let step: { at: number; value: number; rest: string } | undefined | null;
    if (c === "{") step = s.member(valueAt, rest);
    else if (c === "[") step = s.element(valueAt, rest);
    else if (c === undefined) return undefined;
    if (step === null) return undefined;
    if (!step) break;
    ({ at, value: valueAt, rest } = step);
  }
  return at;
}

/** True for a character a JSON value starts with. */
function isValueStart(c: string | undefined): boolean {
  return c !== undefined && '"{[-0123456789tfn'.includes(c);
}

/** Raised inside the scan when the text is not JSON there; caught by the scan's entry points. */
class NotJson extends Error {
  constructor() {
    super("not JSON");
  }
}

class JsonScan {
  constructor(private readonly s: string) {}

  /** The member of the object at `i` that the path goes through; null when not JSON. */
  member(i: number, rest: string): { at: number; value: number; rest: string } | undefined | null {
    try {
      const keys: Array<{ key: string; at: { key: number; value: number } }> = [];
      let j = this.ws(i + 1);
      if (this.s[j] === "}") return undefined;
      for (;;) {
        if (this.s[j] !== '"') throw new NotJson();
        const end = this.stringEnd(j);
        const raw = this.s.slice(j, end);
        const key = raw.includes("\\") ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        let k = this.ws(end);
        if (this.s[k] !== ":") throw new NotJson();
        k = this.ws(k + 1);
        if (!isValueStart(this.s[k])) throw new NotJson();
        keys.push({ key, at: { key: j, value: k } });
        j = this.ws(this.valueEnd(k));
        if (this.s[j] === "}") break;
        if (this.s[j] !== ",") throw new NotJson();
        j = this.ws(j + 1);
      }
      const best = bestKey(rest, keys);
      return best && { at: best.at.key, value: best.at.value, rest: best.rest };
    } catch (e) {
      if (e instanceof NotJson || e instanceof SyntaxError) return null;
      throw e;
    }
  }

  /** The element of the array at `i` that the path's index names; null when not JSON. */
  element(i: number, rest: string): { at: number; value: number; rest: string } | undefined | null {
    const step = nextIndex(rest);
    if (!step) return undefined;
    try {
      let j = this.ws(i + 1);
      if (this.s[j] === "]") return undefined;
      for (let n = 0; ; n++) {
        if (!isValueStart(this.s[j])) throw new NotJson();
        if (n === step.index) return { at: j, value: j, rest: step.rest };
        j = this.ws(this.valueEnd(j));
        if (this.s[j] === "]") return undefined;
        if (this.s[j] !== ",") throw new NotJson();
        j = this.ws(j + 1);
      }
    } catch (e) {
      if (e instanceof NotJson) return null;
      throw e;
    }
  }

  /** Just past the value starting at `i`. */
  private valueEnd(i: number): number {
    const c = this.s[i];
    if (c === '"') return this.stringEnd(i);
    if (c !== "{" && c !== "[") {
      let j = i;
      while (j < this.s.length && !",]}\n\r\t ".includes(this.s[j] as string)) j++;
      if (j === i) throw new NotJson();
      return j;
    }
    let depth = 0;
    for (let j = i; j < this.s.length; j++) {
      const d = this.s[j];
      if (d === '"') j = this.stringEnd(j) - 1;
      else if (d === "{" || d === "[") depth++;
      else if (d === "}" || d === "]") {
        if (--depth === 0) return j + 1;
      }
    }
    throw new NotJson();
  }

  /** Just past the closing quote of the string starting at `i`. */
  private stringEnd(i: number): number {
    for (let j = i + 1; j < this.s.length; j++) {
      const c = this.s.charCodeAt(j);
      if (c === 92 /* \ */) j++;
      else if (c === 34 /* " */) return j + 1;
    }
    throw new NotJson();
  }

  private ws(i: number): number {
    let j = i;
    for (
      let c = this.s.charCodeAt(j);
      c === 32 || c === 9 || c === 10 || c === 13;
      c = this.s.charCodeAt(++j)
    );
    return j;
  }
}
