import { Hono } from 'hono';
import { sql } from 'kysely';
import type { TicketStarter } from '../lib/open-ticket';
import { log } from '../lib/log';
import { auditLog } from './audit';
import type { ApiDeps, ApiEnv } from './env';
import { bearerAuth, ipAllowlist } from './guards';
import { idempotentPosts } from './idempotency';
import { docsPage, openApiDocument } from './openapi';
import { Problem, problemResponse } from './problem';
import { RouteBook } from './route-book';
import { ROLE_GROUPS } from './role-groups';
import { auditQuery } from './ticket-schemas';
import { slaRoutes } from './sla-routes';
import { intakeRoutes } from './intake-routes';
import { spamRoutes } from './spam-routes';
import { ticketRoutes } from './ticket-routes';
import { consoleRoutes } from '../web/console';
import { isDatabaseDown, problemFromTemporal } from './temporal-errors';
import { rethrowDatabase } from './ticket-gateway';

/** The API's database pool gives up on a query after this long: a request answers 503, never hangs. */
export const API_QUERY_TIMEOUT_MS = 8_000;

/** The HTTP API: public health and docs, then everything else behind a bearer token. */
export function createApp(deps: ApiDeps): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const starter: TicketStarter = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.config.temporal.taskQueue,
    settings: { reopenWindowMs: deps.config.reopenWindowMs, autoCloseAfterMs: deps.config.autoCloseAfterMs },
    slaPolicy: deps.slaPolicy,
  };

  app.onError((error, c) => problemResponse(c, toProblem(error, c.req.method, c.req.path)));
  app.notFound((c) => problemResponse(c, new Problem(404, 'Not found', `no route for ${c.req.method} ${c.req.path}`)));

  // The console audits its own sign-ins; its actions are audited as the API requests they make.
  app.use('/api/*', auditLog(deps.db));
  app.use('*', ipAllowlist(deps.config.allowedIps));
  app.get('/healthz', async (c) => {
    const [temporal, database] = await Promise.all([checkTemporal(deps), checkDatabase(deps)]);
    const ok = temporal === 'ok' && database === 'ok';
    return c.json({ status: ok ? 'ok' : 'degraded', temporal, database }, ok ? 200 : 503);
  });

  const book = new RouteBook(app);
  app.get('/openapi.json', (c) => c.json(openApiDocument(book)));
  app.get('/docs', (c) => c.html(docsPage(openApiDocument(book))));

  app.use('/api/*', bearerAuth(deps));
  app.use('/api/*', idempotentPosts(deps.db));
  ticketRoutes(book, deps, starter);
  slaRoutes(book, deps);
  intakeRoutes(book, deps);
  spamRoutes(book, deps);
  book.add(
    { method: 'get', path: '/api/audit', action: 'audit.read', summary: 'Read the audit log', roles: ROLE_GROUPS.overseers, query: auditQuery },
    async ({ c, query }) => {
      let q = deps.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(query.limit);
      if (query.user) q = q.where('user_name', '=', query.user);
      if (query.ticket) q = q.where('ticket_number', '=', query.ticket);
      if (query.from) q = q.where('at', '>=', new Date(query.from));
      if (query.to) q = q.where('at', '<', new Date(query.to));
      return c.json({ entries: await q.execute().catch(rethrowDatabase) });
    },
  );
  // The console: pages for people, on the same app, acting through the routes above.
  consoleRoutes(app, { ...deps, api: app });
  return app;
}

function toProblem(error: unknown, method: string, path: string): Problem {
  const known = problemFromTemporal(error);
  if (known) return known;
  if (isDatabaseDown(error)) return new Problem(503, 'Service unavailable', 'the database cannot be reached');
  // Unexpected: logged with its stack, answered without it.
  log.error({ err: error, method, path }, 'unexpected error in the API');
  return new Problem(500, 'Internal error', 'an unexpected error occurred; it has been logged');
}

async function checkTemporal(deps: ApiDeps): Promise<string> {
  try {
    await deps.temporal.connection.withDeadline(Date.now() + 3000, () =>
      deps.temporal.workflowService.describeNamespace({ namespace: deps.config.temporal.namespace }),
    );
    return 'ok';
  } catch (error) {
    return `unreachable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

async function checkDatabase(deps: ApiDeps): Promise<string> {
  try {
    await sql`select 1`.execute(deps.db);
    return 'ok';
  } catch (error) {
    return `unreachable: ${error instanceof Error ? error.message : String(error)}`;
  }
}
