import type { TicketListPage, TicketList } from '../../db/ticket-lists';
import type { TicketView } from '../../workflows/ticket-messages';
import type { SlaStatus } from '../../workflows/ticket-types';
import { calendarFor, type SlaPolicy } from '../../workflows/sla/policy';
import { businessTimeBetween } from '../../workflows/sla/calendar';
import { formatBusinessDuration, formatDateTime } from '../format';
import type { Labels } from '../i18n';
import { Layout, type PageFrame } from './layout';
import type { Desks } from '../../lib/desks/desk';
import type { AccountChoice } from './ticket-page';

export interface ListProps {
  t: Labels;
  list: TicketList;
  q?: string;
  /** `&sla=`: the list narrowed to one SLA status (the SLA page's cells link here). */
  slaStatus?: SlaStatus;
  /** `&account=`: the list narrowed to the tickets whose parties name this account. */
  account?: string;
  /** `&desk=`: the list narrowed to one desk's tickets. */
  desk?: string;
  page: number;
  pageSize: number;
  result: TicketListPage;
  now: Date;
  timeZone: string;
  /** The desks: a ticket's desk's calendars turn its deadline into business time left; with several, the filter offers them. */
  desks: Desks;
}

export function TicketListPageView(props: ListProps & { frame: PageFrame; accounts?: AccountChoice[]; accountName?: string }) {
  const { t } = props;
  const listTitle = props.list === 'search' ? `${t.nav.search}: ${props.q ?? ''}` : t.nav[props.list];
  const filters = [
    ...(props.desk ? [`${t.desk.title}: ${props.desks.of(props.desk).name}`] : []),
    ...(props.account ? [`${t.parties.account}: ${props.accountName ?? props.account}`] : []),
  ];
  const title = !filters.length ? listTitle : props.list === 'search' && !props.q ? filters.join(' · ') : [listTitle, ...filters].join(' · ');
  return (
    <Layout {...props.frame} title={title}>
      <h1>{title}</h1>
      <AccountFilter {...props} />
      <TicketRows {...props} />
    </Layout>
  );
}

/** A small select that narrows the list to one account's tickets (`&account=`), keeping the list, words and SLA status. */
function AccountFilter(props: ListProps & { accounts?: AccountChoice[]; accountName?: string }) {
  const { t } = props;
  const accounts = [...(props.accounts ?? [])];
  if (props.account && !accounts.some((a) => a.id === props.account)) accounts.unshift({ id: props.account, name: props.accountName ?? props.account, kind: 'direct' });
  const desks = props.desks.all.length > 1 ? props.desks.all : [];
  if (!accounts.length && !desks.length) return null;
  return (
    <form class="account-filter" method="get" action="/tickets" data-account-filter>
      <input type="hidden" name="view" value={props.list} />
      {props.q && <input type="hidden" name="q" value={props.q} />}
      {props.slaStatus && <input type="hidden" name="sla" value={props.slaStatus} />}
      <Choice name="desk" label={t.desk.title} any={t.desk.any} chosen={props.desk} options={desks} />
      <Choice name="account" label={t.parties.account} any={t.parties.anyAccount} chosen={props.account} options={accounts} />
      <button type="submit">{t.parties.filter}</button>
    </form>
  );
}

/** One of the filter's selects (none when there is nothing to choose): "any", then each option by name. */
function Choice(props: { name: string; label: string; any: string; chosen?: string; options: readonly { id: string; name: string }[] }) {
  if (!props.options.length) return null;
  return (
    <select name={props.name} aria-label={props.label}>
      <option value="" selected={!props.chosen}>
        {props.any}
      </option>
      {props.options.map((o) => (
        <option value={o.id} selected={o.id === props.chosen}>
          {o.name}
        </option>
      ))}
    </select>
  );
}

/** The list's table, also served alone so an open page can refresh it live. */
export function TicketRows(props: ListProps) {
  const { t, result } = props;
  const query = `view=${props.list}${props.q ? `&q=${encodeURIComponent(props.q)}` : ''}${props.slaStatus ? `&sla=${props.slaStatus}` : ''}${props.account ? `&account=${props.account}` : ''}${props.desk ? `&desk=${props.desk}` : ''}`;
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
              <Row t={t} ticket={ticket} now={props.now} timeZone={props.timeZone} slaPolicy={props.desks.policyOf(props.desks.of(ticket.desk))} />
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

function Row(props: { t: Labels; ticket: TicketView; now: Date; timeZone: string; slaPolicy: SlaPolicy }) {
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
        {ticket.nextDueAt ? `${formatBusinessDuration(businessLeft(props.slaPolicy, ticket, props.now), t.lang)} · ${t.sla[ticket.slaStatus]}` : t.sla[ticket.slaStatus]}
      </td>
    </tr>
  );
}

/**
 * Business time until the nearest deadline, on the calendar of the ticket's
 * priority (negative once overdue). The installation's current policy is used:
 * a ticket started under an older one may differ by that change; its page asks
 * the workflow for the exact figure.
 */
function businessLeft(policy: SlaPolicy, ticket: TicketView, now: Date): number {
  const cal = calendarFor(policy, ticket.priority);
  const due = Date.parse(ticket.nextDueAt!);
  const nowMs = now.getTime();
  return due >= nowMs ? businessTimeBetween(cal, nowMs, due) : -businessTimeBetween(cal, due, nowMs);
}
