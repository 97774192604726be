// Prometheus metrics on the real servers: the API's /metrics and a worker's
// metrics server (METRICS_PORT) count what the desk did (a phone ticket, its
// receipt notice, the API request by its route pattern); the real
// `npm run worker` process serves METRICS_PORT and the Temporal SDK's own
// exporter (TEMPORAL_METRICS_PORT), counts a mail it takes in, and frees both
// ports when SIGINT stops it.
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { recordIntakeOutcome } from '../../activities/intake/intake-records';
import { slaRecordActivities } from '../../activities/sla-records';
import { freePorts } from '../../scripts/devstack/ports';
import { startProductProcess, type ProductProcess } from '../../scripts/devstack/product-process';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const SUPPORT = 'support@desk.test';

let stack: TestStack;
let metricsPort: number;
let worker: ProductProcess | undefined;

beforeAll(async () => {
  [metricsPort] = await freePorts(1);
  stack = await startTestStack({ METRICS_PORT: String(metricsPort) });
}, 300_000);

afterAll(async () => {
  worker?.signal('SIGKILL');
  await stack?.stop();
});

/** The value of one sample in a Prometheus text scrape (labels in the metric's label order), 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const written = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
  const wanted = written ? `${name}{${written}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(wanted));
  return line ? Number(line.slice(wanted.length)) : 0;
}

async function scrape(url: string): Promise<string> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  return response.text();
}

describe('in the test stack (worker and API in one process, METRICS_PORT set)', () => {
  it('a phone ticket and its receipt notice are counted, on the API /metrics and the worker metrics server alike', async () => {
    const apiMetrics = `${stack.apiUrl}/metrics`;
    const workerMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
    const before = await scrape(apiMetrics);
    const phone = { channel: 'phone' };
    const created = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: 'a@example.jp' }, subject: 's', body: 'b' });
    expect(created.status).toBe(201);
    const number = created.body.number as string;

    const after = await scrape(apiMetrics);
    expect(sample(after, 'helpdesk_tickets_opened_total', phone)).toBe(sample(before, 'helpdesk_tickets_opened_total', phone) + 1);
    const postTickets = { method: 'POST', route: '/api/tickets', status: '201' };
    expect(sample(after, 'helpdesk_api_requests_total', postTickets)).toBe(sample(before, 'helpdesk_api_requests_total', postTickets) + 1);
    expect(sample(after, 'helpdesk_api_request_duration_seconds_count', { method: 'POST', route: '/api/tickets' })).toBeGreaterThanOrEqual(1);

    // Queue and acknowledge: the receipt notice goes out (to DATA_DIR/outbox, no SMTP_URL), counted once sent.
    expect((await stack.call('alice', 'POST', `/api/tickets/${number}/queue`, { queue: 'maintenance-support' })).status).toBe(200);
    expect((await stack.call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {})).status).toBe(200);
    const sentBefore = sample(before, 'helpdesk_mails_sent_total');
    const withNotice = await eventually(async () => {
      const text = await scrape(workerMetrics);
      return sample(text, 'helpdesk_mails_sent_total') > sentBefore && text;
    }, 30_000);
    // One registry per process: the worker's server shows the API's counts too, by route pattern, never by path.
    const ticketRoute = { method: 'POST', route: '/api/tickets/:number/acknowledge', status: '200' };
    expect(sample(withNotice, 'helpdesk_api_requests_total', ticketRoute)).toBeGreaterThanOrEqual(1);
    expect(withNotice).not.toContain(number);
  });

  it('an SLA warning and a breach are counted once each, however often the activity runs, by the ticket\'s level', async () => {
    const created = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: 'a@example.jp' }, subject: 's', body: 'b' });
    const number = created.body.number as string;
    const sla = slaRecordActivities(stack.db);
    const key = randomBytes(4).toString('hex');
    const warning = { kind: 'warning', level: 'L1' };
    const breach = { kind: 'breach', level: 'L2' };
    const before = await scrape(`${stack.apiUrl}/metrics`);
    for (let attempt = 0; attempt < 3; attempt++) {
      await sla.recordSlaEvent({ key: `${key}-w`, number, clock: 'firstResponse', kind: 'warning', deadline: new Date().toISOString(), actualAt: new Date().toISOString() });
      // A breach names the level it happened at itself (levelFrom), before the escalation moves the ticket.
      await sla.recordSlaEvent({ key: `${key}-b`, number, clock: 'resolution', kind: 'breach', actualAt: new Date().toISOString(), levelFrom: 'L2', levelTo: 'L3' });
      await sla.recordSlaEvent({ key: `${key}-m`, number, clock: 'resolution', kind: 'met', actualAt: new Date().toISOString(), marginMs: 1000 });
    }
    const after = await scrape(`${stack.apiUrl}/metrics`);
    expect(sample(after, 'helpdesk_sla_alarms_total', warning)).toBe(sample(before, 'helpdesk_sla_alarms_total', warning) + 1);
    expect(sample(after, 'helpdesk_sla_alarms_total', breach)).toBe(sample(before, 'helpdesk_sla_alarms_total', breach) + 1);
    expect(after).not.toMatch(/helpdesk_sla_alarms_total\{kind="met"/);
  });

  it("the worker metrics server answers /metrics only: other paths 404, other methods 405", async () => {
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { method: 'POST' })).status).toBe(405);
  });
});

describe('npm run worker', () => {
  it('serves METRICS_PORT and TEMPORAL_METRICS_PORT, counts a mail it takes in, and frees both ports on SIGINT', async () => {
    const [port, temporalPort] = await freePorts(2);
    worker = startWorker({ METRICS_PORT: String(port), TEMPORAL_METRICS_PORT: String(temporalPort) });
    await eventually(async () => worker!.output().includes('"msg":"worker running"'), 120_000).catch((error) => {
      throw new Error(`${error.message}\n${worker!.output()}`);
    });

    // The stack's API starts the mail's intake on the intake queue, which only this worker polls.
    const run = randomBytes(4).toString('hex');
    const mail = Buffer.from(
      [`From: metrics-${run}@example.jp`, `To: ${SUPPORT}`, `Subject: metrics ${run}`, `Message-ID: <metrics-${run}@example.jp>`, 'Date: Mon, 30 Nov 2026 10:00:00 +0900', '', 'body', ''].join('\r\n'),
    );
    const email = { channel: 'email' };
    const openedBefore = sample(await scrape(`${stack.apiUrl}/metrics`), 'helpdesk_tickets_opened_total', email);
    const outcome = await eventually(() => postMail(mail), 60_000);
    const text = await scrape(`http://127.0.0.1:${port}/metrics`);
    expect(sample(text, 'helpdesk_mails_taken_in_total', { outcome })).toBe(1);
    if (outcome === 'ticket') {
      expect(sample(text, 'helpdesk_intake_lag_seconds_count')).toBe(1);
      // The ticket's launch may run in either worker polling the ticket queue (this one or the stack's): counted once in all.
      const openedInStack = sample(await scrape(`${stack.apiUrl}/metrics`), 'helpdesk_tickets_opened_total', email) - openedBefore;
      expect(openedInStack + sample(text, 'helpdesk_tickets_opened_total', email)).toBe(1);
    }
    // The outcome recorded again (a retried activity, here in this process) counts nothing more.
    const row = await stack.db.selectFrom('intake_messages').select(['intake_key', 'outcome', 'ticket_number']).where('message_id', '=', `<metrics-${run}@example.jp>`).executeTakeFirstOrThrow();
    const inStack = () => scrape(`${stack.apiUrl}/metrics`).then((t) => sample(t, 'helpdesk_mails_taken_in_total', { outcome }));
    const takenInHere = await inStack();
    await recordIntakeOutcome(stack.db, row.intake_key, { outcome: row.outcome!, ...(row.ticket_number ? { number: row.ticket_number } : {}) });
    expect(await inStack()).toBe(takenInHere);

    // The SDK's own exporter: its worker metrics, with Prometheus' suffixes.
    const sdk = await eventually(async () => {
      const body = await (await fetch(`http://127.0.0.1:${temporalPort}/metrics`)).text();
      return /^temporal_\w+_total/m.test(body) && body;
    }, 30_000);
    expect(sdk).toMatch(/^temporal_/m);

    await worker.stop(60_000, 'SIGINT');
    const code = await worker.exited;
    const output = worker.output();
    worker = undefined;
    expect(code, output.slice(-3000)).toBe(0);
    // Stopped in its order, the metrics server last (lib/helpdesk.ts), not killed.
    expect(output).toMatch(/"msg":"stopped ticket worker"[\s\S]*"msg":"stopped metrics server"/);
    expect(await portIsFree(port), `METRICS_PORT ${port} is free`).toBe(true);
    expect(await portIsFree(temporalPort), `TEMPORAL_METRICS_PORT ${temporalPort} is free`).toBe(true);
  }, 240_000);
});

/** worker/main.ts (`npm run worker`) against the test's servers and the stack's task queue, in a process group of its own. */
function startWorker(env: Record<string, string>): ProductProcess {
  return startProductProcess('worker', 'worker', {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_TASK_QUEUE: stack.taskQueue,
    SUPPORT_ADDRESS: SUPPORT,
    DATA_DIR: stack.config.dataDir,
    LOG_LEVEL: 'info',
    ...env,
  });
}

/** The intake's outcome, or undefined while the intake is still running (503: send the same mail again). */
async function postMail(raw: Buffer): Promise<string | undefined> {
  const response = await fetch(`${stack.apiUrl}/api/intake/mail`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.tokens.ivan}`, 'content-type': 'message/rfc822' },
    body: new Uint8Array(raw),
  });
  const body = (await response.json()) as { outcome?: string };
  if (response.status === 503) return undefined;
  expect(response.status, JSON.stringify(body)).toBe(200);
  return body.outcome;
}

function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}
