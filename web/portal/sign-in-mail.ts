// The portal's sign-in link, mailed through the product's outbox: an outgoing
// article (kind 'notice', no ticket, the link left out of its stored text) and
// one outbound_mail row (ticket_number NULL) with the exact bytes, composed by
// composeMessage under the desk's charset rule (ISO-2022-JP, or the fallback),
// then handed to SMTP_URL or written to DATA_DIR/outbox at once.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { composeMessage } from '../../activities/outbound-mail/compose-message';
import { outboxDirectoryTransport, smtpTransport, type MailTransport } from '../../activities/outbound-mail/mail-transport';
import { outboundMailSettings } from '../../activities/outbound-mail/settings';
import type { Database } from '../../db/schema';
import type { Config } from '../../lib/config';
import { log } from '../../lib/log';
import type { PortalStrings } from './i18n';

const LINK_PLACEHOLDER = '[sign-in link]';

/** `from`: the default desk's address, the portal's sender. */
export function signInMailer(db: Kysely<Database>, config: Config, from: string) {
  const settings = outboundMailSettings(config);
  const transport: MailTransport = settings.smtpUrl ? smtpTransport(settings.smtpUrl) : outboxDirectoryTransport(settings.outboxDir);
  const domain = from.slice(from.lastIndexOf('@') + 1);

  return async function sendSignInLink(to: { address: string; name: string | null }, link: string, t: PortalStrings): Promise<void> {
    const subject = t.mail.subject;
    const body = t.mail.body(to.name, link);
    const articleKey = `portal-link:${randomBytes(12).toString('hex')}`;
    const article = await db
      .insertInto('articles')
      .values({
        ticket_number: null,
        kind: 'notice',
        direction: 'outbound',
        channel: 'email',
        author: null,
        subject,
        body: body.replace(link, LINK_PLACEHOLDER),
        from_address: from,
        to_addresses: [to.address],
        cc_addresses: [],
        idempotency_key: articleKey,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const messageId = `<portal-${article.id}.${randomBytes(6).toString('hex')}@${domain}>`;
    const composed = composeMessage(
      {
        from: { address: from },
        replyTo: { address: from },
        to: [{ address: to.address, name: to.name }],
        subject,
        body,
        messageId,
        date: new Date(),
        ticketNumber: 'portal',
        automatic: true,
      },
      settings.charset,
    );
    await db
      .insertInto('outbound_mail')
      .values({
        article_id: article.id,
        ticket_number: null,
        state: 'sending',
        sending_since: new Date(),
        attempts: 1,
        message_id: messageId,
        envelope_from: from,
        envelope_to: composed.envelope.to,
        charset: composed.charset,
        raw: composed.raw,
      })
      .execute();
    await db.updateTable('articles').set({ message_id: messageId }).where('id', '=', article.id).execute();
    try {
      const delivery = await transport.send({ raw: composed.raw, envelope: { from, to: composed.envelope.to }, name: `portal-${article.id}` });
      await db
        .updateTable('outbound_mail')
        .set({ state: 'sent', sent_at: sql`now()`, sending_since: null, server_response: delivery.response, rejected: delivery.rejected.length ? delivery.rejected : null })
        .where('article_id', '=', article.id)
        .execute();
    } catch (error) {
      // A link is worth 15 minutes: not retried; the customer asks again.
      const reason = error instanceof Error ? error.message : String(error);
      await db.updateTable('outbound_mail').set({ state: 'failed', sending_since: null, last_error: reason }).where('article_id', '=', article.id).execute();
      log.warn({ err: error, articleId: article.id }, 'the portal sign-in mail could not be sent');
    }
  };
}
