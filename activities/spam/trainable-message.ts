// Finds what to train for an article or a raw mail: its training key and the
// tokenizer's input. A mail is trained from its raw bytes under `raw:<id>`, so
// the API, the ticket's spam mark and the intake all name it the same way;
// an article without a mail (phone, web) is trained from its own text.

import type { Kysely } from 'kysely';
import { decodeMail } from '../mail/decode';
import type { Database } from '../../db/schema';
import { messageForTokens } from './from-decoded-mail';
import type { MessageForTokens } from './tokenize';

export interface TrainableMessage {
  key: string;
  message: MessageForTokens;
  /** The ticket the message belongs to, if any (for the audit log). */
  ticketNumber: string | null;
}

const rawMessageKey = (rawMessageId: string) => `raw:${rawMessageId}`;
const articleKey = (articleId: string) => `article:${articleId}`;

export async function trainableRawMessage(db: Kysely<Database>, rawMessageId: string): Promise<TrainableMessage | undefined> {
  const row = await db.selectFrom('raw_messages').select(['id', 'raw']).where('id', '=', rawMessageId).executeTakeFirst();
  if (!row) return undefined;
  const ticket = await db.selectFrom('articles').select('ticket_number').where('raw_message_id', '=', rawMessageId).orderBy('id').executeTakeFirst();
  return { key: rawMessageKey(row.id), message: messageForTokens(decodeMail(row.raw)), ticketNumber: ticket?.ticket_number ?? null };
}

export async function trainableArticle(db: Kysely<Database>, articleId: string): Promise<TrainableMessage | undefined> {
  const article = await db
    .selectFrom('articles')
    .leftJoin('tickets', 'tickets.number', 'articles.ticket_number')
    .select(['articles.id', 'articles.ticket_number', 'articles.subject', 'articles.body', 'articles.from_address', 'articles.raw_message_id', 'tickets.subject as ticket_subject'])
    .where('articles.id', '=', articleId)
    .executeTakeFirst();
  if (!article) return undefined;
  if (article.raw_message_id) {
    const mail = await trainableRawMessage(db, article.raw_message_id);
    if (mail) return { ...mail, ticketNumber: article.ticket_number };
  }
  return {
    key: articleKey(article.id),
    message: {
      subject: article.subject ?? article.ticket_subject ?? '',
      from: article.from_address ?? undefined,
      text: article.body,
      contentTypes: [],
      charsets: [],
    },
    ticketNumber: article.ticket_number,
  };
}

/** The customer's first message on the ticket: what made it a ticket. */
export async function firstInboundArticleId(db: Kysely<Database>, ticketNumber: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('articles')
    .select('id')
    .where('ticket_number', '=', ticketNumber)
    .where('direction', '=', 'inbound')
    .orderBy('id')
    .executeTakeFirst();
  return row?.id;
}
