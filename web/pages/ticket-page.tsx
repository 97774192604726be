import { mayAct } from '../../api/role-groups';
import type { AccountView } from '../../db/accounts';
import type { articlesOf } from '../../db/articles';
import type { SimilarTicket } from '../../db/similar-tickets';
import type { outboundMailOf, ticketEventsOf } from '../../db/ticket-events';
import type { partiesOf } from '../../db/ticket-parties';
import type { SlaReport, TicketView } from '../../workflows/ticket-messages';
import { PRIORITIES, SUPPORT_LEVELS, type Actor } from '../../workflows/ticket-types';
import { formatBusinessDuration, formatDateTime } from '../format';
import type { Labels } from '../i18n';
import type { MemoCharsetPreview } from '../memo-preview';
import { CONSOLE_ACTIONS, offeredActions, type ConsoleAction, type OfferedAction } from '../ticket-actions';
import { Layout, type PageFrame } from './layout';

type Article = Awaited<ReturnType<typeof articlesOf>>[number];
type HistoryLine = Awaited<ReturnType<typeof ticketEventsOf>>[number];
type SentMail = Awaited<ReturnType<typeof outboundMailOf>>[number];
type Parties = Awaited<ReturnType<typeof partiesOf>>;
/** An account the parties form offers. */
export type AccountChoice = Pick<AccountView, 'id' | 'name' | 'kind'>;

export interface TicketPageData {
  ticket: TicketView;
  sla?: SlaReport;
  articles: Article[];
  events: HistoryLine[];
  mails: SentMail[];
  /**
   * Closed tickets like this one (db/similar-tickets.ts), read once per page
   * load. Undefined in a live refresh or an action's answer: the page keeps the
   * list it was loaded with (hx-preserve).
   */
  similar?: SimilarTicket[];
  /** The ticket's parties (db/ticket-parties.ts); undefined when they could not be read. */
  parties?: Parties;
  /** The accounts the parties form offers (at most a few hundred). */
  accounts?: AccountChoice[];
  /** The ticket's desk, by name; undefined in an installation of one desk. */
  deskName?: string;
}

/** A correction of the parties the API refused, with what was sent, shown again in the form. */
export interface PartiesFailure {
  message: string;
  field?: string;
  submitted: Record<string, string>;
}

export interface TicketPageProps {
  t: Labels;
  data: TicketPageData;
  actor: Actor;
  now: Date;
  timeZone: string;
  /** The refusal (or bad input) of the action just tried, shown next to its button. */
  failure?: { action: ConsoleAction; memoId?: string; message: string };
  /** The session's CSRF token, carried by the parties form (htmx also sends it as a header). */
  csrf?: string;
  partiesFailure?: PartiesFailure;
}

export function TicketPage(props: TicketPageProps & { frame: PageFrame }) {
  return (
    <Layout {...props.frame} title={`#${props.data.ticket.number} ${props.data.ticket.subject}`}>
      <TicketLive {...props} />
    </Layout>
  );
}

/** Everything on the page that changes, served alone so an open page refreshes live and after an action. */
export function TicketLive(props: TicketPageProps) {
  const { t, data } = props;
  const { ticket } = data;
  return (
    <div id="ticket" class="ticket-page" hx-get={`/tickets/${ticket.number}/live`} hx-trigger="desk:changed" hx-swap="outerHTML" data-live-ticket={ticket.number}>
      <header class="ticket-head">
        <h1>
          <span class="number">#{ticket.number}</span> {ticket.subject}
        </h1>
        <dl class="facts">
          {data.deskName && <Fact name={t.desk.title} value={data.deskName} id="desk" />}
          <Fact name={t.ticket.status} value={t.status[ticket.status]} id="status" />
          <Fact name={t.ticket.priority} value={ticket.priority} id="priority" />
          <Fact name={t.ticket.level} value={ticket.supportLevel} id="level" />
          <Fact name={t.ticket.owner} value={ticket.owner ?? '—'} id="owner" />
          <Fact name={t.ticket.queue} value={ticket.queue ?? '—'} id="queue" />
          <Fact name={t.ticket.customer} value={ticket.customer.name ? `${ticket.customer.name} <${ticket.customer.email}>` : ticket.customer.email} id="customer" />
          <Fact name={t.ticket.created} value={formatDateTime(ticket.createdAt, t.lang, props.timeZone)} id="created" />
          {ticket.suspect && <Fact name={t.ticket.suspect} value={String(ticket.suspect.score.toFixed(3))} id="suspect" />}
        </dl>
        {ticket.status === 'closed' && <a href={`/console/knowledge/new?ticket=${ticket.number}`} data-knowledge-draft>{t.knowledge.writeRecord}</a>}
      </header>
      <Clocks {...props} />
      <PartiesBox {...props} />
      {data.similar ? <SimilarTickets t={t} similar={data.similar} /> : <section id="similar-tickets" hx-preserve="true" />}
      <div class="columns">
        <Thread {...props} />
        <Actions {...props} />
      </div>
    </div>
  );
}

