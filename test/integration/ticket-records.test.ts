// The read model's writes and the similar-tickets index: a closed ticket is indexed when it
// becomes closed (or was not indexed since it closed), not again at every later write of it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketRecordActivities } from '../../activities/ticket-records';
import type { TicketView } from '../../workflows/ticket-messages';
import { newTicketState } from '../../workflows/ticket-rules';
import { connectTestDatabase } from '../support/database';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;

beforeAll(async () => {
  database = await connectTestDatabase();
});

afterAll(async () => {
  await database?.close();
});

function closedTicket(number: string, closedAt: string): TicketView {
  const state = newTicketState({
    number,
    subject: 'プリンタ ドライバ 更新後 印刷 できない',
    customer: { email: 'records@example.jp' },
    channel: 'email',
    priority: 'P3',
    createdAt: '2026-11-20T00:00:00.000Z',
  });
  return { ...state, status: 'closed', closedAt, updatedAt: closedAt, resolution: 'ドライバを 再インストール して 解決', slaStatus: 'met' };
}

const indexedAt = async (number: string) =>
  (await database.db.selectFrom('similar_ticket_terms').select('indexed_at').where('ticket_number', '=', number).executeTakeFirst())?.indexed_at.getTime();

describe('recordTicket and the similar-tickets index', () => {
  it('indexes a ticket when it becomes closed, not at each later write, and again when it closes anew', async () => {
    const records = ticketRecordActivities(database.db);
    const number = `9${Date.now()}`.slice(0, 13);
    const closed = closedTicket(number, new Date(Date.now() - 1000).toISOString());
    await records.recordTicket({ ...closed, status: 'in_progress', closedAt: undefined, resolution: undefined, slaStatus: 'on_track' }, 1);
    expect(await indexedAt(number)).toBeUndefined();

    await records.recordTicket(closed, 2);
    const first = await indexedAt(number);
    expect(first).toBeDefined();
    // Written again while closed (a late SLA verdict, a retried write, a batch of the record lane): not indexed again.
    await records.recordTicket(closed, 3);
    await records.recordTicket(closed, 3);
    await records.recordTicketBatch({ number, records: [], ticket: { view: closed, version: 4, key: `${number}:1` }, at: closed.closedAt! });
    expect(await indexedAt(number)).toBe(first);

    // Reopened and closed again later: indexed anew.
    await records.recordTicket({ ...closed, status: 'in_progress', closedAt: undefined }, 5);
    const again = new Date().toISOString();
    await records.recordTicketBatch({ number, records: [], ticket: { view: { ...closed, closedAt: again, updatedAt: again }, version: 6, key: `${number}:2` }, at: again });
    expect(await indexedAt(number)).toBeGreaterThan(first!);
  });
});
