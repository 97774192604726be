// Who is signed in to the console, and proof that a form came from our own
// page. The session id lives only in an HttpOnly cookie; each session has a
// CSRF token that every changing form and htmx request sends back, which a
// cross-site page can neither read nor guess.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import type { Kysely } from 'kysely';
import type { ApiEnv } from '../api/env';
import { mayAct } from '../api/role-groups';
import { SESSION_MAX_MS, sessionFor } from '../db/sessions';
import type { Database } from '../db/schema';
import type { Actor } from '../workflows/ticket-types';

const SESSION_COOKIE = 'hd_session';

export type ConsoleSession = NonNullable<ApiEnv['Variables']['session']>;

export type ConsoleEnv = ApiEnv;

/** Integrators feed tickets through the API and admins keep tokens; the console is for the desk. */
export const mayUseConsole = (actor: Actor): boolean => mayAct('desk', actor.role);

/** Pages need a session: without one a browser is sent to sign in, an htmx request is told to. */
export function requireSession(db: Kysely<Database>): MiddlewareHandler<ConsoleEnv> {
  return async (c, next) => {
    const id = getCookie(c, SESSION_COOKIE);
    const found = id ? await sessionFor(db, id) : undefined;
    if (!id || !found || !mayUseConsole(found.actor)) {
      if (id) deleteCookie(c, SESSION_COOKIE, { path: '/' });
      const back = encodeURIComponent(c.req.path + (new URL(c.req.url).search || ''));
      const to = `/login?next=${back}${id ? '&expired=1' : ''}`;
      if (c.req.header('hx-request')) return c.body(null, 204, { 'HX-Redirect': to });
      return c.redirect(to, 303);
    }
    c.set('session', { id, ...found });
    c.set('actor', found.actor);
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !sameToken(await sentCsrfToken(c), found.csrfToken)) {
      return c.text('This form has expired or did not come from this site. Reload the page.', 403);
    }
    await next();
  };
}

export function setSessionCookie(c: Context, id: string): void {
  setCookie(c, SESSION_COOKIE, id, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: new URL(c.req.url).protocol === 'https:',
    maxAge: Math.floor(SESSION_MAX_MS / 1000),
  });
}

/** The token from the htmx header, or from the form's hidden field. */
async function sentCsrfToken(c: Context): Promise<string | undefined> {
  const header = c.req.header('x-csrf-token');
  if (header) return header;
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded') && !type.startsWith('multipart/form-data')) return undefined;
  const form = await c.req.parseBody();
  return typeof form._csrf === 'string' ? form._csrf : undefined;
}

export function sameToken(sent: string | undefined, expected: string): boolean {
  if (!sent) return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
