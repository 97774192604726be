import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { sql } from 'kysely';
import { singleDesk } from '../lib/desks/desk';
import type { TicketStarter } from '../lib/open-ticket';
import { log } from '../lib/log';
import { auditLog } from './audit';
import { metricsEndpoint, requestMetrics } from './metrics-middleware';
import type { ApiDeps, ApiEnv } from './env';
import { bearerAuth, clientAddress, ipAllowlist } from './guards';
import { IdempotencyKeys } from './idempotency';
import { docsPage, openApiDocument } from './openapi';
import { Problem, problemResponse } from './problem';
import { RouteBook } from './route-book';
import { ROLE_GROUPS } from './role-groups';
import { auditQuery } from './ticket-schemas';
import { auditEntries } from './response-schemas';
import { slaRoutes } from './sla-routes';
import { intakeRoutes } from './intake-routes';
import { spamRoutes } from './spam-routes';
import { customerRoutes } from './customer-routes';
import { similarRoutes } from './similar-routes';
import { knowledgeRoutes } from './knowledge-routes';
import { ticketRoutes } from './ticket-routes';
import { consoleRoutes } from '../web/console';
import { portalRoutes } from '../web/portal/portal';
import { isDatabaseDown, problemFromTemporal } from './temporal-errors';
import { rethrowDatabase } from './ticket-gateway';

/** The API's database pool gives up on a query after this long: a request answers 503, never hangs. */
export const API_QUERY_TIMEOUT_MS = 8_000;

/**
 * The largest JSON body: 4 MB, not 1 MB, because a memo, an inquiry or a
 * follow-up may be 1,000,000 characters (api/ticket-schemas.ts), which is up
 * to 3 MB of UTF-8 when it is Japanese (3 bytes a character), plus JSON's
 * escapes. (A client that writes every non-ASCII character as \uXXXX, 6 bytes,
 * fits about 660,000 of them.)
 */
const JSON_BODY_LIMIT = 4 * 1024 * 1024;
/** The console's form posts (paths outside /api): 4 MB, as for JSON. */
const FORM_BODY_LIMIT = 4 * 1024 * 1024;
/** POST /api/intake/mail takes mails up to twice MAX_MESSAGE_BYTES: one past MAX_MESSAGE_BYTES is kept raw, unopened. */
const MAIL_BODY_LIMIT_FACTOR = 2;
const MAIL_PATH = '/api/intake/mail';

