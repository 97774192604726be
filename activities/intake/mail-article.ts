// An incoming mail as an article: its text, addresses, threading headers, all
// headers, the spam verdict, what could not be decoded, and its attachments byte
// for byte. Written once per mail: the article's idempotency key is the mail's
// intake key, so a retried activity finds the article it wrote before.

import type { Kysely } from 'kysely';
import type { ArticleKind, Database } from '../../db/schema';
import type { DecodedMail } from '../mail/decode';
import type { SpamVerdict } from '../../workflows/mail-intake-types';

export interface IncomingArticle {
  intakeKey: string;
  rawMessageId: string;
  /** Null while the mail waits for its new ticket's number. */
  ticketNumber: string | null;
  kind: ArticleKind;
  mail: DecodedMail;
  /** Replaces the mail's text (an oversize mail, a bounce's heading). */
  body?: string;
  fromAddress: string | null;
  spam?: SpamVerdict;
  problems: string[];
}

const addressList = (list: { address: string }[]) => (list.length ? list.map((a) => a.address) : null);

function headersObject(mail: DecodedMail): Record<string, string[]> {
  return Object.fromEntries(mail.headers);
}

export async function storeIncomingArticle(db: Kysely<Database>, article: IncomingArticle): Promise<string> {
  const key = `mail:${article.intakeKey}`;
  const { mail } = article;
  return db.transaction().execute(async (tx) => {
    const row = await tx
      .insertInto('articles')
      .values({
        ticket_number: article.ticketNumber,
        kind: article.kind,
        direction: 'inbound',
        channel: 'email',
        subject: mail.subject || null,
        body: article.body ?? mail.text,
        from_address: article.fromAddress,
        to_addresses: addressList(mail.to),
        cc_addresses: addressList(mail.cc),
        message_id: mail.messageId,
        in_reply_to: mail.inReplyTo,
        references: mail.references.length ? mail.references : null,
        headers: JSON.stringify(headersObject(mail)),
        idempotency_key: key,
        raw_message_id: article.rawMessageId,
        spam_score: article.spam?.score ?? null,
        spam_outcome: article.spam?.outcome ?? null,
        spam_clues: article.spam ? JSON.stringify(article.spam.clues) : null,
        mail_problems: article.problems.length ? JSON.stringify(article.problems) : null,
      })
      // A retry decided again (threading may have learnt something since): the latest decision places the article.
      .onConflict((oc) => oc.column('idempotency_key').doUpdateSet({ ticket_number: article.ticketNumber, kind: article.kind }))
      .returning('id')
      .executeTakeFirstOrThrow();
    for (const [index, file] of mail.attachments.entries()) {
      await tx
        .insertInto('article_attachments')
        .values({
          article_id: row.id,
          position: index + 1,
          filename: file.filename,
          content_type: file.contentType,
          size: file.size,
          sha256: file.sha256,
          inline: file.inline,
          content: file.content,
        })
        .onConflict((oc) => oc.columns(['article_id', 'position']).doNothing())
        .execute();
    }
    return row.id;
  });
}
