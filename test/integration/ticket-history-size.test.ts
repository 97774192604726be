// How many events one ticket's life writes to its workflow's history: every
// event is server work (and every task a round trip through its queues), so
// the count is what bench/deadlines.ts and bench/lifecycle.ts feel under load.
// The lifecycle is bench/lifecycle.ts's: create → queue → acknowledge → memo →
// review → answer → follow-up → memo → review → answer → close, over the API.
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketWorkflowId } from '../../workflows/ticket-messages';
import { startTestStack, type TestStack } from '../support/stack';

/**
 * Issue 17: 196–208 events before patch `record-batch-local`, 119–122 after (measured 2026-12-02),
 * 109 with `mail-one-step` (a mail is one activity, 2026-12-03). It varies with timing by a few
 * workflow tasks: a mail activity that completes while an update's task runs shares it. The bound
 * leaves room for that, not for a regression.
 */
const MAX_EVENTS = 116;

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

async function lifecycle(): Promise<string> {
  const created = await stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: 'yamada@example.jp', name: '山田太郎' },
    subject: 'サーバが起動しません',
    body: '昨日から起動しません',
  });
  expect(created.status).toBe(201);
  const t = `/api/tickets/${created.body.number}`;
  const ok = async (user: Parameters<TestStack['call']>[0], path: string, body: unknown) => {
    const answer = await stack.call(user, 'POST', path, body);
    expect(answer.status, `${path}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
    return answer.body;
  };
  await ok('alice', `${t}/queue`, { queue: 'maintenance-support' });
  await ok('alice', `${t}/acknowledge`, {});
  const memo = await ok('alice', `${t}/memos`, { body: '再起動してください。' });
  await ok('rita', `${t}/memos/${memo.memoId}/review`, { decision: 'approve' });
  await ok('alice', `${t}/answer`, { memoId: memo.memoId });
  await ok('ivan', `${t}/follow-ups`, { channel: 'phone', body: 'まだ駄目です' });
  const memo2 = await ok('alice', `${t}/memos`, { body: 'ディスクを交換します。' });
  await ok('rita', `${t}/memos/${memo2.memoId}/review`, { decision: 'approve' });
  await ok('alice', `${t}/answer`, { memoId: memo2.memoId });
  await ok('alice', `${t}/close`, { resolution: '交換で解決' });
  return created.body.number;
}

const EventType = temporal.api.enums.v1.EventType;

/** The history once the workflow is idle: nothing pending and the last task completed, twice in a row. */
async function settledHistory(number: string) {
  const handle = stack.temporal.workflow.getHandle(ticketWorkflowId(number));
  let previous = -1;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const history = await handle.fetchHistory();
    const events = history.events ?? [];
    const last = events.at(-1)?.eventType;
    const { raw } = await handle.describe();
    const idle = last === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED && !raw.pendingActivities?.length && !raw.pendingWorkflowTask;
    if (idle && events.length === previous) return events;
    previous = idle ? events.length : -1;
    if (Date.now() > deadline) throw new Error(`ticket ${number}'s workflow did not settle: ${events.length} events, last ${last}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Counts by event type, without the EVENT_TYPE_ prefix. */
function breakdown(events: temporal.api.history.v1.IHistoryEvent[]) {
  const byType: Record<string, number> = {};
  for (const e of events) {
    const name = (EventType[e.eventType ?? 0] ?? String(e.eventType)).replace(/^EVENT_TYPE_/, '');
    byType[name] = (byType[name] ?? 0) + 1;
  }
  const activities: Record<string, number> = {};
  for (const e of events) {
    const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
    if (name) activities[name] = (activities[name] ?? 0) + 1;
  }
  const markers: Record<string, number> = {};
  for (const e of events) {
    const name = e.markerRecordedEventAttributes?.markerName;
    if (name) markers[name] = (markers[name] ?? 0) + 1;
  }
  return {
    total: events.length,
    workflowTasks: byType.WORKFLOW_TASK_SCHEDULED ?? 0,
    activityTasks: byType.ACTIVITY_TASK_SCHEDULED ?? 0,
    activities,
    markers,
    upserts: byType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? 0,
    updates: byType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED ?? 0,
    byType,
  };
}

/** The events one a line, a workflow task's commands after it (HISTORY_SEQUENCE=1 prints it). */
function sequence(events: temporal.api.history.v1.IHistoryEvent[]): string {
  return events
    .map((e) => {
      const name = (EventType[e.eventType ?? 0] ?? '').replace(/^EVENT_TYPE_/, '');
      const what = e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.markerRecordedEventAttributes?.markerName ?? (e.timerStartedEventAttributes ? `${Number(e.timerStartedEventAttributes.startToFireTimeout?.seconds ?? 0)} s` : '');
      return `${e.eventId} ${name} ${what}`;
    })
    .join('\n');
}

describe('the history of one lifecycle', () => {
  it(`an 11-step lifecycle writes ≤ ${MAX_EVENTS} events to the ticket's workflow history`, async () => {
    const number = await lifecycle();
    const events = await settledHistory(number);
    const counts = breakdown(events);
    if (process.env.HISTORY_SEQUENCE) console.log(sequence(events));
    console.log(`history of one 11-step lifecycle (ticket ${number}):\n${JSON.stringify(counts, null, 2)}`);
    expect(counts.total).toBeLessThanOrEqual(MAX_EVENTS);
  });
});
