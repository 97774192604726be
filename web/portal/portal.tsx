// The customer portal at /portal: sign-in by one-time link, the customer's
// tickets (their own, and their account's when they manage it or may see
// all), each ticket's thread as it was said to them, a new inquiry and replies.
// It acts only through the API's routes, in-process (web/act.ts), as the
// integrator `portal:<contactId>` with channel web; it reads what a customer
// may see through the pure rules in ./visibility.ts.
import { createHash, randomBytes } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { ApiEnv, WiredDeps } from '../../api/env';
import { contactByAddress } from '../../db/contacts';
import {
  allowLinkRequest,
  createPortalLink,
  endPortalSession,
  PORTAL_SESSION_MAX_MS,
  portalSessionFor,
  startPortalSession,
  usePortalLink,
  type PortalSession,
} from '../../db/portal-sessions';
import { addAttachments, attachmentContent, latestArticleBy, membershipsOf, partiesForPortal, portalTicket, portalTickets, storedArticles, type NewAttachment } from '../../db/portal-tickets';
import { publicRecords } from '../../db/knowledge-records';
import { log } from '../../lib/log';
import type { Actor } from '../../workflows/ticket-types';
import { auditSignIn } from '../../api/audit';
import { actThroughApi } from '../act';
import { sameToken } from '../session';
import { labelsFor } from '../i18n';
import { PORTAL_LANGUAGE_COOKIE, portalLanguage, portalStrings } from './i18n';
import { KnowledgePage, NewTicketPage, SignInPage, TicketListPage, TicketPage, type Signed } from './pages/portal-pages';
import { fromAddressOf } from '../../lib/desks/desk';
import { signInMailer } from './sign-in-mail';
import { customerArticles, mayCustomerSee } from './visibility';

const PORTAL_COOKIE = 'hd_portal';
const SIGN_IN_CSRF_COOKIE = 'hd_portal_login';
const MAX_FILES = 10;

export interface PortalDeps extends WiredDeps {
  api: Hono<ApiEnv>;
}

type PortalEnv = { Variables: ApiEnv['Variables'] & { customer?: PortalSession } };
type FormValue = string | File | (string | File)[];

