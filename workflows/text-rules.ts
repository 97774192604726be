// Which characters a text the desk keeps may hold: one rule for the API (every
// string it takes) and the ticket rules (every command a workflow accepts, so a
// caller that reaches Temporal directly cannot jam a ticket either). Pure: the
// workflow sandbox imports it.

/** C0 and C1 controls (and DEL) but tab, CR and LF: refused in every string. */
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LINE_BREAK = /[\r\n]/;
/** With the u flag a well-formed pair is one code point: \p{Cs} matches only a surrogate standing alone. */
const LONE_SURROGATE = /\p{Cs}/u;

const codePoint = (ch: string) => `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** Why `value` is refused, or undefined. */
export function stringProblem(value: string, lines = false): string | undefined {
  if (!lines) {
    const lineBreak = LINE_BREAK.exec(value);
    if (lineBreak) return 'must be one line (no CR or LF)';
  }
  const control = CONTROLS.exec(value);
  if (control) {
    return `must not contain control characters: ${codePoint(control[0])} at position ${control.index} (tab${lines ? ', CR and LF are' : ' is'} allowed)`;
  }
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return `is not valid Unicode: a lone surrogate ${codePoint(surrogate[0])} at position ${surrogate.index}`;
  return undefined;
}
