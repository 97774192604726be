import type { MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { log } from '../lib/log';
import type { ApiEnv } from './env';

/**
 * Writes one audit line for every request that changes something (any method
 * but GET/HEAD/OPTIONS), refused ones included: who, role, IP, what, which
 * ticket, the outcome, when.
 */
export function auditLog(db: Kysely<Database>): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    await next();
    if (['GET', 'HEAD', 'OPTIONS'].includes(c.req.method)) return;
    const actor = c.get('actor');
    const status = c.res.status;
    const line = {
      user_name: actor?.user ?? null,
      role: actor?.role ?? null,
      ip: c.get('ip') ?? null,
      method: c.req.method,
      path: c.req.path,
      action: c.get('action') ?? `${c.req.method} ${c.req.path}`,
      ticket_number: c.get('ticketNumber') ?? null,
      status,
      outcome: status < 400 ? 'ok' : await problemDetail(c.res),
    };
    try {
      await db.insertInto('audit_log').values(line).execute();
    } catch (error) {
      // The database being down already failed the request itself; the log still says what happened.
      log.error({ err: error, audit: line }, 'could not write the audit log');
    }
  };
}

async function problemDetail(res: Response): Promise<string> {
  try {
    const body = (await res.clone().json()) as { title?: string; detail?: string };
    return [body.title, body.detail].filter(Boolean).join(': ') || `HTTP ${res.status}`;
  } catch {
    return `HTTP ${res.status}`;
  }
}