function Fact(props: { name: string; value: string; id: string }) {
  return (
    <div class={`fact fact-${props.id}`}>
      <dt>{props.name}</dt>
      <dd data-fact={props.id}>{props.value}</dd>
    </div>
  );
}

/** Closed tickets like this one, as links, with the shared terms that made them alike. */
function SimilarTickets({ t, similar }: { t: Labels; similar: SimilarTicket[] }) {
  return (
    <section id="similar-tickets" class="similar" aria-label={t.similar.title} data-similar hx-preserve="true">
      <h2>{t.similar.title}</h2>
      {similar.length === 0 ? (
        <p class="none">{t.similar.none}</p>
      ) : (
        <ol>
          {similar.map((s) => (
            <li data-similar-ticket={s.number}>
              <a href={`/tickets/${s.number}`}>#{s.number} {s.subject}</a>{' '}
              <span class="terms" title={`${t.similar.score} ${s.score}`}>({t.similar.terms}: {s.terms.join(', ')})</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** Who the ticket is for (requester, account, end customer, partner's number, Cc), and the form that corrects them. */
function PartiesBox(props: TicketPageProps) {
  const { t, data } = props;
  const p = t.parties;
  const parties = data.parties;
  if (!parties) {
    return (
      <section class="parties" aria-label={p.title} data-parties>
        <h2>{p.title}</h2>
        <p class="none">{p.unavailable}</p>
      </section>
    );
  }
  const endCustomer = parties.endCustomer ? [parties.endCustomer.organisation, parties.endCustomer.name].filter(Boolean).join(' / ') : '—';
  return (
    <section class="parties" aria-label={p.title} data-parties>
      <h2>{p.title}</h2>
      {parties.accountUncertain && (
        <p class="warning" role="status" data-account-uncertain>
          {p.uncertain}
        </p>
      )}
      <dl class="facts">
        <Fact name={p.requester} value={parties.requester ? (parties.requester.name ? `${parties.requester.name} <${parties.requester.address}>` : parties.requester.address) : p.notRecorded} id="requester" />
        <div class="fact fact-account">
          <dt>{p.account}</dt>
          <dd data-fact="account" data-account-id={parties.account?.id}>
            {parties.account ? `${parties.account.name} (${parties.account.kind})` : p.noAccount}
            {parties.account && (
              <>
                {' '}
                <a href={`/tickets?view=search&account=${parties.account.id}`} data-account-tickets>
                  {p.otherTickets}
                </a>
              </>
            )}
          </dd>
        </div>
        <Fact name={p.endCustomer} value={endCustomer} id="endCustomer" />
        <Fact name={p.partnerTicketNumber} value={parties.partnerTicketNumber ?? '—'} id="partnerTicketNumber" />
        <Fact name={p.cc} value={parties.cc.length ? parties.cc.join(', ') : '—'} id="cc" />
      </dl>
      {mayAct('desk', props.actor.role) && <PartiesForm {...props} parties={parties} />}
    </section>
  );
}

/**
 * The correction form. Each field travels with the value the page showed
 * (`…Was`), so the console sends the API only what the agent changed: saving a
 * new Cc does not also decide an uncertain account.
 */
function PartiesForm(props: TicketPageProps & { parties: Parties }) {
  const { t, data, parties, partiesFailure } = props;
  const p = t.parties;
  const number = data.ticket.number;
  const url = `/tickets/${number}/parties`;
  const shown = {
    account: parties.accountUncertain ? '?' : (parties.account?.id ?? ''),
    requester: parties.requester?.address ?? data.ticket.customer.email,
    endCustomerName: parties.endCustomer?.name ?? '',
    endCustomerOrg: parties.endCustomer?.organisation ?? '',
    partnerTicketNumber: parties.partnerTicketNumber ?? '',
    cc: parties.cc.join(', '),
  };
  const value = (name: keyof typeof shown) => partiesFailure?.submitted[name] ?? shown[name];
  const accounts = [...(data.accounts ?? [])];
  if (parties.account && !accounts.some((a) => a.id === parties.account!.id)) accounts.unshift(parties.account);
  const key = `${number}:parties:${parties.version}:${crypto.randomUUID()}`;
  return (
    <details class="parties-form" open={partiesFailure ? true : parties.accountUncertain}>
      <summary>{p.correct}</summary>
      <form class="action action-parties" method="post" action={url} hx-post={url} hx-target="#ticket" hx-swap="outerHTML" data-action="parties">
        {props.csrf && <input type="hidden" name="_csrf" value={props.csrf} />}
        <input type="hidden" name="idempotencyKey" value={key} />
        {(Object.keys(shown) as (keyof typeof shown)[]).map((name) => (
          <input type="hidden" name={`${name}Was`} value={shown[name]} />
        ))}
        <label>
          {p.account}
          <select name="account">
            {parties.accountUncertain && (
              <option value="?" selected={value('account') === '?'}>
                {p.chooseAccount}
              </option>
            )}
            <option value="" selected={value('account') === ''}>
              {p.noAccount}
            </option>
            {accounts.map((a) => (
              <option value={a.id} selected={value('account') === a.id}>
                {a.name} ({a.kind})
              </option>
            ))}
          </select>
        </label>
        <label>
          {p.requesterAddress}
          <input name="requester" type="email" value={value('requester')} />
        </label>
        <label>
          {p.endCustomerOrg}
          <input name="endCustomerOrg" value={value('endCustomerOrg')} />
        </label>
        <label>
          {p.endCustomerName}
          <input name="endCustomerName" value={value('endCustomerName')} />
        </label>
        <label>
          {p.partnerTicketNumber}
          <input name="partnerTicketNumber" value={value('partnerTicketNumber')} />
        </label>
        <label>
          {p.ccHint}
          <input name="cc" value={value('cc')} />
        </label>
        <button type="submit">{p.save}</button>
        {partiesFailure && (
          <p class="error" role="alert" data-error="parties" data-field={partiesFailure.field}>
            {partiesFailure.message}
          </p>
        )}
      </form>
    </details>
  );
}

function Clocks(props: TicketPageProps) {
  const { t } = props;
  const clocks = props.data.sla?.clocks ?? [];
  return (
    <section class="clocks" aria-label={t.ticket.clocks}>
      {clocks.map((clock) => (
        <div class={`clock clock-${clock.state} ${clock.breached ? 'breached' : clock.warned ? 'warned' : ''}`} data-clock={clock.clock}>
          <h3>{t.clocks[clock.clock as keyof Labels['clocks']] ?? clock.clock}</h3>
          <p class="state">{t.clockState[clock.state] ?? clock.state}</p>
          {clock.dueAt && (
            <p>
              {t.ticket.due}: <time datetime={clock.dueAt}>{formatDateTime(clock.dueAt, t.lang, props.timeZone)}</time>
            </p>
          )}
          {(clock.state === 'running' || clock.state === 'paused') && (
            <p class="left">
              {t.ticket.left}: {formatBusinessDuration(clock.businessMsLeft, t.lang)}
            </p>
          )}
        </div>
      ))}
    </section>
  );
}

type ThreadItem = { at: string; article?: Article; event?: HistoryLine };

/** History lines that are already visible as articles are left out, so the thread says each thing once. */
const SHOWN_AS_EVENTS = new Set(['assignQueue', 'reviewMemo', 'changePriority', 'reassign', 'escalate', 'close', 'autoClose', 'markSpam', 'refused', 'sla_warning', 'mail_failed', 'record_failed', 'triage', 'partiesChanged']);

function Thread(props: TicketPageProps) {
  const { t, data } = props;
  const items: ThreadItem[] = [
    ...data.articles.map((article) => ({ at: new Date(article.created_at).toISOString(), article })),
    ...data.events.filter((e) => SHOWN_AS_EVENTS.has(e.kind)).map((event) => ({ at: new Date(event.at).toISOString(), event })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section class="thread" aria-label={t.ticket.thread}>
      <h2>{t.ticket.thread}</h2>
      <ol>
        {items.map((item) => (item.article ? <ArticleItem {...props} article={item.article} /> : <EventItem {...props} event={item.event!} />))}
      </ol>
    </section>
  );
}

function ArticleItem(props: TicketPageProps & { article: Article }) {
  const { t, article, data } = props;
  const memo = article.kind === 'memo' ? data.ticket.memos.find((m) => m.id === String(article.id)) : undefined;
  const mail = data.mails.find((m) => String(m.article_id) === String(article.id));
  const base = `/tickets/${data.ticket.number}/articles/${article.id}`;
  return (
    <li class={`article kind-${article.kind} ${article.direction}`} data-article={article.id} data-kind={article.kind}>
      <header>
        <strong>{t.kinds[article.kind] ?? article.kind}</strong>
        {memo && <span class={`memo-state memo-${memo.status}`} data-memo-status={memo.status}>{t.memo[memo.status] ?? memo.status}</span>}
        <span class="who">{article.author ?? article.from_address ?? ''}</span>
        <time datetime={new Date(article.created_at).toISOString()}>{formatDateTime(article.created_at, t.lang, props.timeZone)}</time>
      </header>
      {(article.from_address || (article.to_addresses as string[] | null)?.length) && (
        <p class="addresses">
          {article.from_address && <span>{t.ticket.from}: {article.from_address} </span>}
          {(article.to_addresses as string[] | null)?.length ? <span>{t.ticket.to}: {(article.to_addresses as string[]).join(', ')} </span> : null}
          {(article.cc_addresses as string[] | null)?.length ? <span>{t.ticket.cc}: {(article.cc_addresses as string[]).join(', ')}</span> : null}
        </p>
      )}
      {mail && (
        <p class="sent-as">
          {t.ticket.to}: {mail.envelope_to.join(', ')} · {t.ticket.charset}: {mail.charset} · {mail.state}
          {mail.last_error ? ` · ${mail.last_error}` : ''}
        </p>
      )}
      {article.subject && <p class="article-subject">{article.subject}</p>}
      <pre class="body">{article.body}</pre>
      {memo?.reviewer && (
        <p class="review" data-review>
          {t.ticket.reviewedBy(memo.reviewer)}
          {memo.reviewComment ? `: ${memo.reviewComment}` : ''}
        </p>
      )}
      {article.refused_reason && <p class="refused">{t.ticket.refused}: {article.refused_reason}</p>}
      {article.mail_problems && (article.mail_problems as string[]).length > 0 && (
        <p class="problems">
          {t.ticket.problems}: {(article.mail_problems as string[]).join('; ')}
        </p>
      )}
      {article.spam_outcome && article.spam_outcome !== 'ham' && (
        <p class="spam">
          {t.ticket.spamScore}: {Number(article.spam_score).toFixed(3)} ({article.spam_outcome}) —{' '}
          {((article.spam_clues as { token: string }[] | null) ?? []).map((c) => c.token).join(', ')}
        </p>
      )}
      {article.attachments.length > 0 && (
        <ul class="attachments" aria-label={t.ticket.attachments}>
          {article.attachments.map((a) => (
            <li>
              <a href={`${base}/attachments/${a.position}`}>{a.filename ?? `#${a.position}`}</a> ({a.contentType}, {a.size} B)
            </li>
          ))}
        </ul>
      )}
      {article.direction === 'inbound' && article.message_id !== null && (
        <p class="raw">
          <a href={`${base}/raw`}>{t.ticket.raw}</a>
        </p>
      )}
    </li>
  );
}

function EventItem(props: TicketPageProps & { event: HistoryLine }) {
  const { t, event } = props;
  const detail = event.detail as Record<string, unknown>;
  const words = Object.entries(detail)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(' · ');
  return (
    <li class={`event event-${event.kind}`} data-event={event.kind}>
      <header>
        <strong>{t.events[event.kind] ?? event.kind}</strong>
        <span class="who">{event.actor ?? ''}</span>
        <time datetime={new Date(event.at).toISOString()}>{formatDateTime(event.at, t.lang, props.timeZone)}</time>
      </header>
      {event.kind === 'triage' ? (
        <TriageWords t={t} detail={detail as unknown as TriageDetail} />
      ) : event.kind === 'partiesChanged' ? (
        <PartiesChangedWords t={t} detail={detail as unknown as PartiesChangedDetail} />
      ) : (
        words && <p>{words}</p>
      )}
    </li>
  );
}

/** A `triage` history line (lib/triage/record-triage.ts): which rule did what, and why it matched. */
interface TriageDetail {
  rule: number;
  name?: string;
  matched?: string[];
  changes?: Array<{ field: 'queue' | 'priority' | 'account' | 'tags'; from?: string | null; to?: string; added?: string[] }>;
  kept?: Array<{ field: 'queue' | 'priority' | 'account'; wanted: string; decidedBy?: number; senderAccount?: { id: string; name: string }; note?: string }>;
  stopped?: boolean;
}

function TriageWords({ t, detail }: { t: Labels; detail: TriageDetail }) {
  const w = t.triage;
  const changes = (detail.changes ?? []).map((c) =>
    c.field === 'tags' ? `${w.tags} + ${(c.added ?? []).join(', ')}` : `${w[c.field]} ${c.from ? `${c.from} ` : ''}→ ${c.to}`,
  );
  const kept = (detail.kept ?? []).map((k) => {
    const because = k.decidedBy !== undefined ? w.decidedBy(k.decidedBy) : k.senderAccount ? w.senderAccount(k.senderAccount.id, k.senderAccount.name) : (k.note ?? '');
    return `${w.notSet(w[k.field], k.wanted)}${because ? w.because(because) : ''}`;
  });
  const said = [...changes, ...kept, ...(detail.stopped ? [w.stop] : [])].join(w.separator) || w.nothing;
  return (
    <>
      <p>
        {w.rule(detail.rule, detail.name)}: {said}
      </p>
      {detail.matched?.length ? <p class="because">{w.matched}: {detail.matched.join(', ')}</p> : null}
    </>
  );
}

/** A `partiesChanged` history line (db/ticket-parties.ts `correctParties`): each field, before → after. */
interface PartiesChangedDetail {
  changed?: string[];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

function PartiesChangedWords({ t, detail }: { t: Labels; detail: PartiesChangedDetail }) {
  const said = (v: unknown): string => {
    if (v === null || v === undefined) return '—';
    if (Array.isArray(v)) return v.length ? v.join(', ') : '—';
    if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ('name' in o && 'id' in o) return String(o.name);
      return [o.organisation, o.name].filter(Boolean).join(' / ') || '—';
    }
    return String(v);
  };
  return (
    <p>
      {(detail.changed ?? []).map((field) => `${t.parties.fields[field] ?? field}: ${said(detail.before?.[field])} → ${said(detail.after?.[field])}`).join(' · ')}
    </p>
  );
}

function Actions(props: TicketPageProps) {
  const { t, data, actor } = props;
  const offered = withRefusedAction(offeredActions(data.ticket, actor, props.now.toISOString()), props);
  return (
    <section class="actions" aria-label={t.ticket.actions}>
      <h2>{t.ticket.actions}</h2>
      {offered.map((offer) => (
        <ActionForm {...props} offer={offer} />
      ))}
    </section>
  );
}

/** An action as shown; `noLonger`: refused just now and not possible as the ticket now stands. */
type ShownAction = OfferedAction & { noLonger?: boolean };

/**
 * A refused action usually is no longer offered once the page shows the ticket as it
 * now stands (a stale tab pressed Close on a ticket another tab closed): its form
 * stays, in its place and with its button disabled, so the reason appears next to
 * the button that was pressed instead of nowhere.
 */
function withRefusedAction(offered: OfferedAction[], props: TicketPageProps): ShownAction[] {
  const { failure, data } = props;
  if (!failure) return offered;
  const sameMemo = (memoId: string | undefined) => (memoId ?? '') === (failure.memoId ?? '');
  if (offered.some((o) => o.action === failure.action && sameMemo(o.memo?.id) && !o.blocked)) return offered;
  const memo = failure.memoId ? data.ticket.memos.find((m) => m.id === failure.memoId) : undefined;
  if (failure.memoId && !memo) return offered;
  const refused: ShownAction = { action: failure.action, ...(memo ? { memo } : {}), noLonger: true };
  const order = (action: ConsoleAction) => CONSOLE_ACTIONS.indexOf(action);
  const at = offered.findIndex((o) => order(o.action) > order(failure.action));
  return at < 0 ? [...offered, refused] : [...offered.slice(0, at), refused, ...offered.slice(at)];
}

function ActionForm(props: TicketPageProps & { offer: ShownAction }) {
  const { t, offer, data, failure } = props;
  const number = data.ticket.number;
  const url = `/tickets/${number}/do/${offer.action}`;
  const label = t.actions[offer.action];
  const failed = failure && failure.action === offer.action && (failure.memoId ?? '') === (offer.memo?.id ?? '') ? failure.message : undefined;
  if (offer.blocked === 'ownMemo') {
    return (
      <div class="action blocked" data-action={offer.action} data-memo={offer.memo?.id}>
        <p class="why">{t.ticket.ownMemo}</p>
      </div>
    );
  }
  const key = `${number}:${offer.action}:${offer.memo?.id ?? ''}:${crypto.randomUUID()}`;
  return (
    <form class={`action action-${offer.action}`} method="post" action={url} hx-post={url} hx-target="#ticket" hx-swap="outerHTML" data-action={offer.action} data-memo={offer.memo?.id}>
      <input type="hidden" name="idempotencyKey" value={key} />
      {offer.memo && <input type="hidden" name="memoId" value={offer.memo.id} />}
      <Fields {...props} />
      <button type="submit" disabled={offer.noLonger}>{label}</button>
      {failed && (
        <p class="error" role="alert" data-error={offer.action}>
          {failed}
        </p>
      )}
    </form>
  );

  function Fields(p: TicketPageProps) {
    const pt = p.t;
    switch (offer.action) {
      case 'queue':
        return <input name="queue" aria-label={pt.ticket.queue} required value={p.data.ticket.queue ?? 'maintenance-support'} />;
      case 'draftMemo':
        return (
          <>
            <textarea id={`memo-${number}`} name="body" aria-label={pt.actions.body} rows={8} required data-memo-editor hx-preserve="true" hx-post={`/tickets/${number}/memo-preview`} hx-trigger="input changed delay:300ms" hx-target={`#memo-preview-${number}`} hx-swap="innerHTML"></textarea>
            <p id={`memo-preview-${number}`} class="memo-preview" aria-live="polite" hx-preserve="true"></p>
          </>
        );
      case 'reject':
        return <input id={`reject-${offer.memo?.id}`} name="comment" aria-label={pt.ticket.comment} required hx-preserve="true" />;
      case 'approve':
        return <input id={`approve-${offer.memo?.id}`} name="comment" aria-label={pt.ticket.comment} hx-preserve="true" />;
      case 'logPhoneCall':
        return (
          <>
            <select name="direction" aria-label="direction">
              <option value="inbound">{pt.actions.inbound}</option>
              <option value="outbound">{pt.actions.outbound}</option>
            </select>
            <textarea id={`call-${number}`} name="body" aria-label={pt.actions.body} rows={3} required hx-preserve="true"></textarea>
          </>
        );
      case 'changePriority':
        return (
          <select name="priority" aria-label={pt.ticket.priority}>
            {PRIORITIES.map((priority) => (
              <option value={priority} selected={priority === p.data.ticket.priority}>
                {priority}
              </option>
            ))}
          </select>
        );
      case 'reassign':
        return <input id={`owner-${number}`} name="owner" aria-label={pt.ticket.owner} required hx-preserve="true" />;
      case 'escalate':
        return (
          <>
            <select name="level" aria-label={pt.ticket.level}>
              {SUPPORT_LEVELS.filter((level) => level !== p.data.ticket.supportLevel).map((level) => (
                <option value={level}>{level}</option>
              ))}
            </select>
            <input id={`escalate-${number}`} name="reason" aria-label={pt.actions.reason} required hx-preserve="true" />
          </>
        );
      case 'close':
        return <textarea id={`close-${number}`} name="resolution" aria-label={pt.actions.resolution} rows={2} required hx-preserve="true"></textarea>;
      default:
        return null;
    }
  }
}

export function MemoPreviewText(props: { t: Labels; preview: MemoCharsetPreview }) {
  const { t, preview } = props;
  if (preview.outcome === 'utf-8') return <span data-preview="utf-8">{t.preview.utf8}</span>;
  if (preview.outcome === 'iso-2022-jp') return <span data-preview="iso-2022-jp">{t.preview.fits}</span>;
  const chars = preview.offending.map((o) => `${o.char} ${o.codePoint}`).join(', ');
  return <span data-preview="fallback">{t.preview.fallback(preview.fallbackCharset ?? 'utf-8', chars)}</span>;
}
