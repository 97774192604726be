// Sending an outgoing article as mail, at most once, from a Temporal activity
// that may run any number of times.
//
// The outbox row (outbound_mail) is the record:
//   (none) → compose once: the raw bytes, Message-ID and envelope are stored,
//            so every retry sends byte-identical mail with the same Message-ID;
//   pending → sending: claimed just before the SMTP transaction, with a lease;
//   sending → sent     (250 from the server, or the outbox file written);
//   sending → pending  (the server said "not now" (4xx), or was unreachable):
//                       a retryable failure, Temporal tries again;
//   sending → failed   (5xx, or a message we cannot compose): recorded on the
//                       ticket (ticket_events 'mail_failed') and a
//                       non-retryable PermanentMailFailure.
//
// The remaining window: if the process dies (or the connection breaks) after
// the server accepted the message and before 'sent' is written — between the
// server's 250 and one UPDATE — the row stays 'sending'. A retry that finds a
// row 'sending' waits until the lease is over (another attempt may still be
// in its SMTP transaction: then it throws a retryable MailSendInProgress) and
// then sends the stored bytes again. We resend rather than give up because a
// lost answer is worse than a duplicate; the duplicate carries the same
// Message-ID, so most mail clients and list servers show it once.

import { MAIL_SENDING_LEASE_MS, PERMANENT_MAIL_FAILURE } from '../../workflows/activity-contracts';
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import type { Database, OutboundMailTable } from '../../db/schema';
import { fromAddressOf, type Desks } from '../../lib/desks/desk';
import { formatReplySubject } from '../intake/ticket-tag';
import type { CharsetSetting } from '../mail/iso-2022-jp';
import { isDeliverable } from '../mail/mail-addresses';
import { composeMessage, isMessageId, type Mailbox, type OutgoingMail } from './compose-message';
import { classifySendError, type MailTransport } from './mail-transport';
import { mailsFailed, mailsSent } from '../../lib/metrics/desk-metrics';
import type { OutboundMailSettings } from './settings';

/**
 * A claimed row not finished by then is taken to be from a dead attempt. It must
 * be longer than SEND_DEADLINE_MS (25 s) and than the activity's start-to-close timeout.
 */
const SENDING_LEASE_MS = MAIL_SENDING_LEASE_MS;
/** Older references are dropped beyond this many (the first and the latest are kept), as mailers do. */
const MAX_REFERENCES = 10;

const TEMPORARY_MAIL_FAILURE = 'TemporaryMailFailure';
const MAIL_SEND_IN_PROGRESS = 'MailSendInProgress';

export interface SentMail {
  articleId: string;
  messageId: string;
  /** false when an earlier attempt had already sent it. */
  sentNow: boolean;
  /** Recipients the server refused while taking the message for the others. */
  rejected: string[];
}

type OutboxRow = Selectable<OutboundMailTable>;