/** The HTTP API: public health and docs, then everything else behind a bearer token. */
export function createApp(given: ApiDeps): Hono<ApiEnv> {
  const deps = { ...given, desks: given.desks ?? singleDesk(given.config, given.slaPolicy) };
  const app = new Hono<ApiEnv>();
  const starter: TicketStarter = {
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.config.temporal.taskQueue,
    settings: { reopenWindowMs: deps.config.reopenWindowMs, autoCloseAfterMs: deps.config.autoCloseAfterMs },
    slaPolicy: deps.slaPolicy,
    desks: deps.desks,
    triageRules: deps.triageRules,
  };

  app.onError((error, c) => {
    // Hono's own middleware (bearerAuth, ipRestriction) throws these with our problem response inside.
    if (error instanceof HTTPException) return error.getResponse();
    return problemResponse(c, toProblem(error, c.req.method, c.req.path));
  });
  app.notFound((c) => problemResponse(c, new Problem(404, 'Not found', `no route for ${c.req.method} ${c.req.path}`)));

  // First, so that every answer is counted, refusals included.
  app.use('*', requestMetrics());
  // Who is calling (TRUSTED_PROXIES decide whether X-Forwarded-For counts), for the allowlists and the audit log.
  app.use('*', clientAddress(deps.config.trustedProxies));
  // Before the audit log and API_ALLOWED_IPS: /metrics has its own list, METRICS_ALLOWED_IPS (see api/metrics-middleware.ts).
  app.get('/metrics', metricsEndpoint(deps.config.metrics.allowedIps));
  // The console audits its own sign-ins; its actions are audited as the API requests they make.
  app.use('/api/*', auditLog(deps.db));
  app.use('*', ipAllowlist(deps.config.allowedIps));
  app.get('/healthz', async (c) => {
    const [temporal, database] = await Promise.all([checkTemporal(deps), checkDatabase(deps)]);
    const ok = temporal === 'ok' && database === 'ok';
    // Public: says which part is down, never why (the log has that).
    return c.json({ status: ok ? 'ok' : 'degraded', temporal, database }, ok ? 200 : 503);
  });

  const book = new RouteBook(app, { idempotency: new IdempotencyKeys(deps.db) });
  app.get('/openapi.json', (c) => c.json(openApiDocument(book)));
  app.get('/docs', (c) => c.html(docsPage(openApiDocument(book))));

  app.use('/api/*', bearerAuth(deps));
  // After the token (an unauthenticated client gets nothing buffered), before anything reads a body.
  app.use('*', bodyLimits(deps.config.maxMessageBytes));
  ticketRoutes(book, deps, starter);
  slaRoutes(book, deps);
  intakeRoutes(book, deps);
  spamRoutes(book, deps);
  customerRoutes(book, deps);
  similarRoutes(book, deps);
  knowledgeRoutes(book, deps);
  book.add(
    { method: 'get', path: '/api/audit', action: 'audit.read', summary: 'Read the audit log', roles: ROLE_GROUPS.overseers, query: auditQuery, responses: { 200: { description: 'the newest lines first', schema: auditEntries } } },
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
  portalRoutes(app, { ...deps, api: app });
  consoleRoutes(app, { ...deps, api: app });
  return app;
}

/**
 * 413 before reading past the limit: a declared Content-Length past it is
 * refused unread; a body without one (chunked) goes through Hono's bodyLimit,
 * which stops reading where it passes the limit.
 *
 * A declared length within the limit is let through here without touching
 * `c.req.raw.body`. Hono's bodyLimit decides such a request the same way, but
 * asking for the body first hands it to a web stream, and @hono/node-server
 * can then no longer drain a body nobody read (a request refused with 401 or
 * 403 before its body): it closes the keep-alive connection after 500 ms and
 * the client's next request on it fails ("other side closed").
 */
function bodyLimits(maxMessageBytes: number): MiddlewareHandler<ApiEnv> {
  const limit = (maxSize: number, what: string) => {
    const tooLarge = (c: Context) => problemResponse(c, new Problem(413, 'Payload too large', `${what} may be at most ${maxSize} bytes`, { limit: maxSize }));
    return { maxSize, tooLarge, streamed: bodyLimit({ maxSize, onError: tooLarge }) };
  };
  const mail = limit(MAIL_BODY_LIMIT_FACTOR * maxMessageBytes, `a mail (${MAIL_BODY_LIMIT_FACTOR} × MAX_MESSAGE_BYTES)`);
  const json = limit(JSON_BODY_LIMIT, 'a request body');
  const form = limit(FORM_BODY_LIMIT, 'a form');
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const { maxSize, tooLarge, streamed } = c.req.path === MAIL_PATH ? mail : c.req.path.startsWith('/api/') ? json : form;
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      return Number.parseInt(declared, 10) > maxSize ? tooLarge(c) : next();
    }
    return streamed(c, next);
  };
}

function toProblem(error: unknown, method: string, path: string): Problem {
  const known = problemFromTemporal(error);
  if (known) return known;
  if (isDatabaseDown(error)) return new Problem(503, 'Service unavailable', 'the database cannot be reached');
  if (isBadValueForDatabase(error)) {
    // Class 22 (data exception: NUL in text, a number out of range): the input, not us. Validation should have caught it.
    log.warn({ err: error, method, path }, 'PostgreSQL refused a value the API let through');
    return new Problem(400, 'Invalid request', 'a value in the request cannot be stored or looked up (out of range or malformed)');
  }
  // Unexpected: logged with its stack, answered without it.
  log.error({ err: error, method, path }, 'unexpected error in the API');
  return new Problem(500, 'Internal error', 'an unexpected error occurred; it has been logged');
}

function isBadValueForDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) && typeof (error as { severity?: unknown }).severity === 'string';
}

async function checkTemporal(deps: ApiDeps): Promise<string> {
  try {
    await deps.temporal.connection.withDeadline(Date.now() + 3000, () =>
      deps.temporal.workflowService.describeNamespace({ namespace: deps.config.temporal.namespace }),
    );
    return 'ok';
  } catch (error) {
    log.warn({ err: error }, 'health check: Temporal unreachable');
    return 'unreachable';
  }
}

async function checkDatabase(deps: ApiDeps): Promise<string> {
  try {
    await sql`select 1`.execute(deps.db);
    return 'ok';
  } catch (error) {
    log.warn({ err: error }, 'health check: PostgreSQL unreachable');
    return 'unreachable';
  }
}
