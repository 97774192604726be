// The portal's pages: plain server-rendered HTML forms, no script needed.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { formatDateTime } from '../../format';
import type { PublicRecord } from '../../../db/knowledge-records';
import type { PortalTicketRow } from '../../../db/portal-tickets';
import type { PortalStrings } from '../i18n';
import { customerState, type CustomerArticle } from '../visibility';

interface Frame {
  t: PortalStrings;
  desk: string;
  title: string;
  signedIn?: { name: string | null; address: string; csrf: string };
  here: string;
  children?: Child;
}

const STYLE = `body{font-family:system-ui,'Noto Sans CJK JP',sans-serif;margin:0;color:#222}header{display:flex;gap:1em;align-items:center;padding:.6em 1em;background:#234;color:#fff}
header a{color:#fff}main{max-width:60em;margin:1em auto;padding:0 1em}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4em;text-align:left}
.article{border:1px solid #ccc;border-radius:4px;margin:.8em 0;padding:.6em}.article.desk{background:#f3f7fb}.article pre{white-space:pre-wrap;font-family:inherit;margin:.4em 0}
label{display:block;margin:.6em 0 .2em}input[type=text],input[type=email],textarea{width:100%;box-sizing:border-box}textarea{min-height:8em}.notice{background:#eef;padding:.6em}.spacer{flex:1}`;