export function articleMailSender(db: Kysely<Database>, desks: Desks, settings: OutboundMailSettings, transport: MailTransport) {
  /** Sends the outgoing article `articleId` (receipt notice, answer, notice) once. */
  async function sendArticleMail({ articleId }: { articleId: string }): Promise<SentMail> {
    const row = (await outboxRow(articleId)) ?? (await composeIntoOutbox(articleId));
    if (row.state === 'sent') return sentResult(row, false);
    if (row.state === 'failed') throw permanentFailure(row, row.last_error ?? 'failed earlier');

    const claimed = await claim(articleId);
    if (!claimed) {
      const now = (await outboxRow(articleId))!;
      if (now.state === 'sent') return sentResult(now, false);
      if (now.state === 'failed') throw permanentFailure(now, now.last_error ?? 'failed earlier');
      throw ApplicationFailure.create({
        type: MAIL_SEND_IN_PROGRESS,
        message: `another attempt has been sending article ${articleId} since ${now.sending_since?.toISOString()}; retrying after its lease`,
      });
    }

    try {
      const delivery = await transport.send({ raw: claimed.raw, envelope: { from: claimed.envelope_from, to: claimed.envelope_to }, name: outboxFileName(claimed) });
      const sent = await markSent(claimed, delivery.response, delivery.rejected);
      if (sent.sentNow) mailsSent.inc();
      return sent;
    } catch (error) {
      const { kind, reason, responseCode } = classifySendError(error);
      if (kind === 'permanent') {
        await markFailed(claimed, reason, responseCode);
        mailsFailed.inc({ kind: 'refused' });
        throw permanentFailure(claimed, reason);
      }
      // 'unknown': the row stays 'sending'; the retry resends after the lease (see the top of this file).
      if (kind === 'temporary') await db.updateTable('outbound_mail').set({ state: 'pending', sending_since: null, last_error: reason }).where('article_id', '=', articleId).where('state', '=', 'sending').execute();
      else await db.updateTable('outbound_mail').set({ last_error: `outcome unknown: ${reason}` }).where('article_id', '=', articleId).execute();
      throw ApplicationFailure.create({ type: TEMPORARY_MAIL_FAILURE, message: `mail for article ${articleId} not sent yet (${kind}): ${reason}` });
    }
  }

  async function outboxRow(articleId: string): Promise<OutboxRow | undefined> {
    return db.selectFrom('outbound_mail').selectAll().where('article_id', '=', articleId).executeTakeFirst();
  }

  /** Builds the message once and stores it; a message we cannot build is a failure right away. */
  async function composeIntoOutbox(articleId: string): Promise<OutboxRow> {
    const article = await db.selectFrom('articles').selectAll().where('id', '=', articleId).executeTakeFirst();
    if (!article || article.direction !== 'outbound' || !article.ticket_number) {
      // A caller's bug: retryable on purpose, so the ticket waits visibly in this activity instead of failing for good.
      throw new Error(`article ${articleId} is not an outgoing article of a ticket`);
    }
    const number = article.ticket_number;
    const ticket = await db.selectFrom('tickets').select(['subject', 'customer_email', 'customer_name', 'desk']).where('number', '=', number).executeTakeFirstOrThrow();
    const thread = await lastInboundMessage(number);
    const desk = desks.of(ticket.desk);
    const deskAddress = fromAddressOf(desk);
    // The random part keeps our Message-IDs unguessable: a reply's References decide which ticket it joins.
    const messageId = `<ticket-${number}-${articleId}.${randomBytes(6).toString('hex')}@${domainOf(deskAddress)}>`;
    const named = (address: string): Mailbox => ({ address, name: address === ticket.customer_email ? ticket.customer_name : null });
    const outgoing: OutgoingMail = {
      from: { address: deskAddress, name: desk.senderName ?? null },
      replyTo: { address: deskAddress },
      to: (article.to_addresses ?? []).map(named),
      cc: (article.cc_addresses ?? []).map((address) => ({ address })),
      subject: article.subject ?? formatReplySubject(number, ticket.subject),
      body: article.body,
      messageId,
      inReplyTo: thread?.messageId,
      references: thread?.references,
      date: new Date(),
      ticketNumber: number,
      automatic: article.kind !== 'answer',
    };
    const values = outboxRowFor(articleId, outgoing, settings.charset);

    let won = false;
    await db.transaction().execute(async (tx) => {
      const inserted = await tx.insertInto('outbound_mail').values(values).onConflict((oc) => oc.column('article_id').doNothing()).returning('article_id').executeTakeFirst();
      // Only the attempt whose row won writes the threading onto the article, so article and bytes agree.
      if (!inserted) return;
      won = true;
      await tx
        .updateTable('articles')
        .set({ message_id: messageId, in_reply_to: thread?.messageId ?? null, references: thread?.references ?? null })
        .where('id', '=', articleId)
        .execute();
      if (values.state === 'failed') await insertEvent(tx, values, 'mail_failed', failureDetail(values, values.last_error ?? ''));
    });
    // Counted once, by the attempt whose failed row was committed; retries find it 'failed' and count nothing.
    if (won && values.state === 'failed') mailsFailed.inc({ kind: 'unsendable' });
    const row = (await outboxRow(articleId))!;
    if (row.state === 'failed') throw permanentFailure(row, row.last_error ?? 'cannot compose the mail');
    return row;
  }

  /** The customer's latest mail on the ticket, which our mail answers. */
  async function lastInboundMessage(number: string): Promise<{ messageId: string; references: string[] } | undefined> {
    const last = await db
      .selectFrom('articles')
      .select(['message_id', 'references'])
      .where('ticket_number', '=', number)
      .where('direction', '=', 'inbound')
      .where('message_id', 'is not', null)
      .orderBy('id', 'desc')
      .executeTakeFirst();
    // An inbound id that is not well-formed would make our mail unsendable: thread without it.
    if (!last?.message_id || !isMessageId(last.message_id)) return undefined;
    const chain = [...new Set([...(last.references ?? []).filter(isMessageId), last.message_id])];
    const references = chain.length > MAX_REFERENCES ? [chain[0], ...chain.slice(-(MAX_REFERENCES - 1))] : chain;
    return { messageId: last.message_id, references };
  }

  /** pending, or sending past its lease → sending, for this attempt. Undefined when someone else has it. */
  async function claim(articleId: string): Promise<OutboxRow | undefined> {
    return db
      .updateTable('outbound_mail')
      .set({ state: 'sending', sending_since: sql`now()`, attempts: sql`attempts + 1` })
      .where('article_id', '=', articleId)
      .where((eb) =>
        eb.or([
          eb('state', '=', 'pending'),
          eb.and([eb('state', '=', 'sending'), eb('sending_since', '<', sql<Date>`now() - ${`${SENDING_LEASE_MS} milliseconds`}::interval`)]),
        ]),
      )
      .returningAll()
      .executeTakeFirst();
  }

  async function markSent(row: OutboxRow, response: string, rejected: string[]): Promise<SentMail> {
    await db.transaction().execute(async (tx) => {
      await tx
        .updateTable('outbound_mail')
        .set({ state: 'sent', sent_at: sql`now()`, sending_since: null, server_response: response, rejected: rejected.length ? rejected : null, last_error: null })
        .where('article_id', '=', row.article_id)
        .execute();
      if (rejected.length) {
        await insertEvent(tx, row, 'mail_partly_rejected', { articleId: row.article_id, messageId: row.message_id, rejected, response });
      }
    });
    return { articleId: row.article_id, messageId: row.message_id, sentNow: true, rejected };
  }

  async function markFailed(row: OutboxRow, reason: string, responseCode?: number): Promise<void> {
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('outbound_mail').set({ state: 'failed', sending_since: null, last_error: reason }).where('article_id', '=', row.article_id).execute();
      await insertEvent(tx, row, 'mail_failed', failureDetail(row, reason, responseCode));
    });
  }

  return { sendArticleMail };
}

