// The SLA clocks on the real dev server with a policy counted in seconds on
// the always-open calendar: a missed deadline escalates the ticket, and the
// escalation shows in the API and in Temporal's visibility within seconds.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Helpdesk } from '../../lib/helpdesk';
import { openTicket as openTicketOn, ticketWorkflowId, type TicketStarter } from '../../lib/open-ticket';
import { parsePolicy, type SlaPolicy } from '../../workflows/sla/policy';
import type { ticketWorkflow } from '../../workflows/ticket';
import { slaQuery } from '../../workflows/ticket-messages';
import { eventually, startTestStack, type TestStack } from '../support/stack';

// Long enough that the first look at the clocks comes before the deadline even on a loaded machine.
const SHORT = { calendar: 'always', firstResponse: '5s', update: '5s', resolution: '12s' };
function shortPolicy(): SlaPolicy {
  const parsed = parsePolicy({
    calendars: { always: { timezone: 'Asia/Tokyo', alwaysOpen: true } },
    priorities: { P1: SHORT, P2: SHORT, P3: SHORT, P4: SHORT },
    warnAt: 0.5,
    escalation: { L2: { notify: 'l2@desk.test' }, L3: { notify: 'l3@desk.test' } },
  });
  if (!parsed.ok) throw new Error(parsed.errors.join('; '));
  return parsed.policy;
}

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack({}, shortPolicy());
});

afterAll(async () => {
  await stack?.stop();
});

async function openTicket() {
  const created = await stack.call('ivan', 'POST', '/api/tickets', { customer: { email: 'sla@example.jp' }, subject: 'SLA', body: '急ぎです', priority: 'P2' });
  expect(created.status).toBe(201);
  return created.body.number as string;
}

async function inVisibility(query: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of stack.temporal.workflow.list({ query })) ids.push(wf.workflowId);
  return ids;
}

