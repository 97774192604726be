// What the customer portal reads: the tickets a customer may see and their
// articles as stored. What of it a customer sees is decided by the pure rules
// in web/portal/visibility.ts; these queries only narrow the rows early.
import type { Kysely } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { CustomerMembership, StoredArticle, TicketPartiesForPortal } from '../web/portal/visibility';
import type { Database } from './schema';

export async function membershipsOf(db: Kysely<Database>, contactId: string): Promise<CustomerMembership[]> {
  const rows = await db.selectFrom('memberships').select(['account_id', 'role', 'sees_all']).where('contact_id', '=', contactId).execute();
  return rows.map((r) => ({ accountId: r.account_id, role: r.role, seesAll: r.sees_all }));
}

export interface PortalTicketRow {
  number: string;
  subject: string;
  status: string;
  createdAt: Date;
  updatedAt: Date;
  nextDueAt: Date | null;
  requesterContactId: string;
  accountId: string | null;
  accountKind: 'direct' | 'partner' | null;
  requesterName: string | null;
  endCustomerName: string | null;
  endCustomerOrg: string | null;
  partnerTicketNumber: string | null;
}

function ticketsQuery(db: Kysely<Database>) {
  return db
    .selectFrom('tickets as t')
    .innerJoin('ticket_parties as p', 'p.ticket_number', 't.number')
    .leftJoin('accounts as a', 'a.id', 'p.account_id')
    .innerJoin('contacts as c', 'c.id', 'p.requester_contact_id')
    .select([
      't.number',
      't.subject',
      't.status',
      't.created_at as createdAt',
      't.updated_at as updatedAt',
      't.next_due_at as nextDueAt',
      'p.requester_contact_id as requesterContactId',
      'p.account_id as accountId',
      'a.kind as accountKind',
      'c.name as requesterName',
      'p.end_customer_name as endCustomerName',
      'p.end_customer_org as endCustomerOrg',
      'p.partner_ticket_number as partnerTicketNumber',
    ])
    .where('t.spam', '=', false);
}

/** The customer's own tickets and those of the accounts where they are manager or see all, newest first. */
export async function portalTickets(db: Kysely<Database>, contactId: string, memberships: readonly CustomerMembership[], limit = 200): Promise<PortalTicketRow[]> {
  const accounts = memberships.filter((m) => m.role === 'manager' || m.seesAll).map((m) => m.accountId);
  return ticketsQuery(db)
    .where((eb) => eb.or([eb('p.requester_contact_id', '=', contactId), ...(accounts.length ? [eb('p.account_id', 'in', accounts)] : [])]))
    .orderBy('t.created_at', 'desc')
    .limit(limit)
    .execute();
}

export async function portalTicket(db: Kysely<Database>, number: string): Promise<PortalTicketRow | undefined> {
  if (!/^\d{1,20}$/.test(number)) return undefined;
  return ticketsQuery(db).where('t.number', '=', number).executeTakeFirst();
}

export const partiesForPortal = (row: PortalTicketRow): TicketPartiesForPortal => ({ requesterContactId: row.requesterContactId, accountId: row.accountId });

/** Every article of the ticket with its mail's state; web/portal/visibility.ts picks what the customer sees. */
export async function storedArticles(db: Kysely<Database>, number: string): Promise<StoredArticle[]> {
  const rows = await db
    .selectFrom('articles')
    .leftJoin('outbound_mail as m', 'm.article_id', 'articles.id')
    .select([
      'articles.id',
      'articles.kind',
      'articles.direction',
      'articles.author',
      'articles.subject',
      'articles.body',
      'articles.refused_reason',
      'articles.created_at',
      'm.state as mailState',
      (eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('article_attachments as f')
            .select(['f.position', 'f.filename', 'f.content_type as contentType', 'f.size'])
            .whereRef('f.article_id', '=', 'articles.id')
            .orderBy('f.position'),
        ).as('attachments'),
    ])
    .where('articles.ticket_number', '=', number)
    .orderBy('articles.id')
    .execute();
  return rows.map((r) => ({ ...r, mailState: r.mailState ?? null }));
}

export async function attachmentContent(db: Kysely<Database>, articleId: string, position: number) {
  return db
    .selectFrom('article_attachments')
    .select(['filename', 'content_type', 'content', 'size'])
    .where('article_id', '=', articleId)
    .where('position', '=', position)
    .executeTakeFirst();
}

export interface NewAttachment {
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
}

/** Files the customer sent with an inquiry or follow-up, after what the article already has. */
export async function addAttachments(db: Kysely<Database>, articleId: string, files: readonly NewAttachment[]): Promise<void> {
  if (!files.length) return;
  await db.transaction().execute(async (tx) => {
    const last = await tx.selectFrom('article_attachments').select((eb) => eb.fn.max('position').as('max')).where('article_id', '=', articleId).executeTakeFirst();
    let position = Number(last?.max ?? 0);
    await tx
      .insertInto('article_attachments')
      .values(files.map((f) => ({ article_id: articleId, position: ++position, filename: f.filename, content_type: f.contentType, size: f.content.length, sha256: f.sha256, content: f.content })))
      .execute();
  });
}

/** The customer's latest article of `kind` on the ticket written as `author` (the portal's in-process API call). */
export async function latestArticleBy(db: Kysely<Database>, number: string, kind: 'inquiry' | 'follow_up', author: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('articles')
    .select('id')
    .where('ticket_number', '=', number)
    .where('kind', '=', kind)
    .where('author', '=', author)
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row?.id;
}
