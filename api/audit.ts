import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { log } from '../lib/log';
import type { ApiEnv } from './env';

/** The longest path (and action, outcome) an audit line keeps; longer ones are cut and end in "…". */
const AUDIT_PATH_MAX = 512;
const AUDIT_OUTCOME_MAX = 1000;
/** A client without a valid token gets at most one audit line per address per this period. */
export const ANONYMOUS_REFUSAL_EVERY_MS = 60_000;
/** Addresses remembered for that; when this many have been refused within the period, new ones are not recorded either. */
const ANONYMOUS_ADDRESSES_MAX = 10_000;

/**
 * Writes one audit line for every request that changes something (any method
 * but GET/HEAD/OPTIONS), refused ones included, and for every refused read
 * (401, 403): who, role, IP, what, which ticket, the outcome, when.
 *
 * What an unauthenticated client can make us write is bounded: a refusal
 * without an actor (no or bad token, a blocked address, …) is recorded at most
 * once per address per minute, the paths cut at AUDIT_PATH_MAX characters.
 * That memory is per API process and lost at a restart (a flood then starts
 * over with one line per address). Accepted changes and every refusal of an
 * authenticated caller are always recorded.
 */
export function auditLog(db: Kysely<Database>, options: { now?: () => number } = {}): MiddlewareHandler<ApiEnv> {
  const now = options.now ?? (() => Date.now());
  const anonymous = new RefusalThrottle(now);
  return async (c, next) => {
    await next();
    const method = c.req.method;
    const status = c.res.status;
    if (method === 'OPTIONS') return;
    if ((method === 'GET' || method === 'HEAD') && status !== 401 && status !== 403) return;
    const actor = c.get('actor');
    const ip = c.get('ip') ?? null;
    if (!actor && status >= 400 && !anonymous.mayRecord(ip ?? 'unknown')) return;
    const path = cut(c.req.path, AUDIT_PATH_MAX);
    const line = {
      user_name: actor?.user ?? null,
      role: actor?.role ?? null,
      ip,
      method: cut(method, 20),
      path,
      action: cut(c.get('action') ?? `${method} ${path}`, AUDIT_PATH_MAX),
      ticket_number: c.get('ticketNumber') ?? null,
      status,
      outcome: status < 400 ? 'ok' : cut(await problemDetail(c.res), AUDIT_OUTCOME_MAX),
    };
    try {
      await db.insertInto('audit_log').values(line).execute();
    } catch (error) {
      // The database being down already failed the request itself; the log still says what happened.
      log.error({ err: error, audit: line }, 'could not write the audit log');
    }
  };
}

/** In memory: when each address last had a refusal recorded. */
class RefusalThrottle {
  private readonly last = new Map<string, number>();
  private skipped = 0;
  private lastReport = 0;

  constructor(private readonly now: () => number) {}

  mayRecord(address: string): boolean {
    const now = this.now();
    const last = this.last.get(address);
    if (last !== undefined && now - last < ANONYMOUS_REFUSAL_EVERY_MS) return this.skip(now);
    if (last === undefined && this.last.size >= ANONYMOUS_ADDRESSES_MAX) {
      for (const [known, at] of this.last) if (now - at >= ANONYMOUS_REFUSAL_EVERY_MS) this.last.delete(known);
      if (this.last.size >= ANONYMOUS_ADDRESSES_MAX) return this.skip(now);
    }
    // Re-inserted, so the map stays in the order of the last recording.
    this.last.delete(address);
    this.last.set(address, now);
    return true;
  }

  private skip(now: number): false {
    this.skipped++;
    if (now - this.lastReport >= ANONYMOUS_REFUSAL_EVERY_MS) {
      log.warn({ skipped: this.skipped }, 'audit: refusals of unauthenticated clients not recorded (at most one per address per minute)');
      this.lastReport = now;
      this.skipped = 0;
    }
    return false;
  }
}

/** Cut to `max` characters, controls and lone surrogates written as \\uXXXX (PostgreSQL refuses NUL in text). */
function cut(text: string, max: number): string {
  const shown = text.length > max ? `${text.slice(0, max - 1)}…` : text;
  return shown.replace(/[\u0000-\u001F\u007F-\u009F]|\p{Cs}/gu, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

async function problemDetail(res: Response): Promise<string> {
  try {
    const body = (await res.clone().json()) as { title?: string; detail?: string };
    return [body.title, body.detail].filter(Boolean).join(': ') || `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}

/** A sign-in event of the console or the portal, written by the page that handled it (not an /api request). */
export interface SignInAudit {
  user: string;
  ip: string | undefined;
  status: number;
  outcome: string;
  role?: string;
  action: 'console.signIn' | 'console.signOut' | 'portal.linkRequested' | 'portal.signIn';
  path: string;
}

export async function auditSignIn(db: Kysely<Database>, line: SignInAudit): Promise<void> {
  try {
    await db
      .insertInto('audit_log')
      .values({
        user_name: line.user.slice(0, 320) || null,
        role: line.role ?? null,
        ip: line.ip ?? null,
        method: line.path === '/portal/auth' ? 'GET' : 'POST',
        path: line.path,
        action: line.action,
        ticket_number: null,
        status: line.status,
        outcome: line.outcome.slice(0, AUDIT_OUTCOME_MAX),
      })
      .execute();
  } catch (error) {
    log.error({ err: error, audit: line }, 'could not write the audit log');
  }
}
