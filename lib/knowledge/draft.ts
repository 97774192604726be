// A knowledge record's first draft, taken from the ticket it comes from (pure).
// The agent edits it before saving: it is a start, not a record. What the
// customer asked is the symptom; what the desk answered and how the ticket
// was closed is the fix; the cause is what the agent alone knows.
import type { RecordFields } from './record-rules';

/** What the draft is made from (db/knowledge-records.ts reads it from the read model and the articles). */
export interface TicketForDraft {
  number: string;
  subject: string;
  inquiry: string | null;
  lastAnswer: string | null;
  resolution: string | null;
}

export type RecordDraft = RecordFields & { ticketNumbers: string[] };

/** The longest text the draft carries per field: the schemas' limit (api/knowledge-schemas.ts). */
export const MAX_RECORD_TEXT = 50_000;

/**
 * Control characters a record may not hold (api/knowledge-schemas.ts refuses
 * them), which a mail's body can still carry: left out, so that saving the
 * prefilled form is never refused for a character the agent cannot see.
 */
const UNSTORABLE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function draftFromTicket(ticket: TicketForDraft): RecordDraft {
  return {
    symptom: joined([ticket.subject, ticket.inquiry]),
    cause: '',
    fix: joined([ticket.lastAnswer, ticket.resolution]),
    product: null,
    version: null,
    keywords: [],
    public: false,
    ticketNumbers: [ticket.number],
  };
}

function joined(parts: (string | null)[]): string {
  const text = parts
    .map((p) => (p ?? '').replace(UNSTORABLE, '').trim())
    .filter(Boolean)
    .join('\n\n');
  const cut = text.slice(0, MAX_RECORD_TEXT);
  // A cut between the two halves of a surrogate pair would leave a lone half.
  return (/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut).trim();
}
