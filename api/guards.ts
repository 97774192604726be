import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bearerAuth as honoBearerAuth } from 'hono/bearer-auth';
import { ipRestriction } from 'hono/ip-restriction';
import type { IncomingMessage } from 'node:http';
import { BlockList, isIP } from 'node:net';
import { parseCidr, type Cidr } from '../lib/config';
import type { ApiDeps, ApiEnv } from './env';
import { Problem, problemResponse } from './problem';
import { cachedTokenLookup } from './tokens';
import type { Actor } from '../workflows/ticket-types';

/** The server-side environment of a request the console makes to the API in-process. */
export interface ConsoleCall {
  consoleActor?: Actor;
}

/** At most this many X-Forwarded-For hops are looked at, from the right. */
const MAX_FORWARDED_HOPS = 32;

/**
 * Who is calling, as `c.get('ip')` for the allowlist, the audit log and the
 * console's sign-in: the connection's address; when that is one of
 * TRUSTED_PROXIES, the right-most X-Forwarded-For address that is not a
 * trusted proxy itself (addresses further left were written by the client
 * and prove nothing). Without TRUSTED_PROXIES, X-Forwarded-For is ignored.
 *
 * The console's in-process API requests (web/act.ts) carry the connection's
 * bindings, so they resolve to the same address as the page request.
 */
export function clientAddress(trustedProxies: string[] | undefined): MiddlewareHandler<ApiEnv> {
  const trusted = trustedProxies?.length ? blockListOf(trustedProxies.map(cidrOf)) : undefined;
  const isTrusted = (address: string) => trusted!.check(address, isIP(address) === 4 ? 'ipv4' : 'ipv6');
  return async (c, next) => {
    let ip = canonicalAddress(peerAddress(c));
    if (trusted && ip && isTrusted(ip)) {
      const hops = forwardedFor(c).slice(-MAX_FORWARDED_HOPS).reverse();
      for (const hop of hops) {
        const address = canonicalAddress(hop);
        // A hop that is no address ("unknown", garbage): the last trusted proxy is what we know.
        if (!address) break;
        ip = address;
        if (!isTrusted(address)) break;
      }
    }
    c.set('ip', ip);
    await next();
  };
}

/**
 * Refuses addresses outside API_ALLOWED_IPS (checked on `c.get('ip')`, see
 * clientAddress) with a 403 problem; unset lets everyone through. Built once
 * at start: Hono's ipRestriction compiles the list then.
 */
export function ipAllowlist(cidrs: string[] | undefined): MiddlewareHandler<ApiEnv> {
  if (!cidrs?.length) return (_c, next) => next();
  const refuse = (c: Context, ip: string | undefined) =>
    problemResponse(c, new Problem(403, 'Forbidden', `requests from ${ip ?? 'an unknown address'} are not allowed (API_ALLOWED_IPS)`));
  const restriction = ipRestriction(
    (c) => (c as Context<ApiEnv>).get('ip') ?? '',
    { allowList: cidrs.map((cidr) => { const { address, bits } = cidrOf(cidr); return `${address}/${bits}`; }) },
    (remote, c) => refuse(c, remote.addr),
  );
  return async (c, next) => {
    const ip = c.get('ip');
    if (!ip) return refuse(c, undefined);
    return restriction(c, next);
  };
}

/**
 * Finds the caller from `Authorization: Bearer <token>` with Hono's
 * bearerAuth (a 401 carries `WWW-Authenticate: Bearer …`; a header that is
 * not `Bearer <token>` is 400), answering in our problem details: its
 * message options take a function that returns the whole Response.
 * Routes decide what the role may do. Tokens are looked up through a short
 * in-process cache (api/tokens.ts): a revoked one is refused within
 * TOKEN_CACHE_TTL_MS (5 s).
 */
export function bearerAuth(deps: Pick<ApiDeps, 'db'>): MiddlewareHandler<ApiEnv> {
  const actorForToken = cachedTokenLookup(deps.db);
  const problem = (status: 400 | 401, detail: string, extra?: Record<string, unknown>) => (c: Context) =>
    problemResponse(c, new Problem(status, status === 400 ? 'Invalid request' : 'Unauthenticated', detail, extra));
  const tokens = honoBearerAuth({
    realm: 'helpdesk',
    verifyToken: async (token, c) => {
      const actor = await actorForToken(token);
      if (actor) (c as Context<ApiEnv>).set('actor', actor);
      return actor !== undefined;
    },
    noAuthenticationHeader: { message: problem(401, 'send Authorization: Bearer <token> (npx helpdesk token create)') },
    invalidAuthenticationHeader: { message: problem(400, 'the Authorization header must be "Bearer <token>"', { field: 'Authorization' }) },
    invalidToken: { message: problem(401, 'the token is unknown or revoked') },
  }) as unknown as MiddlewareHandler<ApiEnv>;
  return async (c, next) => {
    // The console acts through these same routes in-process, for the person signed in (web/act.ts).
    // The actor then travels in the server-side environment, which no request can set.
    const signedIn = (c.env as ConsoleCall | undefined)?.consoleActor;
    if (signedIn) {
      c.set('actor', signedIn);
      return next();
    }
    return tokens(c, next);
  };
}

function cidrOf(entry: string): Cidr {
  // lib/config.ts refused anything else at start.
  const cidr = parseCidr(entry);
  if (typeof cidr === 'string') throw new Error(`"${entry}" ${cidr}`);
  return cidr;
}

function blockListOf(cidrs: Cidr[]): BlockList {
  const list = new BlockList();
  for (const { address, family, bits } of cidrs) list.addSubnet(address, bits, family);
  return list;
}

function peerAddress(c: Context): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** X-Forwarded-For as the connection brought it (for an in-process console request: the page request's). */
function forwardedFor(c: Context): string[] {
  const incoming = (c.env as { incoming?: Pick<IncomingMessage, 'headers'> } | undefined)?.incoming;
  const header = incoming?.headers ? incoming.headers['x-forwarded-for'] : c.req.header('x-forwarded-for');
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value.split(',').map((hop) => hop.trim()).filter(Boolean);
}

/** An address as the allowlist and the audit log see it: no port, no brackets, IPv4-mapped IPv6 as IPv4; undefined if it is none. */
function canonicalAddress(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let address = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1];
  else if (/^\d{1,3}(\.\d{1,3}){3}:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, '');
  if (address.includes('%')) return undefined;
  return isIP(address) ? address : undefined;
}
