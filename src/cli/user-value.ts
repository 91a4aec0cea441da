/**
 * A value the user typed, echoed in a message: at most ~80 characters, then how long it was, so a
 * pasted 2 MB string never fills the terminal.
 */

/** Characters of a user value a message shows. */
export const SHOWN_CHARS = 80;

/** The value itself when short, else its first 80 characters, `…` and its length. */
export function shown(value: string): string {
  return value.length <= SHOWN_CHARS ? value : `${value.slice(0, SHOWN_CHARS)}… (${value.length} characters)`;
}
