// The console's word search (db/ticket-lists.ts) on a real PostgreSQL: any
// part of a subject, customer address or name, Japanese words of two
// characters included, as a substring match finds them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ticketRecordActivities } from '../../activities/ticket-records';
import { ticketList } from '../../db/ticket-lists';
import { newTicketState } from '../../workflows/ticket-rules';
import { connectTestDatabase } from '../support/database';

let database: Awaited<ReturnType<typeof connectTestDatabase>>;
// Numbers and words of this run only: the database is shared with other files.
const run = `${Date.now() % 1_000_000}`;
const numbers: string[] = [];

beforeAll(async () => {
  database = await connectTestDatabase();
  const records = ticketRecordActivities(database.db);
  const tickets = [
    { subject: `サーバが起動しません ${run}`, email: `yamada-${run}@example.jp`, name: '山田太郎' },
    { subject: `Cannot LOGIN since Monday ${run}`, email: `sato-${run}@example.com`, name: 'Sato Hanako' },
    { subject: `100% の CPU 使用率 ${run}`, email: `suzuki-${run}@example.jp` },
  ];
  for (const [i, t] of tickets.entries()) {
    const number = `8${run.padStart(6, '0')}${String(i).padStart(6, '0')}`;
    numbers.push(number);
    const state = newTicketState({ number, subject: t.subject, customer: { email: t.email, ...(t.name ? { name: t.name } : {}) }, channel: 'email', priority: 'P3', createdAt: new Date().toISOString() });
    await records.recordTicket({ ...state, slaStatus: 'on_track' }, 1);
  }
});

afterAll(async () => {
  await database?.close();
});

// One page big enough for every ticket other files have made with the same words.
const found = async (q: string) =>
  (await ticketList(database.db, 'search', { me: 'alice', q, page: 1, pageSize: 10_000 })).tickets.map((t) => t.number).filter((n) => numbers.includes(n)).sort();

describe('the word search', () => {
  it('finds any part of a subject, address or name, Japanese two-character words and other case included', async () => {
    expect(await found(`起動 ${run}`)).toEqual([]); // the words as one substring, not each anywhere
    expect(await found('起動')).toContain(numbers[0]);
    expect(await found(`サーバが起動しません ${run}`)).toEqual([numbers[0]]);
    expect(await found(`login since monday ${run}`)).toEqual([numbers[1]]);
    expect(await found(`yamada-${run}@`)).toEqual([numbers[0]]);
    expect(await found(`Hanako`)).toContain(numbers[1]);
    expect(await found('山田太郎')).toContain(numbers[0]);
  });

  it('reads % and _ as themselves, finds a ticket by its whole number, and a one-character word still works', async () => {
    expect(await found(`100% の CPU 使用率 ${run}`)).toEqual([numbers[2]]);
    expect(await found(`100_ の CPU`)).toEqual([]);
    expect(await found(numbers[1])).toEqual([numbers[1]]);
    expect(await found(`サ`)).toContain(numbers[0]);
  });

  it('finds a changed subject by its new words only', async () => {
    const records = ticketRecordActivities(database.db);
    const row = await database.db.selectFrom('tickets').select('state').where('number', '=', numbers[2]).executeTakeFirstOrThrow();
    await records.recordTicket({ ...row.state, subject: `プリンタが印刷しない ${run}` }, 2);
    expect(await found(`プリンタが印刷しない ${run}`)).toEqual([numbers[2]]);
    expect(await found(`100% の CPU 使用率 ${run}`)).toEqual([]);
  });
});
