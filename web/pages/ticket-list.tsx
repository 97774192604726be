import type { TicketListPage, TicketList } from '../../db/ticket-lists';
import type { TicketView } from '../../workflows/ticket-messages';
import { formatDateTime, formatRelative } from '../format';
import type { Labels } from '../i18n';
import { Layout, type PageFrame } from './layout';

export interface ListProps {
  t: Labels;
  list: TicketList;
  q?: string;
  page: number;
  pageSize: number;
  result: TicketListPage;
  now: Date;
  timeZone: string;
}

export function TicketListPageView(props: ListProps & { frame: PageFrame }) {
  const { t } = props;
  const title = props.list === 'search' ? `${t.nav.search}: ${props.q ?? ''}` : t.nav[props.list];
  return (
    <Layout {...props.frame} title={title}>
      <h1>{title}</h1>
      <TicketRows {...props} />
    </Layout>
  );
}

/** The list's table, also served alone so an open page can refresh it live. */
export function TicketRows(props: ListProps) {
  const { t, result } = props;
  const query = `view=${props.list}${props.q ? `&q=${encodeURIComponent(props.q)}` : ''}`;
  const pages = Math.max(1, Math.ceil(result.total / props.pageSize));
  return (
    <section id="ticket-list" class="ticket-list" hx-get={`/tickets/rows?${query}&page=${props.page}`} hx-trigger="desk:changed" hx-swap="outerHTML" data-live-any>
      <p class="total" data-total={result.total}>{t.list.count(result.total)}</p>
      {result.tickets.length === 0 ? (
        <p class="empty">{t.list.empty}</p>
      ) : (
        <table class="tickets">
          <thead>
            <tr>
              <th>{t.list.number}</th>
              <th>{t.list.subject}</th>
              <th>{t.list.customer}</th>
              <th>{t.list.status}</th>
              <th>{t.list.priority}</th>
              <th>{t.list.level}</th>
              <th>{t.list.owner}</th>
              <th>{t.list.timeLeft}</th>
            </tr>
          </thead>
          <tbody>
            {result.tickets.map((ticket) => (
              <Row t={t} ticket={ticket} now={props.now} timeZone={props.timeZone} />
            ))}
          </tbody>
        </table>
      )}
      {pages > 1 && (
        <nav class="pages">
          {props.page > 1 && <a href={`/tickets?${query}&page=${props.page - 1}`}>{t.list.prev}</a>}
          <span>
            {props.page} / {pages}
          </span>
          {props.page < pages && <a href={`/tickets?${query}&page=${props.page + 1}`}>{t.list.next}</a>}
        </nav>
      )}
    </section>
  );
}

function Row(props: { t: Labels; ticket: TicketView; now: Date; timeZone: string }) {
  const { t, ticket } = props;
  const href = `/tickets/${ticket.number}`;
  return (
    <tr class={`ticket sla-${ticket.slaStatus}`} data-number={ticket.number} data-href={href}>
      <td>
        <a href={href}>{ticket.number}</a>
      </td>
      <td class="subject">{ticket.subject}</td>
      <td>{ticket.customer.name ? `${ticket.customer.name} <${ticket.customer.email}>` : ticket.customer.email}</td>
      <td>{t.status[ticket.status]}</td>
      <td>{ticket.priority}</td>
      <td>{ticket.supportLevel}</td>
      <td>{ticket.owner ?? '—'}</td>
      <td class={`due sla-${ticket.slaStatus}`} title={ticket.nextDueAt ? formatDateTime(ticket.nextDueAt, t.lang, props.timeZone) : undefined}>
        {ticket.nextDueAt ? `${formatRelative(ticket.nextDueAt, props.now, t.lang)} · ${t.sla[ticket.slaStatus]}` : t.sla[ticket.slaStatus]}
      </td>
    </tr>
  );
}
