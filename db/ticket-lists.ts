// The console's ticket lists, read from the read model (`tickets`): one query
// per list, sorted by the nearest SLA deadline, with the counts for the menu.
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import type { Database } from './schema';
import type { TicketView } from '../workflows/ticket-messages';
import type { SlaStatus } from '../workflows/ticket-types';
import type { Desk } from '../lib/desks/desk';
import { ofDesk } from './ticket-desks';

export const TICKET_LISTS = ['mine', 'new', 'review', 'waiting', 'warning', 'breached', 'L1', 'L2', 'L3', 'closed', 'search'] as const;
export type TicketList = (typeof TICKET_LISTS)[number];

/** What "closed recently" means. */
const RECENTLY_CLOSED_MS = 7 * 24 * 60 * 60 * 1000;

type Where = (eb: ExpressionBuilder<Database, 'tickets'>) => Expression<SqlBool>;

function whereOf(list: TicketList, me: string, q: string | undefined, now: Date): Where {
  const open: Where = (eb) => eb('status', '!=', 'closed');
  switch (list) {
    case 'mine':
      return (eb) => eb.and([open(eb), eb('owner', '=', me)]);
    case 'new':
      return (eb) => eb.and([eb('status', 'in', ['new', 'open']), eb('owner', 'is', null)]);
    case 'review':
      // Memos by others waiting for a decision: a reviewer never reviews their own.
      return (eb) =>
        eb.and([
          eb('status', '=', 'in_review'),
          sql<SqlBool>`exists (select 1 from jsonb_array_elements(tickets.state->'memos') m where m->>'status' = 'in_review' and m->>'author' <> ${me})`,
        ]);
    case 'waiting':
      return (eb) => eb('status', '=', 'waiting_customer');
    case 'warning':
      return (eb) => eb.and([open(eb), eb('sla_status', '=', 'warning')]);
    case 'breached':
      return (eb) => eb.and([open(eb), eb('sla_status', '=', 'breached')]);
    case 'closed':
      return (eb) => eb.and([eb('status', '=', 'closed'), eb('closed_at', '>', new Date(now.getTime() - RECENTLY_CLOSED_MS))]);
    case 'search': {
      const text = (q ?? '').trim();
      if (!text) return () => sql<SqlBool>`false`;
      const like = `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
      return (eb) =>
        eb.or([
          eb('number', '=', text),
          eb('subject', 'ilike', like),
          eb('customer_email', 'ilike', like),
          eb('customer_name', 'ilike', like),
          // A partner's own ticket number finds our ticket too.
          eb('number', 'in', eb.selectFrom('ticket_parties').select('ticket_number').where('partner_ticket_number', '=', text)),
        ]);
    }
    case 'L1':
    case 'L2':
    case 'L3':
      return (eb) => eb.and([open(eb), eb('support_level', '=', list)]);
  }
}

export interface TicketListPage {
  tickets: TicketView[];
  total: number;
}

export async function ticketList(
  db: Kysely<Database>,
  list: TicketList,
  options: { me: string; q?: string; slaStatus?: SlaStatus; account?: string; desk?: Pick<Desk, 'id' | 'isDefault'>; page: number; pageSize: number; now?: Date },
): Promise<TicketListPage> {
  const { account, desk } = options;
  // A search without words but with an account or a desk: all of its tickets.
  const inList: Where = list === 'search' && !options.q?.trim() && (account || desk) ? () => sql<SqlBool>`true` : whereOf(list, options.me, options.q, options.now ?? new Date());
  const inSla: Where = options.slaStatus ? (eb) => eb.and([inList(eb), eb('sla_status', '=', options.slaStatus!)]) : inList;
  // `&account=`: only tickets whose parties name that account.
  const inAccount: Where = account
    ? (eb) => eb.and([inSla(eb), eb('number', 'in', eb.selectFrom('ticket_parties').select('ticket_number').where('account_id', '=', account))])
    : inSla;
  // `&desk=`: only that desk's tickets.
  const where: Where = desk ? (eb) => eb.and([inAccount(eb), ofDesk(desk)(eb)]) : inAccount;
  let query = db.selectFrom('tickets').select(['state', 'next_due_at', 'sla_status', 'status']).where(where);
  query = list === 'closed'
    ? query.orderBy('closed_at', 'desc')
    : query.orderBy(sql`next_due_at asc nulls last`).orderBy('created_at', 'asc');
  const [rows, count] = await Promise.all([
    query.orderBy('number').limit(options.pageSize).offset((options.page - 1) * options.pageSize).execute(),
    db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).where(where).executeTakeFirstOrThrow(),
  ]);
  return {
    // The row's columns are newer than its JSON only if a later write touched them; prefer them.
    tickets: rows.map((r): TicketView => ({ ...r.state, status: r.status, slaStatus: r.sla_status, nextDueAt: r.next_due_at?.toISOString() })),
    total: Number(count.n),
  };
}

/** How many tickets each list holds, in one pass over the open and recently closed ones. */
export async function ticketListCounts(db: Kysely<Database>, me: string, now = new Date()): Promise<Record<Exclude<TicketList, 'search'>, number>> {
  const lists = TICKET_LISTS.filter((l): l is Exclude<TicketList, 'search'> => l !== 'search');
  const row = await db
    .selectFrom('tickets')
    .select((eb) => lists.map((list) => sql<string>`count(*) filter (where ${whereOf(list, me, undefined, now)(eb)})`.as(list)))
    .where((eb) => eb.or([eb('status', '!=', 'closed'), eb('closed_at', '>', new Date(now.getTime() - RECENTLY_CLOSED_MS))]))
    .executeTakeFirstOrThrow();
  return Object.fromEntries(lists.map((l) => [l, Number((row as Record<string, string>)[l])])) as Record<Exclude<TicketList, 'search'>, number>;
}
