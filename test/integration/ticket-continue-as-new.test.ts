// Long-lived tickets stay bounded: past a history size the workflow continues
// as new, carrying its state and its clocks. On the dev server, because the
// time-skipping test server does not report the history length to workflows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openTicket, ticketWorkflowId } from '../../lib/open-ticket';
import { storeArticle } from '../../db/articles';
import { loadSlaPolicy } from '../../lib/sla-policy';
import type { ticketWorkflow } from '../../workflows/ticket';
import { actionUpdate, ticketQuery, type ActionArgs, type AgentAction } from '../../workflows/ticket-messages';
import type { Actor } from '../../workflows/ticket-types';
import { eventually, startTestStack, type TestStack } from '../support/stack';

const alice: Actor = { user: 'alice', role: 'agent', level: 'L1' };
const rita: Actor = { user: 'rita', role: 'reviewer', level: 'L2' };
let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

it('continues as new on a long history, keeping the state and the auto-close clock', async () => {
  const ticket = await openTicket(
    { db: stack.db, temporal: stack.temporal, taskQueue: stack.taskQueue, settings: { reopenWindowMs: 60_000, autoCloseAfterMs: 6_000, maxHistoryEvents: 60 }, slaPolicy: loadSlaPolicy() },
    { customer: { email: 'yamada@example.jp' }, subject: '長い問い合わせ', body: '本文', priority: 'P3', channel: 'phone' },
  );
  const handle = stack.temporal.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(ticket.number));
  const firstRun = (await handle.describe()).runId;
  // Always the latest run: the workflow may have continued as new between two updates.
  const act = <A extends AgentAction>(action: A, args: ActionArgs<A>) =>
    stack.temporal.workflow.getHandle(ticketWorkflowId(ticket.number)).executeUpdate(actionUpdate(action), { args: [args] });

  await act('acknowledge', { actor: alice });
  const memoId = await storeArticle(stack.db, { ticketNumber: ticket.number, kind: 'memo', direction: 'internal', channel: 'web', body: '回答' });
  await act('draftMemo', { actor: alice, articleId: memoId });
  await act('reviewMemo', { actor: rita, memoId, decision: 'approve' });
  await act('sendAnswer', { actor: alice, memoId });
  for (let i = 0; i < 8; i++) {
    const articleId = await storeArticle(stack.db, { ticketNumber: ticket.number, kind: 'phone_call', direction: 'outbound', channel: 'phone', body: `call ${i}` });
    await act('logPhoneCall', { actor: alice, direction: 'outbound', articleId });
  }

  const latest = stack.temporal.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(ticket.number));
  const laterRun = await eventually(async () => {
    const { runId } = await latest.describe();
    return runId !== firstRun ? runId : undefined;
  });
  expect(laterRun).not.toBe(firstRun);
  const carried = await latest.query(ticketQuery);
  expect(carried).toMatchObject({ number: ticket.number, status: 'waiting_customer', owner: 'alice' });
  expect(carried.counts.phoneCalls).toBe(8);
  expect(carried.memos).toEqual([expect.objectContaining({ id: memoId, status: 'sent' })]);

  // The auto-close clock started in the first run still fires in the later one.
  const closed = await eventually(async () => {
    const now = await latest.query(ticketQuery);
    return now.status === 'closed' ? now : undefined;
  }, 20_000);
  expect(closed.resolution).toBe('no_response');
  // The read model kept following across runs.
  const row = await eventually(() => stack.db.selectFrom('tickets').selectAll().where('number', '=', ticket.number).where('status', '=', 'closed').executeTakeFirst());
  expect(row.resolution).toBe('no_response');
});
