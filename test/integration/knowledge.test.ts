// Knowledge records on the real servers: a ticket opened by phone (ivan) and
// closed by alice gives a prefilled draft; alice writes the record from it,
// cannot review it herself, rita rejects it (a comment required), alice puts
// it right and sends it again, rita approves it with an edit; the published
// record is found in other words, in Japanese and in English, and beside the
// ticket's similar tickets; a later ticket is linked; integrators get
// nothing; of two reviewers approving at once exactly one wins.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knowledgeDraft, knowledgeRecord, knowledgeRecordList, similarTickets } from '../../api/response-schemas';
import { eventually, startTestStack, type TestStack, type TestUser } from '../support/stack';
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
const openTicket = (subject: string, body: string) => openPhoneTicket(stack, `kb-${run}@example.jp`, subject, body);
const closedTicket = (subject: string, body: string, resolution: string) => closedPhoneTicket(stack, `kb-${run}@example.jp`, subject, body, resolution);

const review = (user: TestUser, id: string, body: unknown) => stack.call(user, 'POST', `/api/knowledge/${id}/review`, body);
const search = async (q: string) => (await ok(stack.call('dave', 'GET', `/api/knowledge?q=${encodeURIComponent(q)}`))).records as Array<{ id: string; score: number; terms: string[] }>;

/** A record by `author` sent to review, about something else than the PDF one. */
async function recordInReview(author: TestUser, number: string, symptom: string): Promise<string> {
  const created = await ok(stack.call(author, 'POST', '/api/knowledge', { symptom, fix: 'VPNクライアントを更新する', ticketNumbers: [number] }), 201);
  await ok(stack.call(author, 'POST', `/api/knowledge/${created.id}/submit`, {}));
  return created.id as string;
}

