// The agent console: server-rendered pages on the API's own app and port.
// Pages read the read model and the ticket's workflow; every action is the
// matching API request made in-process (web/act.ts), so the console adds no
// rules of its own. Live updates come over one SSE stream per tab (web/live).
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { getCookie, setCookie, deleteCookie } from 'hono/cookie';
import type { ApiEnv, WiredDeps } from '../api/env';
import { TicketGateway } from '../api/ticket-gateway';
import { ANONYMOUS_REFUSAL_EVERY_MS, auditSignIn } from '../api/audit';
import { accountById, listAccounts } from '../db/accounts';
import { articlesOf } from '../db/articles';
import { similarTickets } from '../db/similar-tickets';
import { outboundMailOf, ticketEventsOf } from '../db/ticket-events';
import { partiesOf } from '../db/ticket-parties';
import { ticketList, ticketListCounts, TICKET_LISTS, type TicketList } from '../db/ticket-lists';
import { endSession, startSession } from '../db/sessions';
import { throttledSignIn } from '../db/sign-in-failures';
import { log } from '../lib/log';
import { SLA_STATUSES, type Actor, type SlaStatus } from '../workflows/ticket-types';
import { actThroughApi, readThroughApi } from './act';
import { consoleAssets } from './assets';
import { labelsFor, LANGUAGE_COOKIE, pickLanguage, type Labels } from './i18n';
import { deskEventsHandler } from './live/events-route';
import { knowledgeConsoleRoutes } from './knowledge-console';
import { previewMemoCharset } from './memo-preview';
import { LoginPage } from './pages/login';
import { SlaPage, type SlaSummary } from './pages/sla-page';
import { TicketListPageView, TicketRows } from './pages/ticket-list';
import { MemoPreviewText, TicketLive, TicketPage, type AccountChoice, type PartiesFailure, type TicketPageData } from './pages/ticket-page';
import { requireSession, sameToken, setSessionCookie, mayUseConsole, type ConsoleEnv, type ConsoleSession } from './session';
import { CONSOLE_ACTIONS, apiRequestFor, type ConsoleAction } from './ticket-actions';
import { startOfDayAt } from '../workflows/sla/wall-clock';

const LOGIN_CSRF_COOKIE = 'hd_login_csrf';
const PAGE_SIZE = 50;
/** The accounts the parties form and the lists' filter offer, by name. */
const ACCOUNT_CHOICES = 300;
/** How long the ticket page keeps the account choices it read. */
const ACCOUNT_CHOICES_TTL_MS = 10_000;

export interface ConsoleDeps extends WiredDeps {
  /** The API app itself: console actions are its requests. */
  api: Hono<ApiEnv>;
}

