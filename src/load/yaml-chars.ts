/**
 * The characters that send a line of a document from the fast block reader (yaml-block.ts) to the
 * `yaml` package.
 */

/**
 * Tabs, CR (other than ending a line), a byte-order mark, characters YAML does not allow unescaped
 * or treats specially, and the Unicode spaces (no-break space and the rest of category Zs), which
 * JavaScript's trim removes but YAML keeps as content: with them gone, trimming here trims spaces.
 */
function isUnusual(c: number): boolean {
  if (c < 0x7f) return c < 0x20 && c !== 0x0a; // controls and tab; LF never occurs inside a line
  if (c <= 0xa0) return true; // DEL, C1 controls, no-break space
  if (c < 0x1680) return false;
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    (c >= 0xd800 && c <= 0xdfff) ||
    c === 0xfeff ||
    c === 0xfffe ||
    c === 0xffff
  );
}

/** Whether a line holds any of the characters above (UTF-16 code units, surrogates included). */
export function hasUnusualCharacter(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (isUnusual(line.charCodeAt(i))) return true;
  return false;
}
