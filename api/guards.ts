import { getConnInfo } from '@hono/node-server/conninfo';
import type { MiddlewareHandler } from 'hono';
import { BlockList, isIPv4 } from 'node:net';
import type { ApiDeps, ApiEnv } from './env';
import { Problem } from './problem';
import { actorForToken } from './tokens';
import type { Actor } from '../workflows/ticket-types';

/** The server-side environment of a request the console makes to the API in-process. */
export interface ConsoleCall {
  consoleActor?: Actor;
}

/** Refuses addresses outside API_ALLOWED_IPS (a CIDR list); unset lets everyone through. */
export function ipAllowlist(cidrs: string[] | undefined): MiddlewareHandler<ApiEnv> {
  const allowed = cidrs ? buildBlockList(cidrs) : undefined;
  return async (c, next) => {
    const ip = remoteAddress(c);
    c.set('ip', ip);
    if (allowed && !(ip && allowed.check(ip.replace(/^::ffff:/, ''), isIPv4(ip.replace(/^::ffff:/, '')) ? 'ipv4' : 'ipv6'))) {
      throw new Problem(403, 'Forbidden', `requests from ${ip ?? 'an unknown address'} are not allowed (API_ALLOWED_IPS)`);
    }
    await next();
  };
}

function buildBlockList(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [address, bits] = cidr.split('/');
    const family = isIPv4(address) ? 'ipv4' : 'ipv6';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

function remoteAddress(c: Parameters<MiddlewareHandler<ApiEnv>>[0]): string | undefined {
  try {
    return getConnInfo(c).remote.address;
  } catch {
    return undefined;
  }
}

/** Finds the caller from `Authorization: Bearer <token>`; routes decide what the role may do. */
export function bearerAuth(deps: Pick<ApiDeps, 'db'>): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    // The console acts through these same routes in-process, for the person signed in (web/act.ts).
    // The actor then travels in the server-side environment, which no request can set.
    const signedIn = (c.env as ConsoleCall | undefined)?.consoleActor;
    if (signedIn) {
      c.set('actor', signedIn);
      return next();
    }
    const header = c.req.header('authorization') ?? '';
    const match = header.match(/^Bearer\s+(\S+)$/i);
    if (!match) throw new Problem(401, 'Unauthenticated', 'send Authorization: Bearer <token> (npx helpdesk token create)');
    const actor = await actorForToken(deps.db, match[1]);
    if (!actor) throw new Problem(401, 'Unauthenticated', 'the token is unknown or revoked');
    c.set('actor', actor);
    await next();
  };
}
