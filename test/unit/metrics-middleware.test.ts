// The API's metrics in process, on the real createApp with stub dependencies:
// requests counted by their route pattern (never the raw path), /metrics in
// Prometheus' text format to METRICS_ALLOWED_IPS only, and never audited.
import { describe, expect, it } from 'vitest';
import { connection, consoleEnv, MANAGER, stubApp, type StubQuery } from '../support/stub-app';

const audited = (queries: StubQuery[]) => queries.filter((q) => q.sql.startsWith('insert into "audit_log"'));

/** The value of one sample in a Prometheus text scrape (labels in the metric's label order), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string>): number {
  const wanted = `${name}{${Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',')}} `;
  const line = text.split('\n').find((l) => l.startsWith(wanted));
  return line ? Number(line.slice(wanted.length)) : 0;
}

async function scrape(app: ReturnType<typeof stubApp>['app'], from = '127.0.0.1'): Promise<string> {
  const response = await app.request('/metrics', {}, connection(from));
  expect(response.status).toBe(200);
  return response.text();
}

describe('requests are counted by route pattern', () => {
  const { app } = stubApp();

  it('a refused request to /api/tickets/:number counts under the pattern, with its status and a duration', async () => {
    const requests = { method: 'GET', route: '/api/tickets/:number', status: '401' };
    const before = sample(await scrape(app), 'helpdesk_api_requests_total', requests);
    for (const number of ['2026010100001', '2026010100002', '2026010100003']) {
      expect((await app.request(`/api/tickets/${number}`, {}, connection('127.0.0.1'))).status).toBe(401);
    }
    const text = await scrape(app);
    expect(sample(text, 'helpdesk_api_requests_total', requests)).toBe(before + 3);
    expect(sample(text, 'helpdesk_api_request_duration_seconds_count', { method: 'GET', route: '/api/tickets/:number' })).toBeGreaterThanOrEqual(3);
    // The raw path never becomes a label value.
    expect(text).not.toContain('2026010100001');
  });

  it('a path no route matches counts as "unmatched", whatever the path', async () => {
    const labels = { method: 'GET', route: 'unmatched', status: '404' };
    const before = sample(await scrape(app), 'helpdesk_api_requests_total', labels);
    expect((await app.request('/no/such/page-12345', {}, connection('127.0.0.1'))).status).toBe(404);
    const text = await scrape(app);
    expect(sample(text, 'helpdesk_api_requests_total', labels)).toBe(before + 1);
    expect(text).not.toContain('page-12345');
  });

  it("the console's in-process calls to the API are not counted again (the page request is)", async () => {
    const labels = { method: 'GET', route: '/api/tickets', status: '200' };
    const before = sample(await scrape(app), 'helpdesk_api_requests_total', labels);
    expect((await app.request('/api/tickets', {}, consoleEnv(MANAGER))).status).toBe(200);
    expect(sample(await scrape(app), 'helpdesk_api_requests_total', labels)).toBe(before);
  });
});

describe('GET /metrics', () => {
  it('answers text/plain in Prometheus format to loopback by default, with the desk metrics and Node process metrics', async () => {
    const { app } = stubApp();
    for (const from of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
      const response = await app.request('/metrics', {}, connection(from));
      expect(response.status, from).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = await response.text();
      for (const name of ['helpdesk_api_requests_total', 'helpdesk_tickets_opened_total', 'helpdesk_mails_taken_in_total', 'helpdesk_mails_sent_total', 'helpdesk_mails_failed_total', 'helpdesk_sla_alarms_total']) {
        expect(text).toContain(`# TYPE ${name} counter`);
      }
      expect(text).toContain('# TYPE helpdesk_api_request_duration_seconds histogram');
      expect(text).toContain('# TYPE helpdesk_intake_lag_seconds histogram');
      expect(text).toContain('# TYPE process_cpu_seconds_total counter');
    }
  });

  it('403 to any other address, in problem details naming METRICS_ALLOWED_IPS', async () => {
    const { app } = stubApp();
    for (const from of ['203.0.113.9', '10.0.0.1', '2001:db8::1']) {
      const response = await app.request('/metrics', {}, connection(from));
      expect(response.status, from).toBe(403);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as any).detail).toMatch(/METRICS_ALLOWED_IPS/);
    }
    // No connection at all (no address known): refused too.
    expect((await app.request('/metrics')).status).toBe(403);
  });

  it('METRICS_ALLOWED_IPS replaces the default, and API_ALLOWED_IPS does not apply to /metrics', async () => {
    const { app } = stubApp({ env: { METRICS_ALLOWED_IPS: '10.0.0.0/8', API_ALLOWED_IPS: '203.0.113.0/24' } });
    expect((await app.request('/metrics', {}, connection('10.1.2.3'))).status).toBe(200);
    expect((await app.request('/metrics', {}, connection('127.0.0.1'))).status).toBe(403);
    expect((await app.request('/metrics', {}, connection('203.0.113.9'))).status).toBe(403);
    // The API's own allowlist still holds for the API.
    expect((await app.request('/api/tickets', {}, connection('10.1.2.3'))).status).toBe(403);
  });

  it('is never audited, answered or refused', async () => {
    const { app, queries } = stubApp();
    await app.request('/metrics', {}, connection('127.0.0.1'));
    await app.request('/metrics', {}, connection('198.51.100.7'));
    expect(queries).toEqual([]);
    // The audit log itself still works: a refused API read is recorded.
    await app.request('/api/tickets', {}, connection('198.51.100.7'));
    expect(audited(queries)).toHaveLength(1);
  });
});