describe('SLA deadlines on the dev server', () => {
  it('warns, then breaches the first response and escalates L1 -> L2, visible in the API and in visibility', async () => {
    const number = await openTicket();
    const createdAt = Date.now();
    const sla = await stack.call('alice', 'GET', `/api/tickets/${number}/sla`);
    expect(sla.status).toBe(200);
    const firstResponse = sla.body.clocks.find((c: { clock: string }) => c.clock === 'firstResponse');
    expect(firstResponse).toMatchObject({ state: 'running', budgetMs: 5000 });
    expect(Date.parse(firstResponse.dueAt) - createdAt).toBeLessThan(5500);

    const escalated = await eventually(async () => {
      const { body } = await stack.call('alice', 'GET', `/api/tickets/${number}`);
      return body.supportLevel === 'L2' ? body : undefined;
    }, 15_000);
    const seenAfterMs = Date.now() - createdAt;
    expect(escalated.slaStatus).toBe('breached');
    // Visible within a second or two of the deadline (a little more on a loaded machine).
    expect(seenAfterMs).toBeLessThan(5000 + 3000);

    const ids = await eventually(async () => {
      const found = await inVisibility(`TicketNumber = "${number}" AND SupportLevel = "L2" AND SlaStatus = "breached"`);
      return found.length ? found : undefined;
    }, 5_000);
    expect(ids).toEqual([`ticket-${number}`]);

    const events = await eventually(async () => {
      const rows = await stack.db.selectFrom('sla_events').selectAll().where('ticket_number', '=', number).orderBy('id').execute();
      return rows.some((r) => r.kind === 'breach') ? rows : undefined;
    });
    expect(events.map((e) => [e.clock, e.kind])).toEqual(
      expect.arrayContaining([
        ['firstResponse', 'warning'],
        ['firstResponse', 'breach'],
      ]),
    );
    const breach = events.find((e) => e.kind === 'breach')!;
    expect([breach.level_from, breach.level_to]).toEqual(['L1', 'L2']);
    expect(breach.actual_at.getTime()).toBeGreaterThanOrEqual(breach.deadline!.getTime());
    const history = await eventually(async () => {
      const lines = await stack.db.selectFrom('ticket_events').select(['kind', 'actor']).where('ticket_number', '=', number).execute();
      return lines.some((l) => l.kind === 'escalate') ? lines : undefined;
    });
    expect(history).toContainEqual({ kind: 'escalate', actor: 'sla-clock' });
    expect(history).toContainEqual({ kind: 'sla_warning', actor: null });
  });

  it('the resolution deadline escalates one more level, to L3', async () => {
    const number = await openTicket();
    const atL3 = await eventually(async () => {
      const { body } = await stack.call('alice', 'GET', `/api/tickets/${number}`);
      return body.supportLevel === 'L3' ? body : undefined;
    }, 25_000);
    expect(atL3.slaStatus).toBe('breached');
    const rows = await eventually(async () => {
      const found = await stack.db.selectFrom('sla_events').selectAll().where('ticket_number', '=', number).where('kind', '=', 'breach').orderBy('id').execute();
      return found.length === 2 ? found : undefined;
    });
    expect(rows.map((r) => [r.clock, r.level_from, r.level_to])).toEqual([
      ['firstResponse', 'L1', 'L2'],
      ['resolution', 'L2', 'L3'],
    ]);
  });

  it('a met clock is recorded with its margin, and the summary counts by level and status', async () => {
    const number = await openTicket();
    await stack.call('alice', 'POST', `/api/tickets/${number}/acknowledge`, {});
    const met = await eventually(async () => {
      const row = await stack.db.selectFrom('sla_events').selectAll().where('ticket_number', '=', number).where('kind', '=', 'met').executeTakeFirst();
      return row;
    });
    expect(met.clock).toBe('firstResponse');
    expect(Number(met.margin_ms)).toBeGreaterThan(0);
    const summary = await eventually(async () => {
      const { body } = await stack.call('mona', 'GET', '/api/sla/summary');
      return body.verdicts?.byClock.firstResponse.met >= 1 ? body : undefined;
    });
    expect(Object.keys(summary.open)).toEqual(['L1', 'L2', 'L3']);
    expect(Object.keys(summary.open.L1)).toEqual(['on_track', 'warning', 'breached', 'paused', 'met']);
    expect(summary.verdicts.byClock.firstResponse.breachRate).toBeGreaterThan(0);
  });
});

describe('the first-response clock of a ticket no worker picks up at once', () => {
  it('counts from when the ticket was started, not from when a worker first ran it', async () => {
    // A task queue no worker polls yet: the ticket is written and its workflow started, then waits.
    const taskQueue = `${stack.taskQueue}-late`;
    const starter: TicketStarter = { db: stack.db, temporal: stack.temporal, taskQueue, settings: { reopenWindowMs: 60_000, autoCloseAfterMs: 60_000 }, slaPolicy: shortPolicy() };
    const before = Date.now();
    const ticket = await openTicketOn(starter, { customer: { email: 'late@example.jp' }, subject: 'SLA', body: '急ぎです', priority: 'P2', channel: 'phone' });
    await new Promise((r) => setTimeout(r, 3000));
    const late = await new Helpdesk({
      config: { ...stack.config, temporal: { ...stack.config.temporal, taskQueue } },
      slaPolicy: shortPolicy(),
      parts: { worker: true, intake: false, api: false },
      workflowBundle: { code: inject('workflowBundle') },
    }).start();
    try {
      const report = await stack.temporal.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(ticket.number)).query(slaQuery, {});
      const firstResponse = report.clocks.find((c) => c.clock === 'firstResponse')!;
      // 5 s from the start (plus the start call itself), not 5 s from the worker's first task 3 s later.
      expect(Date.parse(firstResponse.dueAt!) - before).toBeLessThan(5000 + 1500);
    } finally {
      await late.stop();
    }
  });
});
