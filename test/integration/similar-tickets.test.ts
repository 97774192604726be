// Similar past tickets on the real servers: tickets opened by phone intake
// (ivan) and closed by an agent (alice) with a resolution are indexed as the
// read model records them closed; a new ticket describing the same problem in
// other words, in Japanese and in English, finds its past ticket first, with
// the shared terms; the console's ticket page lists them.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession } from '../../db/sessions';
import { createUser } from '../../db/users';
import { similarTickets } from '../../api/response-schemas';
import { indexClosedTicket } from '../../lib/similar/indexing';
import { eventually, startTestStack, type TestStack } from '../support/stack';
import { closedPhoneTicket, expectStatus, openPhoneTicket } from '../support/phone-tickets';

let stack: TestStack;
const run = randomBytes(4).toString('hex');

beforeAll(async () => {
  stack = await startTestStack();
}, 300_000);

afterAll(async () => {
  await stack?.stop();
});

const ok = expectStatus;
const openTicket = (subject: string, body: string) => openPhoneTicket(stack, `caller-${run}@example.jp`, subject, body);
const closedTicket = (subject: string, body: string, resolution: string) => closedPhoneTicket(stack, `caller-${run}@example.jp`, subject, body, resolution);

type Similar = { number: string; subject: string; score: number; terms: string[]; closedAt: string; resolution: string };
/**
 * This file's past tickets among the answer, in its order: the run's other files
 * share the database and close tickets of their own (a PDF font one among them).
 */
const ours = (similar: Similar[]) => similar.filter((s) => Object.values(past).includes(s.number));
const similarTo = async (number: string) => (await ok(stack.call('alice', 'GET', `/api/tickets/${number}/similar`))).similar as Similar[];

/** Waits until `past` is indexed (the read model records the close after the update has answered). */
const indexed = (past: string) => eventually(() => stack.db.selectFrom('similar_ticket_terms').select('ticket_number').where('ticket_number', '=', past).executeTakeFirst(), 20_000);

const past: Record<string, string> = {};