export function portalRoutes(app: Hono<ApiEnv>, deps: PortalDeps): void {
  const portal = app as unknown as Hono<PortalEnv>;
  const sendSignInLink = signInMailer(deps.db, deps.config, fromAddressOf(deps.desks.default));
  const timeZone = deps.config.timeZone;
  const lang = (c: Context) => portalLanguage(getCookie(c, PORTAL_LANGUAGE_COOKIE), c.req.header('accept-language'));
  const strings = (c: Context) => portalStrings(lang(c));
  // One portal for the installation: the default desk's title (its web tickets are that desk's).
  const desk = (c: Context) => deps.desks.default.portalTitle ?? labelsFor(lang(c)).appName;
  const actorOf = (customer: PortalSession): Actor => ({ user: `portal:${customer.contactId}`, role: 'integrator' });
  const signed = (customer: PortalSession): Signed => ({ name: customer.name, address: customer.address, csrf: customer.csrfToken });

  const requireCustomer: MiddlewareHandler<PortalEnv> = async (c, next) => {
    const id = getCookie(c, PORTAL_COOKIE);
    const found = id ? await portalSessionFor(deps.db, id) : undefined;
    if (!id || !found) {
      if (id) deleteCookie(c, PORTAL_COOKIE, { path: '/portal' });
      return c.redirect(`/portal/login${id ? '?expired=1' : ''}`, 303);
    }
    c.set('customer', found);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const form = await formOf(c);
      if (!sameToken(one(form._csrf), found.csrfToken)) return c.text(strings(c).errors.csrf, 403);
    }
    await next();
  };

  portal.get('/portal/language/:lang', (c) => {
    const chosen = c.req.param('lang') === 'en' ? 'en' : 'ja';
    setCookie(c, PORTAL_LANGUAGE_COOKIE, chosen, { path: '/portal', sameSite: 'Lax', maxAge: 365 * 86_400 });
    const back = c.req.query('back') ?? '/portal';
    return c.redirect(/^\/portal(\/[\w/-]*)?$/.test(back) ? back : '/portal', 303);
  });

  // The sign-in form's own CSRF token, bound to a cookie: another site cannot make a browser request links.
  const signInForm = (c: Context<ApiEnv>) => {
    const csrf = randomBytes(24).toString('base64url');
    setCookie(c, SIGN_IN_CSRF_COOKIE, csrf, { path: '/portal/login', httpOnly: true, sameSite: 'Strict' });
    return csrf;
  };

  portal.get('/portal/login', (c) => {
    const t = strings(c);
    return c.html(<SignInPage t={t} desk={desk(c)} csrf={signInForm(c)} message={c.req.query('expired') ? t.signIn.expired : undefined} />);
  });

  portal.post('/portal/login', async (c) => {
    const t = strings(c);
    const form = await formOf(c);
    if (!sameToken(one(form._csrf), getCookie(c, SIGN_IN_CSRF_COOKIE) ?? '')) {
      return c.html(<SignInPage t={t} desk={desk(c)} csrf={signInForm(c)} message={t.errors.csrf} />, 403);
    }
    const address = (one(form.email) ?? '').trim().toLowerCase().slice(0, 320);
    // The same answer whatever happens: known or not, slowed down or not.
    const answer = () => c.html(<SignInPage t={t} desk={desk(c)} sent />);
    if (!/^[^\s@]+@[^\s@]+$/.test(address)) return answer();
    try {
      if (!(await allowLinkRequest(deps.db, address, c.get('ip')))) return answer();
      const contact = await contactByAddress(deps.db, address);
      if (!contact) return answer();
      const base = linkBase(deps.config.publicUrl, c.req.url);
      if (!base) {
        log.warn('portal: PUBLIC_URL is not set and the request did not come to a loopback address: no sign-in link sent');
        return answer();
      }
      // Recorded only for known addresses that get a mail: bounded by the request limits above.
      await auditSignIn(deps.db, { action: 'portal.linkRequested', path: '/portal/login', user: address, ip: c.get('ip'), status: 200, outcome: 'sign-in link mailed' });
      const token = await createPortalLink(deps.db, contact.id, address);
      const link = new URL(`/portal/auth?token=${token}`, base).toString();
      await sendSignInLink({ address, name: contact.name }, link, portalStrings(getCookie(c, PORTAL_LANGUAGE_COOKIE) ? lang(c) : contact.language));
    } catch (error) {
      log.error({ err: error }, 'portal sign-in link request failed');
    }
    return answer();
  });

  portal.get('/portal/auth', async (c) => {
    const t = strings(c);
    const used = await usePortalLink(deps.db, c.req.query('token') ?? '');
    // A bad link is not audited: anyone can send those without end, and it opens nothing.
    if (!used) return c.html(<SignInPage t={t} desk={desk(c)} csrf={signInForm(c)} message={t.signIn.invalidLink} />, 400);
    await auditSignIn(deps.db, { action: 'portal.signIn', path: '/portal/auth', user: used.address, ip: c.get('ip'), status: 303, outcome: 'ok', role: 'customer' });
    const started = await startPortalSession(deps.db, used.contactId, used.address);
    setCookie(c, PORTAL_COOKIE, started.id, {
      path: '/portal',
      httpOnly: true,
      sameSite: 'Lax',
      secure: new URL(c.req.url).protocol === 'https:',
      maxAge: Math.floor(PORTAL_SESSION_MAX_MS / 1000),
    });
    return c.redirect('/portal', 303);
  });

  portal.post('/portal/logout', requireCustomer, async (c) => {
    await endPortalSession(deps.db, getCookie(c, PORTAL_COOKIE)!);
    deleteCookie(c, PORTAL_COOKIE, { path: '/portal' });
    return c.redirect('/portal/login', 303);
  });

  // Public records are for anyone, signed in or not (a customer looking for a fix before writing in).
  portal.get('/portal/knowledge', async (c) => {
    const q = (c.req.query('q') ?? '').slice(0, 200);
    return c.html(<KnowledgePage t={strings(c)} desk={desk(c)} q={q} records={await publicRecords(deps.db, q, 20)} />);
  });

  portal.get('/portal', requireCustomer, async (c) => {
    const customer = c.get('customer')!;
    const memberships = await membershipsOf(deps.db, customer.contactId);
    const rows = (await portalTickets(deps.db, customer.contactId, memberships)).filter((row) => mayCustomerSee(customer.contactId, memberships, partiesForPortal(row)));
    return c.html(<TicketListPage t={strings(c)} desk={desk(c)} me={signed(customer)} tickets={rows} timeZone={timeZone} meId={customer.contactId} />);
  });

  /** The ticket if this customer may see it; otherwise undefined, answered as 404 like an unknown number. */
  async function visibleTicket(customer: PortalSession, number: string) {
    const row = await portalTicket(deps.db, number);
    if (!row) return undefined;
    const memberships = await membershipsOf(deps.db, customer.contactId);
    return mayCustomerSee(customer.contactId, memberships, partiesForPortal(row)) ? row : undefined;
  }
  const notFound = (c: Context) => c.text(strings(c).errors.notFound, 404);

  async function ticketPage(c: Context<PortalEnv>, number: string, message?: string, status: 200 | 400 | 409 | 503 = 200) {
    const customer = c.get('customer')!;
    const ticket = await visibleTicket(customer, number);
    if (!ticket) return notFound(c);
    const articles = customerArticles(await storedArticles(deps.db, number));
    return c.html(<TicketPage t={strings(c)} desk={desk(c)} me={signed(customer)} ticket={ticket} articles={articles} timeZone={timeZone} message={message} />, status);
  }

  portal.get('/portal/tickets/:number', requireCustomer, (c) => ticketPage(c, c.req.param('number')));

  portal.get('/portal/tickets/:number/articles/:id/attachments/:n', requireCustomer, async (c) => {
    const customer = c.get('customer')!;
    const number = c.req.param('number');
    const id = c.req.param('id');
    const position = Number(c.req.param('n'));
    if (!/^\d{1,18}$/.test(id) || !Number.isInteger(position) || position < 1 || position > 100_000) return notFound(c);
    if (!(await visibleTicket(customer, number))) return notFound(c);
    // Only a file of an article the customer sees on this ticket.
    const article = customerArticles(await storedArticles(deps.db, number)).find((a) => a.id === id);
    if (!article?.attachments.some((f) => f.position === position)) return notFound(c);
    const file = await attachmentContent(deps.db, id, position);
    if (!file) return notFound(c);
    const name = file.filename ?? `attachment-${position}`;
    return c.body(new Uint8Array(file.content), 200, {
      'content-type': 'application/octet-stream',
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}`,
      'x-content-type-options': 'nosniff',
    });
  });

  portal.get('/portal/new', requireCustomer, (c) => c.html(<NewTicketPage t={strings(c)} desk={desk(c)} me={signed(c.get('customer')!)} />));

  portal.post('/portal/new', requireCustomer, async (c) => {
    const customer = c.get('customer')!;
    const t = strings(c);
    const form = await formOf(c);
    const files = await filesOf(form.files);
    const actor = actorOf(customer);
    const outcome = await actThroughApi(deps.api, c as unknown as Context<ApiEnv>, actor, {
      path: '/api/tickets',
      body: {
        customer: { email: customer.address, ...(customer.name ? { name: customer.name } : {}) },
        subject: one(form.subject) ?? '',
        body: one(form.body) ?? '',
        channel: 'web',
      },
    });
    if (!outcome.ok) return c.html(<NewTicketPage t={t} desk={desk(c)} me={signed(customer)} message={t.errors.failed + outcome.detail} />, 400);
    const number = outcome.body.number;
    const articleId = await latestArticleBy(deps.db, number, 'inquiry', actor.user);
    if (articleId) await addAttachments(deps.db, articleId, files);
    return c.redirect(`/portal/tickets/${number}`, 303);
  });

  portal.post('/portal/tickets/:number/reply', requireCustomer, async (c) => {
    const customer = c.get('customer')!;
    const number = c.req.param('number');
    if (!(await visibleTicket(customer, number))) return notFound(c);
    const t = strings(c);
    const form = await formOf(c);
    const files = await filesOf(form.files);
    const actor = actorOf(customer);
    const outcome = await actThroughApi(deps.api, c as unknown as Context<ApiEnv>, actor, {
      path: `/api/tickets/${number}/follow-ups`,
      body: { channel: 'web', body: one(form.body) ?? '' },
    });
    if (!outcome.ok) return ticketPage(c, number, t.errors.failed + outcome.detail, outcome.status === 409 ? 409 : 400);
    // After the reopen window the follow-up opened a new ticket that refers to this one.
    const landed = outcome.body.number ?? number;
    const articleId = await latestArticleBy(deps.db, landed, 'follow_up', actor.user);
    if (articleId) await addAttachments(deps.db, articleId, files);
    return c.redirect(`/portal/tickets/${number}`, 303);
  });
}

async function formOf(c: Context): Promise<Record<string, FormValue>> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return {};
  return (await c.req.parseBody({ all: true })) as Record<string, FormValue>;
}

function one(value: FormValue | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : undefined;
}

async function filesOf(value: FormValue | undefined): Promise<NewAttachment[]> {
  const list = (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is File => typeof v !== 'string' && v.size > 0);
  const out: NewAttachment[] = [];
  for (const file of list.slice(0, MAX_FILES)) {
    const content = Buffer.from(await file.arrayBuffer());
    out.push({
      filename: (file.name || 'attachment').replace(/[\u0000-\u001f\u007f/\\]/g, '_').slice(0, 255),
      contentType: /^[\w.+-]+\/[\w.+-]+$/.test(file.type) ? file.type : 'application/octet-stream',
      content,
      sha256: createHash('sha256').update(content).digest('hex'),
    });
  }
  return out;
}

/**
 * Where sign-in links point. Never the request's own Host header, which a
 * caller chooses: with it, anyone could have a customer mailed a valid link to
 * their own site. PUBLIC_URL when set; without it, only a request to a
 * loopback address (a desk on one machine, the tests) names its own host.
 */
function linkBase(publicUrl: string | undefined, requestUrl: string): string | undefined {
  if (publicUrl) return publicUrl;
  const url = new URL(requestUrl);
  return ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) ? url.origin : undefined;
}
