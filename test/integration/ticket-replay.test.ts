// Old histories must stay replayable by today's workflow code: a change that
// breaks determinism fails here, before it strands tickets in production.
// The recorded histories in test/fixtures/histories were made by this file
// with RECORD_HISTORIES=1 (a whole lifecycle with a reopen and continue-as-new
// data on the dev server); keep them, add new ones when the workflow changes.
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureTemporalCli } from '../../scripts/devstack/temporal-cli';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestStack, type TestStack } from '../support/stack';
import { composeMail, mailedTicket, postMailToIntake, startStackIntake, type StackIntake } from './mail-intake.support';

const HISTORIES = path.resolve('test/fixtures/histories');
let stack: TestStack;
let intake: StackIntake;

beforeAll(async () => {
  stack = await startTestStack();
  intake = await startStackIntake(stack);
});

afterAll(async () => {
  await intake?.stop();
  await stack?.stop();
});

/** A workflow's history as `temporal workflow show` gives it to operators (so a production history can be dropped into test/fixtures/histories as it is). */
async function shownHistory(workflowId: string): Promise<string> {
  const cli = await ensureTemporalCli();
  const { stdout } = await promisify(execFile)(cli, ['workflow', 'show', '--workflow-id', workflowId, '--address', inject('temporalAddress'), '--output', 'json'], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

/** A new mail and the customer's reply to it: the intake's two paths that start or signal a ticket. */
async function mailIntakeHistories(): Promise<Record<string, string>> {
  const messageId = `<replay-${Date.now()}@customer.example.jp>`;
  const first = await composeMail({ from: 'sato@customer.example.jp', subject: 'リプレイ用のメール', text: '起動しません', messageId });
  const number = await mailedTicket(stack, first);
  const reply = await composeMail({ from: 'sato@customer.example.jp', subject: 'Re: リプレイ用のメール', text: '追記です', inReplyTo: messageId });
  const followUp = await postMailToIntake(stack, reply, { retryUnavailable: true });
  expect(followUp.body).toMatchObject({ outcome: 'follow-up', number });
  const intakeKey = async (outcome: 'ticket' | 'follow-up') =>
    (await stack.db.selectFrom('intake_messages').select('intake_key').where('outcome', '=', outcome).where('ticket_number', '=', number).executeTakeFirstOrThrow()).intake_key;
  return { 'new-ticket': await shownHistory(await intakeKey('ticket')), 'follow-up': await shownHistory(await intakeKey('follow-up')) };
}

async function lifecycleHistory() {
  const created = await stack.call('ivan', 'POST', '/api/tickets', {
    customer: { email: 'yamada@example.jp', name: '山田太郎' },
    subject: 'リプレイ用',
    body: '本文',
  });
  const path = `/api/tickets/${created.body.number}`;
  await stack.call('alice', 'POST', `${path}/queue`, { queue: 'maintenance-support' });
  await stack.call('alice', 'POST', `${path}/acknowledge`, {});
  const memo = await stack.call('alice', 'POST', `${path}/memos`, { body: '回答案' });
  await stack.call('rita', 'POST', `${path}/memos/${memo.body.memoId}/review`, { decision: 'reject', comment: '詳しく' });
  const memo2 = await stack.call('alice', 'POST', `${path}/memos`, { body: '回答案2' });
  await stack.call('rita', 'POST', `${path}/memos/${memo2.body.memoId}/review`, { decision: 'approve' });
  await stack.call('alice', 'POST', `${path}/answer`, { memoId: memo2.body.memoId });
  await stack.call('ivan', 'POST', `${path}/follow-ups`, { channel: 'phone', body: '追加質問' });
  await stack.call('alice', 'POST', `${path}/phone-calls`, { direction: 'outbound', body: '電話で回答' });
  await stack.call('alice', 'POST', `${path}/escalate`, { level: 'L2', reason: '調査が必要' });
  await stack.call('alice', 'POST', `${path}/priority`, { priority: 'P2' });
  await stack.call('alice', 'POST', `${path}/close`, { resolution: '解決' });
  await stack.call('ivan', 'POST', `${path}/follow-ups`, { channel: 'email', body: '再発' });
  return shownHistory(`ticket-${created.body.number}`);
}

describe('replaying ticket and mail intake histories', () => {
  it('replays every recorded history with the current workflow code', async () => {
    const files = readdirSync(HISTORIES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const history = historyFromJSON(JSON.parse(readFileSync(path.join(HISTORIES, file), 'utf8')));
      await Worker.runReplayHistory({ workflowBundle: { code: inject('workflowBundle') } }, history, file);
    }
  });

  it('replays a history made just now through the API', async () => {
    const json = await lifecycleHistory();
    const history = historyFromJSON(JSON.parse(json));
    expect(history.events?.length).toBeGreaterThan(50);
    if (process.env.RECORD_HISTORIES) {
      writeFileSync(path.join(HISTORIES, `ticket-lifecycle-${new Date().toISOString().slice(0, 10)}.json`), json);
    }
    await Worker.runReplayHistory({ workflowBundle: { code: inject('workflowBundle') } }, history, 'fresh');
  });

  it('replays mail intakes made just now (a new ticket and a follow-up)', async () => {
    for (const [kind, json] of Object.entries(await mailIntakeHistories())) {
      const history = historyFromJSON(JSON.parse(json));
      expect(history.events?.length).toBeGreaterThan(5);
      if (process.env.RECORD_HISTORIES) writeFileSync(path.join(HISTORIES, `mail-intake-${kind}-${new Date().toISOString().slice(0, 10)}.json`), json);
      await Worker.runReplayHistory({ workflowBundle: { code: inject('workflowBundle') } }, history, `fresh ${kind}`);
    }
  });
});