function PortalLayout(props: Frame) {
  const { t } = props;
  const other = t.lang === 'ja' ? 'en' : 'ja';
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang={t.lang}>
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${props.title} — ${props.desk}`}</title>
          <style>{raw(STYLE)}</style>
        </head>
        <body>
          <header>
            <a href="/portal"><strong>{props.desk}</strong></a>
            <span>{t.portal}</span>
            <span class="spacer"></span>
            <a href={`/portal/language/${other}?back=${encodeURIComponent(props.here)}`} lang={other}>{other === 'en' ? 'English' : '日本語'}</a>
            {props.signedIn && (
              <form method="post" action="/portal/logout">
                <input type="hidden" name="_csrf" value={props.signedIn.csrf} />
                <span>{props.signedIn.name ?? props.signedIn.address} </span>
                <button type="submit">{t.signOut}</button>
              </form>
            )}
          </header>
          <main>{props.children}</main>
        </body>
      </html>
    </>
  );
}

export function SignInPage(props: { t: PortalStrings; desk: string; message?: string; sent?: boolean; csrf?: string }) {
  const { t } = props;
  return (
    <PortalLayout t={t} desk={props.desk} title={t.signIn.title} here="/portal/login">
      <h1>{t.signIn.title}</h1>
      {props.message && <p class="notice" role="status">{props.message}</p>}
      {props.sent ? (
        <p class="notice" role="status" id="sent">{t.signIn.sent}</p>
      ) : (
        <form method="post" action="/portal/login">
          <input type="hidden" name="_csrf" value={props.csrf ?? ''} />
          <p>{t.signIn.intro}</p>
          <label for="email">{t.signIn.email}</label>
          <input type="email" id="email" name="email" required autocomplete="email" />
          <p><button type="submit">{t.signIn.send}</button></p>
        </form>
      )}
    </PortalLayout>
  );
}

export interface Signed {
  name: string | null;
  address: string;
  csrf: string;
}

/**
 * The desk's published records marked public, for anyone: only what a record
 * says of the problem, never its author, reviewer or the tickets it came from.
 */
export function KnowledgePage(props: { t: PortalStrings; desk: string; q: string; records: PublicRecord[] }) {
  const { t } = props;
  const k = t.knowledge;
  return (
    <PortalLayout t={t} desk={props.desk} title={k.title} here="/portal/knowledge">
      <h1>{k.title}</h1>
      <p>{k.intro}</p>
      <form method="get" action="/portal/knowledge">
        <input type="text" name="q" value={props.q} aria-label={k.search} />
        <button type="submit">{k.search}</button>
      </form>
      {props.records.length === 0 ? <p>{k.none}</p> : props.records.map((r) => (
        <section class="article" data-record={r.id}>
          <h2>{r.symptom}</h2>
          {r.product && <p>{k.product}: {r.product}{r.version ? ` ${r.version}` : ''}</p>}
          {r.cause && <><h3>{k.cause}</h3><pre>{r.cause}</pre></>}
          <h3>{k.fix}</h3>
          <pre>{r.fix}</pre>
        </section>
      ))}
    </PortalLayout>
  );
}

export function TicketListPage(props: { t: PortalStrings; desk: string; me: Signed; tickets: PortalTicketRow[]; timeZone: string; meId: string }) {
  const { t } = props;
  return (
    <PortalLayout t={t} desk={props.desk} title={t.list.title} signedIn={props.me} here="/portal">
      <h1>{t.list.title}</h1>
      <p><a href="/portal/new">{t.list.new}</a> · <a href="/portal/knowledge">{t.knowledge.title}</a></p>
      {props.tickets.length === 0 ? (
        <p>{t.list.none}</p>
      ) : (
        <table>
          <thead><tr><th>{t.list.number}</th><th>{t.list.subject}</th><th>{t.list.requester}</th><th>{t.list.state}</th><th>{t.list.due}</th></tr></thead>
          <tbody>
            {props.tickets.map((row) => (
              <tr data-ticket={row.number}>
                <td><a href={`/portal/tickets/${row.number}`}>{row.number}</a></td>
                <td>{row.subject}</td>
                <td>{row.requesterContactId === props.meId ? t.ticket.you : (row.requesterName ?? '')}{row.accountKind === 'partner' && row.endCustomerName ? ` / ${row.endCustomerName}` : ''}</td>
                <td class="state">{t.states[customerState(row.status)]}</td>
                <td>{row.nextDueAt && row.status !== 'closed' && row.status !== 'waiting_customer' ? formatDateTime(row.nextDueAt, t.lang, props.timeZone) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </PortalLayout>
  );
}

export function TicketPage(props: { t: PortalStrings; desk: string; me: Signed; ticket: PortalTicketRow; articles: CustomerArticle[]; timeZone: string; message?: string }) {
  const { t, ticket } = props;
  const state = customerState(ticket.status);
  return (
    <PortalLayout t={t} desk={props.desk} title={`#${ticket.number} ${ticket.subject}`} signedIn={props.me} here={`/portal/tickets/${ticket.number}`}>
      <p><a href="/portal">{t.ticket.back}</a></p>
      <h1>#{ticket.number} {ticket.subject}</h1>
      <p>{t.list.state}: <strong class="state">{t.states[state]}</strong>
        {ticket.nextDueAt && state !== 'closed' && state !== 'answered' ? <> — {t.list.due}: <span class="due">{formatDateTime(ticket.nextDueAt, t.lang, props.timeZone)}</span></> : null}
      </p>
      {ticket.accountKind === 'partner' && (ticket.endCustomerName || ticket.endCustomerOrg || ticket.partnerTicketNumber) && (
        <dl class="partner">
          {(ticket.endCustomerName || ticket.endCustomerOrg) && <><dt>{t.ticket.endCustomer}</dt><dd class="end-customer">{[ticket.endCustomerOrg, ticket.endCustomerName].filter(Boolean).join(' / ')}</dd></>}
          {ticket.partnerTicketNumber && <><dt>{t.ticket.partnerNumber}</dt><dd class="partner-number">{ticket.partnerTicketNumber}</dd></>}
        </dl>
      )}
      {props.message && <p class="notice" role="alert">{props.message}</p>}
      {props.articles.map((a) => (
        <section class={`article ${a.from}`} data-kind={a.kind} id={`article-${a.id}`}>
          <div><strong>{t.ticket.kinds[a.kind]}</strong> — {a.from === 'customer' ? t.ticket.you : a.agent ? `${t.ticket.desk} (${a.agent})` : t.ticket.desk} — {formatDateTime(a.createdAt, t.lang, props.timeZone)}</div>
          <pre>{a.body}</pre>
          {a.attachments.length > 0 && (
            <ul class="attachments">
              {a.attachments.map((f) => (
                <li><a href={`/portal/tickets/${ticket.number}/articles/${a.id}/attachments/${f.position}`}>{f.filename ?? `#${f.position}`}</a> ({f.size} B)</li>
              ))}
            </ul>
          )}
        </section>
      ))}
      <h2>{t.ticket.reply}</h2>
      <form method="post" action={`/portal/tickets/${ticket.number}/reply`} enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.me.csrf} />
        <label for="body">{t.ticket.replyBody}</label>
        <textarea id="body" name="body" required></textarea>
        <label for="files">{t.ticket.attachments}</label>
        <input type="file" id="files" name="files" multiple />
        <p><button type="submit">{t.ticket.send}</button></p>
      </form>
    </PortalLayout>
  );
}

export function NewTicketPage(props: { t: PortalStrings; desk: string; me: Signed; message?: string }) {
  const { t } = props;
  return (
    <PortalLayout t={t} desk={props.desk} title={t.newTicket.title} signedIn={props.me} here="/portal/new">
      <p><a href="/portal">{t.ticket.back}</a></p>
      <h1>{t.newTicket.title}</h1>
      {props.message && <p class="notice" role="alert">{props.message}</p>}
      <form method="post" action="/portal/new" enctype="multipart/form-data">
        <input type="hidden" name="_csrf" value={props.me.csrf} />
        <label for="subject">{t.newTicket.subject}</label>
        <input type="text" id="subject" name="subject" required maxlength={500} />
        <label for="body">{t.newTicket.body}</label>
        <textarea id="body" name="body" required></textarea>
        <label for="files">{t.ticket.attachments}</label>
        <input type="file" id="files" name="files" multiple />
        <p><button type="submit">{t.newTicket.submit}</button></p>
      </form>
    </PortalLayout>
  );
}