describe('knowledge records', () => {
  let number: string;
  let id: string;

  beforeAll(async () => {
    number = await closedTicket(
      `帳票サーバでPDF出力が文字化けする ${run}`,
      '帳票システムからPDFを出力すると、日本語のフォントが■に化けます。',
      'fontconfigにIPAexゴシックを登録し、帳票のフォント埋め込みを有効にして解決',
    );
  }, 120_000);

  it('prefills a draft from the closed ticket', async () => {
    const draft = await ok(stack.call('alice', 'GET', `/api/tickets/${number}/knowledge-draft`));
    expect(knowledgeDraft.safeParse(draft).error).toBeUndefined();
    expect(draft).toMatchObject({
      symptom: `帳票サーバでPDF出力が文字化けする ${run}\n\n帳票システムからPDFを出力すると、日本語のフォントが■に化けます。`,
      fix: 'fontconfigにIPAexゴシックを登録し、帳票のフォント埋め込みを有効にして解決',
      cause: '',
      keywords: [],
      public: false,
      ticketNumbers: [number],
    });
    expect((await stack.call('alice', 'GET', '/api/tickets/2000010199999/knowledge-draft')).status).toBe(404);
  });

  it('alice writes the record; she cannot review it; rita rejects it only with a comment', async () => {
    const draft = await ok(stack.call('alice', 'GET', `/api/tickets/${number}/knowledge-draft`));
    const created = await ok(stack.call('alice', 'POST', '/api/knowledge', { ...draft, keywords: ['PDF', 'font', 'garbled'], product: '帳票サーバ', version: '3.2' }), 201);
    expect(knowledgeRecord.safeParse(created).error).toBeUndefined();
    expect(created).toMatchObject({ status: 'draft', author: 'alice', reviewer: null, ticketNumbers: [number], public: false });
    id = created.id;
    expect(await ok(stack.call('alice', 'POST', `/api/knowledge/${id}/submit`, {}))).toMatchObject({ status: 'in_review' });

    const own = await review('alice', id, { decision: 'approve' });
    expect(own.status).toBe(409);
    expect(own.body.detail).toContain('alice wrote record');
    expect(own.body.detail).toContain('cannot review it');
    // Another agent is no reviewer.
    expect((await review('dave', id, { decision: 'approve' })).status).toBe(403);

    expect((await review('rita', id, { decision: 'reject' })).status).toBe(400);
    expect((await review('rita', id, { decision: 'reject', comment: '  ' })).status).toBe(400);
    expect(await ok(review('rita', id, { decision: 'reject', comment: '原因を書いてください' }))).toMatchObject({ status: 'rejected', reviewer: 'rita', reviewComment: '原因を書いてください' });
  });

  it('only the author edits; alice puts it right and sends it again; rita approves with an edit', async () => {
    expect((await stack.call('dave', 'PATCH', `/api/knowledge/${id}`, { cause: 'x' })).status).toBe(409);
    expect((await stack.call('alice', 'PATCH', `/api/knowledge/${id}`, { cause: 'a\u0000b' })).status).toBe(400);
    expect(await ok(stack.call('alice', 'PATCH', `/api/knowledge/${id}`, { cause: 'PDFにフォントが埋め込まれていなかった' }))).toMatchObject({ status: 'rejected', cause: 'PDFにフォントが埋め込まれていなかった' });
    expect(await ok(stack.call('alice', 'POST', `/api/knowledge/${id}/submit`, {}))).toMatchObject({ status: 'in_review' });
    expect((await stack.call('alice', 'PATCH', `/api/knowledge/${id}`, { cause: 'x' })).status).toBe(409);
    const published = await ok(review('rita', id, { decision: 'approve', edits: { public: true, keywords: ['PDF', 'font', 'garbled text', 'mojibake'] } }));
    expect(published).toMatchObject({ status: 'published', reviewer: 'rita', public: true, keywords: ['PDF', 'font', 'garbled text', 'mojibake'], author: 'alice' });
    expect(Date.parse(published.reviewedAt)).not.toBeNaN();
    expect(await ok(stack.call('mona', 'GET', `/api/knowledge/${id}`))).toMatchObject({ status: 'published', cause: 'PDFにフォントが埋め込まれていなかった' });
    expect((await stack.call('rita', 'GET', '/api/knowledge/999999999')).status).toBe(404);
  });

  it('finds the published record in other words, in Japanese and in English', async () => {
    const other = await closedTicket(`VPN disconnects every hour ${run}`, 'The VPN drops.', 'Updated the VPN client.');
    await recordInReview('dave', other, 'VPNが1時間ごとに切断される');
    const japanese = await search('PDFにすると漢字が化けてしまう');
    expect(knowledgeRecordList.safeParse({ records: japanese }).error).toBeUndefined();
    expect(japanese[0].id).toBe(id);
    expect(japanese[0].terms).toEqual(expect.arrayContaining(['pdf', '化け']));
    const english = await search('Japanese text comes out garbled in the exported PDF');
    expect(english[0].id).toBe(id);
    // Not yet published: not found by a search, but listed under its status.
    expect((await search('VPN 切断')).length).toBe(0);
    const inReview = (await ok(stack.call('dave', 'GET', '/api/knowledge?status=in_review'))).records;
    expect(inReview.map((r: { symptom: string }) => r.symptom)).toContain('VPNが1時間ごとに切断される');
  });

  it('links a later ticket, and similar tickets answer with the published records of each', async () => {
    const later = await openTicket(`PDFの日本語が化ける ${run}`, '帳票のPDFでフォントが■になります。');
    expect((await ok(stack.call('dave', 'POST', `/api/knowledge/${id}/tickets`, { number: later }))).ticketNumbers).toEqual([number, later]);
    expect((await ok(stack.call('dave', 'POST', `/api/knowledge/${id}/tickets`, { number: later }))).ticketNumbers).toEqual([number, later]);
    expect((await stack.call('dave', 'POST', `/api/knowledge/${id}/tickets`, { number: '2000010199999' })).status).toBe(404);
    await eventually(() => stack.db.selectFrom('similar_ticket_terms').select('ticket_number').where('ticket_number', '=', number).executeTakeFirst(), 20_000);
    const similar = await ok(stack.call('alice', 'GET', `/api/tickets/${later}/similar`));
    expect(similarTickets.safeParse(similar).error).toBeUndefined();
    const past = similar.similar.find((s: { number: string }) => s.number === number);
    expect(past.records).toEqual([{ id, symptom: expect.stringContaining('PDF') }]);
  });

  it('gives integrators nothing (403), and nothing without a token (401)', async () => {
    for (const [method, path, body] of [
      ['GET', '/api/knowledge', undefined],
      ['GET', `/api/knowledge/${id}`, undefined],
      ['GET', `/api/tickets/${number}/knowledge-draft`, undefined],
      ['POST', '/api/knowledge', { symptom: 'x', ticketNumbers: [number] }],
      ['PATCH', `/api/knowledge/${id}`, { cause: 'x' }],
      ['POST', `/api/knowledge/${id}/submit`, {}],
      ['POST', `/api/knowledge/${id}/review`, { decision: 'approve' }],
      ['POST', `/api/knowledge/${id}/tickets`, { number }],
    ] as const) {
      expect((await stack.call('ivan', method, path, body)).status, `${method} ${path}`).toBe(403);
      expect((await stack.call(null, method, path, body)).status, `${method} ${path}`).toBe(401);
    }
  });

  it('of two reviewers approving at once, exactly one wins', async () => {
    for (let round = 0; round < 3; round++) {
      const contested = await recordInReview('alice', number, `同時承認 ${run} ${round}`);
      const answers = await Promise.all([review('rita', contested, { decision: 'approve' }), review('rob', contested, { decision: 'approve' })]);
      expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
      const winner = answers.find((a) => a.status === 200)!.body.reviewer;
      expect(answers.find((a) => a.status === 409)!.body.detail).toContain(`${winner} already decided`);
      expect(await ok(stack.call('alice', 'GET', `/api/knowledge/${contested}`))).toMatchObject({ status: 'published', reviewer: winner });
    }
  });
});

describe('public knowledge records in the customer portal', () => {
  it('shows published records marked public to anyone, and nothing of their authors, reviewers or tickets', async () => {
    const number = await closedTicket(`印刷 ${run}`, 'プリンタに出力できません', 'ドライバを入れ直して解決');
    const make = async (symptom: string, isPublic: boolean) => {
      const created = await ok(stack.call('alice', 'POST', '/api/knowledge', { symptom, fix: `ドライバを入れ直す ${run}`, public: isPublic, ticketNumbers: [number] }), 201);
      await ok(stack.call('alice', 'POST', `/api/knowledge/${created.id}/submit`, {}));
      await ok(review('rita', created.id, { decision: 'approve' }));
      return created.id as string;
    };
    const shown = await make(`プリンタ ${run} に印刷できない`, true);
    const kept = await make(`社内プリンタ ${run} の設定手順`, false);
    const page = await fetch(`${stack.apiUrl}/portal/knowledge?q=${encodeURIComponent(`プリンタ ${run}`)}`, { headers: { 'accept-language': 'ja' } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`data-record="${shown}"`);
    expect(html).not.toContain(`data-record="${kept}"`);
    expect(html).toContain('よくある問題と解決方法');
    for (const secret of ['alice', 'rita', number]) expect(html).not.toContain(secret);
  });
});
