// What arrived for a ticket about to open, read back from what the desk stored
// before opening it: the first article (text, addresses, headers), its
// attachments, and the sender's account. The API and the mail intake both
// store the article first, so one reading serves both.
import type { Kysely } from 'kysely';
import { decideParties } from '../../activities/intake/ticket-parties-rules';
import { accountById } from '../../db/accounts';
import type { Database } from '../../db/schema';
import { partyLookups } from '../../db/ticket-parties';
import type { NewTicketInit } from '../../workflows/ticket-rules';
import { addressesIn, DELIVERY_HEADERS, distinct, type ArrivingInquiry } from './inquiry';

export async function storedInquiry(db: Kysely<Database>, init: NewTicketInit, firstArticleId: string): Promise<ArrivingInquiry> {
  const article = await db
    .selectFrom('articles')
    .select(['body', 'from_address', 'to_addresses', 'cc_addresses', 'headers'])
    .where('id', '=', firstArticleId)
    .executeTakeFirst();
  const attachments = await db
    .selectFrom('article_attachments')
    .select(['filename', 'content_type'])
    .where('article_id', '=', firstArticleId)
    .orderBy('position')
    .execute();
  const headers = (article?.headers ?? {}) as Record<string, unknown>;
  const delivered = DELIVERY_HEADERS.flatMap((name) => (Array.isArray(headers[name]) ? (headers[name] as unknown[]).filter((v): v is string => typeof v === 'string') : []));
  return {
    channel: init.channel,
    senders: distinct([init.customer.email, ...(article?.from_address ? [article.from_address] : [])]),
    recipients: distinct([...(article?.to_addresses ?? []), ...(article?.cc_addresses ?? []), ...addressesIn(delivered)]),
    subject: init.subject,
    body: article?.body ?? '',
    attachments: attachments.map((a) => ({ filename: a.filename, contentType: a.content_type })),
    account: await senderAccount(db, init),
    arrivedAt: Date.parse(init.createdAt),
  };
}

/**
 * The account the ticket's parties name. A mail's parties are recorded before
 * its ticket opens; a ticket from POST /api/tickets has them recorded just
 * after, so for it the account is found as they will find it when the request
 * names none (the requester's membership, else their mail domain).
 */
async function senderAccount(db: Kysely<Database>, init: NewTicketInit): Promise<ArrivingInquiry['account']> {
  const parties = await db.selectFrom('ticket_parties').select('account_id').where('ticket_number', '=', init.number).executeTakeFirst();
  const id = parties ? parties.account_id : await accountOfAddress(db, init.customer.email.toLowerCase());
  const account = id ? await accountById(db, id) : undefined;
  return account ? { id: account.id, name: account.name, ...(account.contract.plan ? { plan: account.contract.plan } : {}) } : null;
}

async function accountOfAddress(db: Kysely<Database>, address: string): Promise<string | null> {
  if (!address.includes('@')) return null;
  const lookups = await partyLookups(db, address, []);
  return decideParties({ sender: { address }, to: [], cc: [], subject: '', headers: new Map() }, lookups).accountId;
}
