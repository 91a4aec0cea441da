/**
 * Echoing user values in messages. A label value, a CIDR or a field name can be megabytes long (a
 * fuzzer's, or a file pasted into a value); a message shows at most about 80 characters of it,
 * then its length, so one bad value cannot flood a terminal or a CI log (issue 12: "Messages show
 * at most ~80 characters of a user value, with its length").
 */

/** How many characters of a user value a message shows by default. */
export const QUOTE_MAX = 80;

/**
 * `text` JSON-quoted; when longer than `max` characters (Unicode code points), only its first `max`
 * characters are quoted, followed by `… (N characters)` with N the full length:
 * `"aaaa…"… (2097152 characters)` reads as "a value that starts so, this long".
 */
export function quoteValue(text: string, max = QUOTE_MAX): string {
  const head = prefix(text, max);
  if (head.length === text.length) return JSON.stringify(text);
  return `${JSON.stringify(head)}… (${codePoints(text)} characters)`;
}

/**
 * A name that ends up in a field path or message unquoted (a map key, an unknown field's name):
 * as is when at most `max` characters, else its first `max` characters and `… (N characters)`.
 */
export function clipName(text: string, max = QUOTE_MAX): string {
  const head = prefix(text, max);
  if (head.length === text.length) return text;
  return `${head}… (${codePoints(text)} characters)`;
}

/** The first `max` code points of `text` (never half a surrogate pair). */
function prefix(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  for (let n = 0; n < max && end < text.length; n++) {
    const c = text.charCodeAt(end);
    end += c >= 0xd800 && c <= 0xdbff && end + 1 < text.length ? 2 : 1;
  }
  return text.slice(0, end);
}

function codePoints(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) i++;
    n++;
  }
  return n;
}