describe('similar past tickets', () => {

  beforeAll(async () => {
    past.pdf = await closedTicket(
      '帳票サーバでPDF出力が文字化けする',
      '帳票システムからPDFを出力すると、日本語のフォントが■に化けます。IPAexゴシックは導入済みです。',
      'fontconfigにIPAexゴシックを登録し、帳票のフォント埋め込みを有効にして解決',
    );
    past.login = await closedTicket('勤怠システムにログインできない', '勤怠管理の画面でパスワードを入れても先に進みません。', 'アカウントロックを解除して解決');
    past.rsync = await closedTicket(
      'Backup job fails with rsync error code 23',
      'Our nightly rsync backup to the NAS ends with "rsync error: some files could not be transferred (code 23)".',
      'Excluded the lock files the backup could not read and fixed the permissions on /srv/share.',
    );
    past.calendar = await closedTicket('Calendar invites arrive twice', 'Every meeting invitation shows up twice in Outlook for the sales team.', 'Removed the duplicate delegate on the shared mailbox.');
    for (const number of Object.values(past)) await indexed(number);
  }, 120_000);

  it('finds the Japanese past ticket for the same problem in other words, first, with the shared terms', async () => {
    const asked = await openTicket('PDFにすると日本語が化けてしまう', '帳票を出力したPDFで漢字が四角い記号になって読めません。フォントの問題でしょうか。');
    const similar = await similarTo(asked);
    expect(similarTickets.safeParse({ similar }).success).toBe(true);
    expect(ours(similar)[0]).toMatchObject({ number: past.pdf, subject: '帳票サーバでPDF出力が文字化けする', resolution: 'fontconfigにIPAexゴシックを登録し、帳票のフォント埋め込みを有効にして解決' });
    expect(ours(similar)[0].terms).toEqual(expect.arrayContaining(['pdf', '帳票', 'フォ']));
    expect(ours(similar)[0].score).toBeGreaterThan(0);
    expect(Date.parse(ours(similar)[0].closedAt)).not.toBeNaN();
    expect(similar.map((s) => s.number)).not.toContain(asked);
    expect(similar.map((s) => s.number)).not.toContain(past.rsync);
  });

  it("is in the new ticket's answer for the desk, and not in an integrator's receipt", async () => {
    const body = { customer: { email: `caller-${run}@example.jp` }, subject: 'PDFの日本語フォントが化ける', body: '帳票のPDFで漢字が読めません。', priority: 'P3' };
    const forAgent = await ok(stack.call('alice', 'POST', '/api/tickets', body), 201);
    expect(ours(forAgent.similar)[0]).toMatchObject({ number: past.pdf });
    const forIntegrator = await ok(stack.call('ivan', 'POST', '/api/tickets', body), 201);
    expect(forIntegrator.similar).toBeUndefined();
  });

  it('finds the English past ticket for the same problem in other words, first', async () => {
    const asked = await openTicket('Nightly copy to the NAS partially fails', 'The backup script finishes with code 23 from rsync and some files are missing on the NAS afterwards.');
    const similar = await similarTo(asked);
    expect(ours(similar)[0]).toMatchObject({ number: past.rsync, subject: 'Backup job fails with rsync error code 23' });
    expect(ours(similar)[0].terms).toEqual(expect.arrayContaining(['rsync', 'nas', 'backup']));
    expect(similar.map((s) => s.number)).not.toContain(past.pdf);
  });

  it('offers closed tickets only: an open ticket like another is not offered', async () => {
    const open = await openTicket('Backup job fails with rsync error code 23 again', 'rsync error code 23 on the NAS backup, nightly.');
    const asked = await openTicket('rsync backup to NAS: code 23', 'Same rsync code 23 failure on the nightly NAS backup.');
    expect((await similarTo(asked)).map((s) => s.number)).not.toContain(open);
  });

  it('indexing a closed ticket again changes nothing', async () => {
    const totals = () => stack.db.selectFrom('similar_totals').selectAll().executeTakeFirstOrThrow();
    const counts = () => stack.db.selectFrom('similar_term_counts').select(['term', 'tickets']).where('term', 'in', ['rsync', 'nas', 'backup']).orderBy('term').execute();
    const before = { totals: await totals(), counts: await counts() };
    await indexClosedTicket(stack.db, past.rsync);
    await indexClosedTicket(stack.db, past.rsync);
    expect({ totals: await totals(), counts: await counts() }).toEqual(before);
  });

  it('lets the desk read them and nobody else; an unknown ticket is 404', async () => {
    expect((await stack.call('rita', 'GET', `/api/tickets/${past.pdf}/similar`)).status).toBe(200);
    expect((await stack.call('mona', 'GET', `/api/tickets/${past.pdf}/similar`)).status).toBe(200);
    const integrator = await stack.call('ivan', 'GET', `/api/tickets/${past.pdf}/similar`);
    expect(integrator.status).toBe(403);
    expect((await stack.call(null, 'GET', `/api/tickets/${past.pdf}/similar`)).status).toBe(401);
    expect((await stack.call('alice', 'GET', '/api/tickets/2000010199999/similar')).status).toBe(404);
  });

  it("lists them on the console's ticket page as links with their shared terms", async () => {
    const user = `sim-${run}`;
    await createUser(stack.db, { name: user, role: 'agent', level: 'L1', password: `similar-${run}-password` });
    const session = await startSession(stack.db, user, '127.0.0.1');
    const asked = await openTicket('PDFの日本語が文字化け', '帳票のPDFでフォントが化けます。');
    const page = async (lang: string) => {
      const response = await fetch(`${stack.apiUrl}/tickets/${asked}`, { headers: { cookie: `hd_session=${session.id}; hd_lang=${lang}` } });
      expect(response.status).toBe(200);
      return response.text();
    };
    const ja = await page('ja');
    expect(ja).toContain('類似チケット');
    expect(ja).toContain(`<a href="/tickets/${past.pdf}">`);
    expect(ja).toContain('共通の語');
    expect(await page('en')).toContain('Similar tickets');
  });
});