type RowIdentity = Pick<OutboxRow, 'article_id' | 'ticket_number' | 'message_id' | 'envelope_to'>;

/** The outbox row for a new message: 'pending' with its bytes, or 'failed' when it cannot be composed. */
function outboxRowFor(articleId: string, mail: OutgoingMail, charset: CharsetSetting): Insertable<OutboundMailTable> & RowIdentity {
  const base = {
    article_id: articleId,
    ticket_number: mail.ticketNumber,
    message_id: mail.messageId,
    envelope_from: mail.from.address,
    envelope_to: [...mail.to, ...(mail.cc ?? [])].map((m) => m.address),
  };
  // A ticket whose mail named nobody readable waits for an agent to set its customer: the desk never guesses an address.
  if (!mail.to.some((m) => isDeliverable(m.address))) {
    const reason = `no address to write to: ${mail.to.map((m) => m.address).join(', ') || 'no recipient'} reaches nobody (the sender's address could not be read): set the ticket's requester (POST /api/tickets/:number/parties) before writing to the customer`;
    return { ...base, state: 'failed', charset: '', raw: Buffer.alloc(0), last_error: reason };
  }
  try {
    const composed = composeMessage(mail, charset);
    return { ...base, state: 'pending', charset: composed.charset, raw: composed.raw, envelope_to: composed.envelope.to };
  } catch (error) {
    const reason = `cannot compose the mail: ${error instanceof Error ? error.message : String(error)}`;
    return { ...base, state: 'failed', charset: '', raw: Buffer.alloc(0), last_error: reason };
  }
}

function failureDetail(row: RowIdentity, reason: string, responseCode?: number) {
  return { articleId: row.article_id, messageId: row.message_id, to: row.envelope_to, reason, ...(responseCode ? { responseCode } : {}) };
}

/** One line per article and kind however often it is retried. */
async function insertEvent(db: Kysely<Database>, row: RowIdentity, kind: string, detail: Record<string, unknown>): Promise<void> {
  // Mail of no ticket (the portal's sign-in link) has no history to write on.
  if (row.ticket_number === null) return;
  await db
    .insertInto('ticket_events')
    .values({
      ticket_number: row.ticket_number,
      event_key: `${row.ticket_number}:${kind}:${row.article_id}`,
      kind,
      actor: null,
      detail: JSON.stringify(detail),
      at: new Date(),
    })
    .onConflict((oc) => oc.column('event_key').doNothing())
    .execute();
}

function permanentFailure(row: OutboxRow, reason: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: PERMANENT_MAIL_FAILURE,
    message: `mail for article ${row.article_id} (ticket ${row.ticket_number}) cannot be delivered: ${reason}`,
    nonRetryable: true,
    details: [{ articleId: row.article_id, ticketNumber: row.ticket_number, reason }],
  });
}

function sentResult(row: OutboxRow, sentNow: boolean): SentMail {
  return { articleId: row.article_id, messageId: row.message_id, sentNow, rejected: row.rejected ?? [] };
}

function outboxFileName(row: OutboxRow): string {
  return `ticket-${row.ticket_number}-${row.article_id}`;
}

function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1);
}

