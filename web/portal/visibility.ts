// What a customer may see: pure rules, unit-tested (test/unit/portal-visibility.test.ts).
import type { ArticleKind } from '../../db/schema';

export interface CustomerMembership {
  accountId: string;
  role: 'member' | 'manager';
  seesAll: boolean;
}

export interface TicketPartiesForPortal {
  requesterContactId: string;
  accountId: string | null;
}

/**
 * A customer sees their own tickets (they are the requester), and the tickets
 * of an account where they are manager or may see all. Never another
 * account's; a ticket without recorded parties is nobody's in the portal.
 */
export function mayCustomerSee(contactId: string, memberships: readonly CustomerMembership[], parties: TicketPartiesForPortal | undefined): boolean {
  if (!parties) return false;
  if (parties.requesterContactId === contactId) return true;
  if (parties.accountId === null) return false;
  return memberships.some((m) => m.accountId === parties.accountId && (m.role === 'manager' || m.seesAll));
}

/** The article as stored (db/articles.ts articlesOf), with whether its mail went out. */
export interface StoredArticle {
  id: string;
  kind: ArticleKind;
  direction: 'inbound' | 'outbound' | 'internal';
  author: string | null;
  subject: string | null;
  body: string;
  refused_reason: string | null;
  created_at: Date | string;
  attachments: { position: number; filename: string | null; contentType: string; size: number }[];
  /** outbound_mail.state for an outgoing article; null when it has no mail row. */
  mailState: string | null;
}

export interface CustomerArticle {
  id: string;
  kind: 'inquiry' | 'follow_up' | 'receipt_notice' | 'answer';
  /** Said by the customer (inquiry, follow-up) or by the desk. */
  from: 'customer' | 'desk';
  /** Only on answers: the agent who answered. */
  agent: string | null;
  subject: string | null;
  body: string;
  createdAt: string;
  attachments: { position: number; filename: string | null; contentType: string; size: number }[];
}

const CUSTOMER_SAID = new Set<ArticleKind>(['inquiry', 'follow_up']);
const DESK_SENT = new Set<ArticleKind>(['receipt_notice', 'answer']);

/**
 * Only what was said to or by the customer: their inquiry and follow-ups, and
 * the receipt notices and answers once mailed (outbound_mail 'sent'). Memos,
 * phone notes, internal notes, staff notices, refused articles, spam scores
 * and mail problems never pass; the author only on answers.
 */
export function customerArticles(articles: readonly StoredArticle[]): CustomerArticle[] {
  const out: CustomerArticle[] = [];
  for (const a of articles) {
    if (a.refused_reason) continue;
    const said = CUSTOMER_SAID.has(a.kind) && a.direction === 'inbound';
    const sent = DESK_SENT.has(a.kind) && a.direction === 'outbound' && a.mailState === 'sent';
    if (!said && !sent) continue;
    out.push({
      id: String(a.id),
      kind: a.kind as CustomerArticle['kind'],
      from: said ? 'customer' : 'desk',
      agent: a.kind === 'answer' ? a.author : null,
      subject: a.subject,
      body: a.body,
      createdAt: new Date(a.created_at).toISOString(),
      attachments: a.attachments.map((f) => ({ position: f.position, filename: f.filename, contentType: f.contentType, size: f.size })),
    });
  }
  return out;
}

/** The ticket's state in the customer's words: the key of the portal's strings. */
export type CustomerState = 'received' | 'working' | 'answered' | 'closed';

export function customerState(status: string): CustomerState {
  switch (status) {
    case 'new':
    case 'open':
      return 'received';
    case 'waiting_customer':
      return 'answered';
    case 'closed':
      return 'closed';
    default:
      return 'working';
  }
}