export function consoleRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const tickets = new TicketGateway(deps.temporal, deps.db);
  const session = requireSession(deps.db);
  const t = (c: Context) => labelsFor(pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('accept-language')));
  const timeZone = deps.config.timeZone;

  consoleAssets(app);
  knowledgeConsoleRoutes(app, deps);

  app.get('/language/:lang', (c) => {
    const lang = c.req.param('lang') === 'en' ? 'en' : 'ja';
    setCookie(c, LANGUAGE_COOKIE, lang, { path: '/', sameSite: 'Lax', maxAge: 365 * 86_400 });
    return c.redirect(localPath(c.req.query('back')), 303);
  });

  app.get('/login', (c) => {
    const csrf = randomBytes(24).toString('base64url');
    setCookie(c, LOGIN_CSRF_COOKIE, csrf, { path: '/login', httpOnly: true, sameSite: 'Strict' });
    const labels = t(c);
    return c.html(<LoginPage t={labels} csrf={csrf} next={localPath(c.req.query('next'))} message={c.req.query('expired') ? labels.signIn.expired : undefined} />);
  });

  app.post('/login', async (c) => {
    const labels = t(c);
    const form = await c.req.parseBody();
    const user = String(form.user ?? '').trim();
    const next = localPath(String(form.next ?? '/'));
    const ip = addressOf(c);
    const again = (status: 400 | 401 | 403 | 429, message: string) => {
      const csrf = randomBytes(24).toString('base64url');
      setCookie(c, LOGIN_CSRF_COOKIE, csrf, { path: '/login', httpOnly: true, sameSite: 'Strict' });
      return c.html(<LoginPage t={labels} csrf={csrf} next={next} message={message} user={user} />, status);
    };
    // A sign-in form posted from another site carries no matching cookie (login CSRF).
    if (!sameToken(String(form._csrf ?? ''), getCookie(c, LOGIN_CSRF_COOKIE) ?? '')) return again(403, labels.errors.csrf);
    // Counted before the password is checked, under a lock: parallel guesses cannot slip past the limit.
    const { actor, waitMs } = await throttledSignIn(deps.db, user, String(form.password ?? ''), ip);
    if (waitMs > 0) {
      // Failed attempts are bounded by the throttle itself; the refusals past it are recorded once a minute per address.
      if (slowedDownRecently(ip)) return again(429, labels.signIn.slowDown(Math.ceil(waitMs / 1000)));
      await auditSignIn(deps.db, { action: 'console.signIn', path: '/login', user, ip, status: 429, outcome: `slowed down: wait ${Math.ceil(waitMs / 1000)} s` });
      return again(429, labels.signIn.slowDown(Math.ceil(waitMs / 1000)));
    }
    if (!actor) {
      await auditSignIn(deps.db, { action: 'console.signIn', path: '/login', user, ip, status: 401, outcome: 'wrong user name or password' });
      return again(401, labels.signIn.failed);
    }
    if (!mayUseConsole(actor)) {
      await auditSignIn(deps.db, { action: 'console.signIn', path: '/login', user, ip, status: 403, outcome: `role ${actor.role} may not use the console`, role: actor.role });
      return again(403, labels.signIn.notForRole);
    }
    const started = await startSession(deps.db, actor.user, ip);
    setSessionCookie(c, started.id);
    deleteCookie(c, LOGIN_CSRF_COOKIE, { path: '/login' });
    await auditSignIn(deps.db, { action: 'console.signIn', path: '/login', user, ip, status: 303, outcome: 'ok', role: actor.role });
    return c.redirect(next, 303);
  });

  const slowedDownAudited = new Map<string, number>();
  function slowedDownRecently(ip: string | undefined): boolean {
    const key = ip ?? 'unknown';
    const last = slowedDownAudited.get(key);
    if (last !== undefined && Date.now() - last < ANONYMOUS_REFUSAL_EVERY_MS) return true;
    if (slowedDownAudited.size > 10_000) slowedDownAudited.clear();
    slowedDownAudited.set(key, Date.now());
    return false;
  }

  app.post('/logout', session, async (c) => {
    const current = c.get('session')!;
    await endSession(deps.db, current.id);
    deleteCookie(c, 'hd_session', { path: '/' });
    await auditSignIn(deps.db, { action: 'console.signOut', path: '/logout', user: current.actor.user, ip: addressOf(c), status: 303, outcome: 'signed out', role: current.actor.role });
    return c.redirect('/login', 303);
  });

  app.get('/', session, (c) => c.redirect('/tickets?view=mine', 303));

  if (deps.changes) app.get('/events', session, deskEventsHandler(deps.changes));

  const listParams = (c: Context) => {
    const view = (TICKET_LISTS as readonly string[]).includes(c.req.query('view') ?? '') ? (c.req.query('view') as TicketList) : 'mine';
    const page = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
    const q = (c.req.query('q') ?? '').slice(0, 200);
    const sla = (SLA_STATUSES as readonly string[]).includes(c.req.query('sla') ?? '') ? (c.req.query('sla') as SlaStatus) : undefined;
    const account = /^[1-9]\d{0,17}$/.test(c.req.query('account') ?? '') ? c.req.query('account') : undefined;
    // An id that is no desk's is no filter (the select offers only desks).
    const desk = deps.desks.named(c.req.query('desk') ?? '')?.id;
    return { view, page, q: q || undefined, slaStatus: sla, account, desk };
  };

  /** The accounts to choose from; a help, not the page: without them the page still shows. */
  const accountChoices = () =>
    listAccounts(deps.db, { limit: ACCOUNT_CHOICES })
      .then((accounts) => accounts.map(({ id, name, kind }) => ({ id, name, kind })))
      .catch((error) => {
        log.warn({ err: error }, 'console: no accounts to choose from');
        return [];
      });

  /**
   * The ticket page's account choices, kept for ACCOUNT_CHOICES_TTL_MS so a
   * page load or live refresh does not read 300 accounts each time: a new or
   * renamed account shows in the parties form's select within that time. A
   * failed read is not kept.
   */
  let keptChoices: { until: number; choices: Promise<AccountChoice[]> } | undefined;
  const ticketPageAccountChoices = (): Promise<AccountChoice[]> => {
    const now = performance.now();
    if (keptChoices && keptChoices.until > now) return keptChoices.choices;
    const kept = {
      until: now + ACCOUNT_CHOICES_TTL_MS,
      choices: listAccounts(deps.db, { limit: ACCOUNT_CHOICES })
        .then((accounts) => accounts.map(({ id, name, kind }) => ({ id, name, kind })))
        .catch((error) => {
          if (keptChoices === kept) keptChoices = undefined;
          log.warn({ err: error }, 'console: no accounts to choose from');
          return [];
        }),
    };
    keptChoices = kept;
    return kept.choices;
  };

  app.get('/tickets', session, async (c) => {
    const { view, page, q, slaStatus, account, desk } = listParams(c);
    const current = c.get('session')!;
    const now = new Date();
    const [result, counts, accounts, filtered] = await Promise.all([
      ticketList(deps.db, view, { me: current.actor.user, q, slaStatus, account, desk: desk ? deps.desks.of(desk) : undefined, page, pageSize: PAGE_SIZE, now }),
      ticketListCounts(deps.db, current.actor.user, now),
      accountChoices(),
      account ? accountById(deps.db, account).catch(() => undefined) : undefined,
    ]);
    const labels = t(c);
    const here = c.req.path + new URL(c.req.url).search;
    return c.html(
      <TicketListPageView
        t={labels}
        list={view}
        q={q}
        slaStatus={slaStatus}
        account={account}
        desk={desk}
        accountName={filtered?.name}
        accounts={accounts}
        page={page}
        pageSize={PAGE_SIZE}
        result={result}
        now={now}
        timeZone={timeZone}
        desks={deps.desks}
        frame={{ t: labels, title: '', session: current, current: view, counts, here }}
      />,
    );
  });

  app.get('/tickets/rows', session, async (c) => {
    const { view, page, q, slaStatus, account, desk } = listParams(c);
    const now = new Date();
    const result = await ticketList(deps.db, view, { me: c.get('session')!.actor.user, q, slaStatus, account, desk: desk ? deps.desks.of(desk) : undefined, page, pageSize: PAGE_SIZE, now });
    return c.html(<TicketRows t={t(c)} list={view} q={q} slaStatus={slaStatus} account={account} desk={desk} page={page} pageSize={PAGE_SIZE} result={result} now={now} timeZone={timeZone} desks={deps.desks} />);
  });

  app.get('/tickets/counts', session, async (c) => c.json(await ticketListCounts(deps.db, c.get('session')!.actor.user)));

  /** What the ticket page shows; the similar tickets only for a whole page (`withSimilar`), not for a live refresh or an action's answer. */
  async function pageData(number: string, { withSimilar }: { withSimilar: boolean }): Promise<TicketPageData> {
    const ticket = await tickets.view(number);
    const [sla, articles, events, mails, similar, parties, accounts] = await Promise.all([
      tickets.sla(number).catch((error) => {
        // A ticket whose workflow has ended or does not answer still shows its thread.
        log.debug({ err: error, number }, 'console: no SLA view');
        return undefined;
      }),
      articlesOf(deps.db, number),
      ticketEventsOf(deps.db, number),
      outboundMailOf(deps.db, number),
      // A help, not the page: without it the ticket still shows.
      withSimilar
        ? similarTickets(deps.db, number).catch((error) => {
            log.warn({ err: error, number }, 'console: no similar tickets');
            return [];
          })
        : undefined,
      // The box says it could not read them; the rest of the page shows.
      partiesOf(deps.db, number).catch((error) => {
        log.warn({ err: error, number }, 'console: no parties');
        return undefined;
      }),
      ticketPageAccountChoices(),
    ]);
    const deskName = deps.desks.all.length > 1 ? deps.desks.of(ticket.desk).name : undefined;
    return { ticket, sla, articles, events, mails, ...(similar ? { similar } : {}), parties, accounts, deskName };
  }

  const validNumber = (number: string) => /^\d{1,20}$/.test(number);

  app.get('/tickets/:number', session, async (c) => {
    const number = c.req.param('number');
    const labels = t(c);
    if (!validNumber(number)) return c.notFound();
    const current = c.get('session')!;
    const [data, counts] = await Promise.all([pageData(number, { withSimilar: true }), ticketListCounts(deps.db, current.actor.user)]);
    return c.html(<TicketPage t={labels} data={data} actor={current.actor} csrf={current.csrfToken} now={new Date()} timeZone={timeZone} frame={{ t: labels, title: '', session: current, counts, here: c.req.path }} />);
  });

  app.get('/tickets/:number/live', session, async (c) => {
    const number = c.req.param('number');
    if (!validNumber(number)) return c.notFound();
    const current = c.get('session')!;
    return c.html(<TicketLive t={t(c)} data={await pageData(number, { withSimilar: false })} actor={current.actor} csrf={current.csrfToken} now={new Date()} timeZone={timeZone} />);
  });

  app.post('/tickets/:number/do/:action', session, async (c) => {
    const number = c.req.param('number');
    const action = c.req.param('action') as ConsoleAction;
    if (!validNumber(number) || !CONSOLE_ACTIONS.includes(action)) return c.notFound();
    const current = c.get('session')!;
    const form = stringsOf(await c.req.parseBody());
    const request = apiRequestFor(number, action, form);
    const outcome = await actThroughApi(deps.api, c, current.actor, { ...request, idempotencyKey: form.idempotencyKey });
    const failure = outcome.ok ? undefined : { action, memoId: form.memoId, message: outcome.detail || outcome.title };
    const labels = t(c);
    // An answer to htmx replaces the live region only, which keeps its similar tickets; a whole page reads them.
    const data = await pageData(number, { withSimilar: !c.req.header('hx-request') });
    if (c.req.header('hx-request')) {
      return c.html(<TicketLive t={labels} data={data} actor={current.actor} csrf={current.csrfToken} now={new Date()} timeZone={timeZone} failure={failure} />);
    }
    if (!failure) return c.redirect(`/tickets/${number}`, 303);
    return c.html(<TicketPage t={labels} data={data} actor={current.actor} csrf={current.csrfToken} now={new Date()} timeZone={timeZone} failure={failure} frame={{ t: labels, title: '', session: current, here: `/tickets/${number}` }} />, 422);
  });

  // The parties form: POST /api/tickets/:number/parties in-process, with only the fields the agent changed.
  app.post('/tickets/:number/parties', session, async (c) => {
    const number = c.req.param('number');
    if (!validNumber(number)) return c.notFound();
    const current = c.get('session')!;
    const form = stringsOf(await c.req.parseBody());
    const outcome = await actThroughApi(deps.api, c, current.actor, { path: `/api/tickets/${number}/parties`, body: partiesChangeOf(form), idempotencyKey: form.idempotencyKey });
    const failure: PartiesFailure | undefined = outcome.ok
      ? undefined
      : { message: outcome.detail || outcome.title, ...(outcome.field ? { field: outcome.field } : {}), submitted: partiesFieldsOf(form) };
    const labels = t(c);
    const data = await pageData(number, { withSimilar: !c.req.header('hx-request') });
    if (c.req.header('hx-request')) {
      return c.html(<TicketLive t={labels} data={data} actor={current.actor} csrf={current.csrfToken} now={new Date()} timeZone={timeZone} partiesFailure={failure} />);
    }
    if (!failure) return c.redirect(`/tickets/${number}`, 303);
    return c.html(<TicketPage t={labels} data={data} actor={current.actor} csrf={current.csrfToken} now={new Date()} timeZone={timeZone} partiesFailure={failure} frame={{ t: labels, title: '', session: current, here: `/tickets/${number}` }} />, 422);
  });

  app.post('/tickets/:number/memo-preview', session, async (c) => {
    const form = stringsOf(await c.req.parseBody());
    const preview = previewMemoCharset(form.body ?? '', { charset: deps.config.mail.charset, fallback: deps.config.mail.charsetFallback });
    return c.html(<MemoPreviewText t={t(c)} preview={preview} />);
  });

  // Files and raw mail, as the API serves them (same checks, same headers).
  app.get('/tickets/:number/articles/:id/attachments/:n', session, (c) =>
    readThroughApi(deps.api, c, c.get('session')!.actor, `/api/tickets/${c.req.param('number')}/articles/${c.req.param('id')}/attachments/${c.req.param('n')}`),
  );
  app.get('/tickets/:number/articles/:id/raw', session, (c) =>
    readThroughApi(deps.api, c, c.get('session')!.actor, `/api/tickets/${c.req.param('number')}/articles/${c.req.param('id')}/raw`),
  );

  app.get('/sla', session, async (c) => {
    const current = c.get('session')!;
    const labels = t(c);
    if (current.actor.role !== 'manager') return c.html(<p>{labels.errors.forbidden}</p>, 403);
    const period = periodOf(c.req.query('from'), c.req.query('to'));
    const today = new Date(startOfDayAt(timeZone, Date.now()));
    const [summary, todays] = await Promise.all([
      slaSummary(c, current.actor, period.from, period.to),
      slaSummary(c, current.actor, today.toISOString(), new Date().toISOString()),
    ]);
    return c.html(
      <SlaPage t={labels} summary={summary} today={todays} period={period} temporalUiUrl={deps.config.temporal.uiUrl} namespace={deps.config.temporal.namespace} frame={{ t: labels, title: '', session: current, current: 'sla', here: '/sla' }} />,
    );
  });

  async function slaSummary(c: Context, actor: Actor, from: string, to: string): Promise<SlaSummary> {
    const response = await readThroughApi(deps.api, c, actor, `/api/sla/summary?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
    if (!response.ok) throw new Error(`SLA summary: HTTP ${response.status}`);
    return (await response.json()) as SlaSummary;
  }
}

/** Only paths on this site: a `next` of `//evil.example` or `https://…` must not redirect away. */
function localPath(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** The client's address as the API's guards resolved it (behind TRUSTED_PROXIES: the forwarded one). */
function addressOf(c: Context<ApiEnv>): string | undefined {
  return c.get('ip');
}

function stringsOf(form: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(form).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

const PARTY_FIELDS = ['account', 'requester', 'endCustomerName', 'endCustomerOrg', 'partnerTicketNumber', 'cc'] as const;

function partiesFieldsOf(form: Record<string, string>): Record<string, string> {
  return Object.fromEntries(PARTY_FIELDS.filter((name) => form[name] !== undefined).map((name) => [name, form[name]!]));
}

const addressesOf = (text: string) =>
  text
    .split(/[,、，;\s]+/)
    .map((a) => a.trim())
    .filter(Boolean);

/**
 * The body of POST /api/tickets/:number/parties for the parties form: a field
 * goes only when it differs from what the page showed (its `…Was`), so that
 * saving one field does not decide the others (an uncertain account stays so).
 * An empty field clears; the API validates the rest.
 */
function partiesChangeOf(form: Record<string, string>): Record<string, unknown> {
  const changed = (name: (typeof PARTY_FIELDS)[number]) => form[name] !== undefined && form[name]!.trim() !== (form[`${name}Was`] ?? '').trim();
  const body: Record<string, unknown> = {};
  if (changed('account') && form.account !== '?') body.account = form.account ? form.account : null;
  if (changed('requester')) body.requester = { email: form.requester!.trim() };
  if (changed('endCustomerName') || changed('endCustomerOrg')) {
    const name = form.endCustomerName?.trim() ?? '';
    const organisation = form.endCustomerOrg?.trim() ?? '';
    body.endCustomer = name || organisation ? { ...(name ? { name } : {}), ...(organisation ? { organisation } : {}) } : null;
  }
  if (changed('partnerTicketNumber')) body.partnerTicketNumber = form.partnerTicketNumber!.trim() || null;
  const cc = addressesOf(form.cc ?? '');
  if (form.cc !== undefined && cc.map((a) => a.toLowerCase()).sort().join(',') !== addressesOf(form.ccWas ?? '').sort().join(',')) body.cc = cc;
  return body;
}

function periodOf(from: string | undefined, to: string | undefined): { from: string; to: string } {
  const end = to && !Number.isNaN(Date.parse(to)) ? new Date(to) : new Date();
  const start = from && !Number.isNaN(Date.parse(from)) ? new Date(from) : new Date(end.getTime() - 30 * 86_400_000);
  return { from: start.toISOString(), to: end.toISOString() };
}

export type { ConsoleSession, Labels };
