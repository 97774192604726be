// Notices to staff about a ticket: SLA warning, SLA breach, escalation. Each is
// stored as an outgoing article (kind 'notice') once per key, then mailed the
// same way as replies to customers (sendArticleMail).

import type { Kysely } from 'kysely';
import { writeOutgoingArticle } from '../../db/articles';
import type { Database } from '../../db/schema';
import { fromAddressOf, type Desks } from '../../lib/desks/desk';
import { ticketTag } from '../intake/ticket-tag';
import type { SentMail } from './send-article-mail';
import { clockLabel, customerSalutation, loadTemplate, renderTemplate, type TemplateName } from './templates';

const NOTICE_KINDS = ['sla_warning', 'sla_breach', 'escalation'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface NoticeRequest {
  number: string;
  kind: NoticeKind;
  /**
   * Whom to notify: a mail address (an escalation level's `notify` from the SLA policy),
   * or `user:<name>` / `queue:<name>` for the owner or the queue (see staffAddress).
   */
  to: string;
  /** SLA clock: firstResponse | update | resolution. */
  clock?: string;
  /** Support level escalated to (L2, L3). */
  level?: string;
  reason?: string;
  /** `<number>:<sequence>` from the workflow: a retried activity writes and sends the notice once. */
  key: string;
}

const FALLBACK_SUBJECT: Record<NoticeKind, string> = { sla_warning: 'SLA警告', sla_breach: 'SLA違反', escalation: 'エスカレーション' };

/**
 * Staff are known to the desk by their user names (from their API tokens), and
 * queues by name: both get mail at the support address's domain unless the
 * name is an address itself (alice@example.jp).
 */
export function staffAddress(to: string, supportAddress: string): string {
  const match = /^(user|queue):(.+)$/.exec(to);
  if (!match) return to;
  const name = match[2];
  return name.includes('@') ? name : `${name}@${supportAddress.slice(supportAddress.lastIndexOf('@') + 1)}`;
}

export function noticeActivities(
  db: Kysely<Database>,
  desks: Desks,
  sendArticleMail: (input: { articleId: string }) => Promise<SentMail>,
) {
  /** Writes the notice article (once per key) from its template, then sends it. */
  async function writeNotice(request: NoticeRequest): Promise<string> {
    const existing = await db.selectFrom('articles').select('id').where('idempotency_key', '=', request.key).executeTakeFirst();
    if (existing) return existing.id;
    const ticket = await db
      .selectFrom('tickets')
      .select(['subject', 'owner', 'customer_name', 'customer_email', 'priority', 'support_level', 'desk'])
      .where('number', '=', request.number)
      .executeTakeFirstOrThrow();
    const desk = desks.of(ticket.desk);
    const rendered = renderTemplate(await loadTemplate(request.kind satisfies TemplateName, desk.templatesDir), {
      number: request.number,
      subject: ticket.subject,
      owner: ticket.owner ?? '（未割当）',
      customer_name: ticket.customer_name ?? '',
      customer: customerSalutation(ticket.customer_name),
      customer_email: ticket.customer_email,
      priority: ticket.priority,
      level: request.level ?? ticket.support_level,
      clock: request.clock ?? '',
      clock_label: clockLabel(request.clock),
      reason: request.reason ?? '',
    });
    return writeOutgoingArticle(db, {
      ticketNumber: request.number,
      kind: 'notice',
      author: null,
      subject: rendered.subject ?? `${ticketTag(request.number)} ${FALLBACK_SUBJECT[request.kind]}: ${ticket.subject}`,
      body: rendered.body,
      from: fromAddressOf(desk),
      to: [staffAddress(request.to, fromAddressOf(desk))],
      cc: [],
      idempotencyKey: request.key,
    });
  }

  return {
    async sendNotice(request: NoticeRequest): Promise<SentMail> {
      return sendArticleMail({ articleId: await writeNotice(request) });
    },
  };
}
