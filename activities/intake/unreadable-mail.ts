// A mail the intake could not examine for good (its decoding or storing failed
// in a way no retry fixes: see worker/activity-failures.ts) still becomes a
// ticket: an article that says why, with the raw bytes kept as they arrived,
// flagged for an agent. Nothing is refused or dropped.

import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { MailIntakeInput, MailPlan } from '../../workflows/mail-intake-types';
import { NO_CUSTOMER_ADDRESS } from '../mail/mail-addresses';
import { storableText } from '../mail/storable-text';

export const UNREADABLE_MAIL_SUBJECT = '(a mail the desk could not read)';

export async function keepUnreadableMail(db: Kysely<Database>, input: MailIntakeInput, reason: string): Promise<MailPlan> {
  const problem = storableText(`could not be read: ${reason}`).text;
  const body =
    `The desk could not read this mail (${problem}). ` +
    `It is kept exactly as it arrived (raw message ${input.rawMessageId}): an agent can download it from this article.`;
  const row = await db
    .insertInto('articles')
    .values({
      ticket_number: null,
      kind: 'inquiry',
      direction: 'inbound',
      channel: 'email',
      subject: UNREADABLE_MAIL_SUBJECT,
      body,
      idempotency_key: `mail:${input.intakeKey}`,
      raw_message_id: input.rawMessageId,
      mail_problems: JSON.stringify([problem]),
    })
    // The examination may have stored the article before it failed: it becomes this inquiry.
    .onConflict((oc) => oc.column('idempotency_key').doUpdateSet({ ticket_number: null, kind: 'inquiry', body, mail_problems: JSON.stringify([problem]) }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return { kind: 'new', articleId: row.id, ticket: { subject: UNREADABLE_MAIL_SUBJECT, customer: { email: NO_CUSTOMER_ADDRESS } } };
}
