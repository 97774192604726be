// The API's share of the metrics: every request counted and timed by its
// route pattern, and the /metrics endpoint itself.
//
// Who may read /metrics: only METRICS_ALLOWED_IPS (default loopback), and
// without a token. A scraper holding a bearer token would need one that never
// expires, of a role made for it; an address list is what scrapers are usually
// given. The list is its own, not API_ALLOWED_IPS: /metrics is answered before
// that allowlist, so opening the API to an office range never opens the metrics
// to it, and a scraper need not be let into the API. It lies outside /api/*,
// so the audit log never sees it (a scrape every 15 s would drown the log).
import type { Context, MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { apiRequestDuration, apiRequests } from '../lib/metrics/desk-metrics';
import { scrape } from '../lib/metrics/registry';
import { scraperCheck } from '../lib/metrics/scrapers';
import type { ApiEnv } from './env';
import type { ConsoleCall } from './guards';
import { Problem, problemResponse } from './problem';

/** The label of a request that matched no route (a 404): raw paths would be unbounded label values. */
const UNMATCHED = 'unmatched';

/**
 * Counts and times each request; first in the chain, so refusals (401, 403,
 * 413) are counted too. The console's in-process calls to the API (web/act.ts)
 * are not counted: they are part of the page request, which is.
 */
export function requestMetrics(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    if ((c.env as ConsoleCall | undefined)?.consoleActor) return next();
    const started = performance.now();
    try {
      await next();
    } finally {
      const labels = { method: c.req.method, route: routePattern(c) };
      apiRequests.inc({ ...labels, status: String(c.res.status) });
      apiRequestDuration.observe(labels, (performance.now() - started) / 1000);
    }
  };
}

/**
 * The pattern of the route the request was for (`/api/tickets/:number`): the
 * handler that answered, or, when a middleware refused the request before it
 * (401, 403), the first route registered for a method that matched.
 * Middleware (app.use) is registered for every method ('ALL').
 */
function routePattern(c: Context): string {
  const routes = matchedRoutes(c);
  const answered = routes[c.req.routeIndex];
  if (answered && answered.method !== 'ALL') return answered.path;
  return routes.find((route) => route.method !== 'ALL')?.path ?? UNMATCHED;
}

/** GET /metrics: Prometheus' text format to METRICS_ALLOWED_IPS (checked on `c.get('ip')`), 403 to anyone else. */
export function metricsEndpoint(allowedIps: readonly string[]): MiddlewareHandler<ApiEnv> {
  const mayScrape = scraperCheck(allowedIps);
  return async (c) => {
    const ip = c.get('ip');
    if (!mayScrape(ip)) return problemResponse(c, new Problem(403, 'Forbidden', `requests from ${ip ?? 'an unknown address'} may not read the metrics (METRICS_ALLOWED_IPS)`));
    const { contentType, body } = await scrape();
    return c.body(body, 200, { 'content-type': contentType });
  };
}
