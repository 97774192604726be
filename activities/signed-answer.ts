// How a desk closes what its agents write (the other things a desk changes in
// a ticket's mail are read where the mail is built, from the desk the
// ticket's read-model row names: lib/desks/desk.ts).
import type { Desk } from '../lib/desks/desk';

/** An answer as mailed: the agent's text, then the desk's signature after the usual `-- ` line. */
export function signed(body: string, desk: Desk): string {
  return desk.signature ? `${body.replace(/\s+$/, '')}\n\n-- \n${desk.signature}\n` : body;
}
