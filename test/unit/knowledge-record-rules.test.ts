// The rules of a knowledge record's states: every transition and every refusal.
import { describe, expect, it } from 'vitest';
import { decide, RECORD_STATUSES, type KnowledgeRecord, type RecordCommand, type RecordStatus } from '../../lib/knowledge/record-rules';
import type { Actor } from '../../workflows/ticket-types';

const NOW = '2026-12-03T01:00:00.000Z';
const alice: Actor = { user: 'alice', role: 'agent', level: 'L1' };
const dave: Actor = { user: 'dave', role: 'agent', level: 'L2' };
const rita: Actor = { user: 'rita', role: 'reviewer', level: 'L2' };
const mona: Actor = { user: 'mona', role: 'manager' };
const ivan: Actor = { user: 'ivan', role: 'integrator' };
const ritaAsAuthor: Actor = { user: 'alice', role: 'reviewer', level: 'L2' };

function record(status: RecordStatus, more: Partial<KnowledgeRecord> = {}): KnowledgeRecord {
  return {
    id: '7',
    status,
    symptom: 'PDFの日本語が文字化けする',
    cause: 'フォントが埋め込まれていない',
    fix: 'IPAexゴシックを埋め込む',
    product: '帳票サーバ',
    version: '3.2',
    keywords: ['pdf'],
    public: false,
    author: 'alice',
    reviewer: null,
    reviewComment: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    updatedAt: '2026-12-01T00:00:00.000Z',
    submittedAt: null,
    reviewedAt: null,
    ticketNumbers: ['2026120100001'],
    ...more,
  };
}

const ok = (r: KnowledgeRecord, c: RecordCommand) => {
  const d = decide(r, c, NOW);
  if (!d.ok) throw new Error(`refused: ${d.reason}`);
  return d.record;
};
const refusal = (r: KnowledgeRecord, c: RecordCommand) => {
  const d = decide(r, c, NOW);
  if (d.ok) throw new Error('accepted');
  return d;
};

describe('edit', () => {
  it.each(['draft', 'rejected'] as const)('the author edits a %s record, which keeps its status', (status) => {
    const edited = ok(record(status), { kind: 'edit', actor: alice, edits: { cause: '埋め込み設定が無効', keywords: ['pdf', 'font'], public: true, version: undefined } });
    expect(edited).toMatchObject({ status, cause: '埋め込み設定が無効', keywords: ['pdf', 'font'], public: true, version: '3.2', updatedAt: NOW });
  });

  it('clears product and version with null', () => {
    expect(ok(record('draft'), { kind: 'edit', actor: alice, edits: { product: null, version: null } })).toMatchObject({ product: null, version: null });
  });

  it.each(['in_review', 'published'] as const)('refuses to edit a record %s (state)', (status) => {
    expect(refusal(record(status), { kind: 'edit', actor: alice, edits: { fix: 'x' } })).toMatchObject({ kind: 'state', reason: expect.stringContaining(status) });
  });

  it('refuses anyone but the author, reviewers and managers included (state)', () => {
    for (const actor of [dave, rita, mona]) expect(refusal(record('draft'), { kind: 'edit', actor, edits: { fix: 'x' } })).toMatchObject({ kind: 'state', reason: expect.stringContaining('only the author (alice)') });
  });

  it('refuses an edit of nothing, and an empty symptom (input)', () => {
    expect(refusal(record('draft'), { kind: 'edit', actor: alice, edits: {} }).kind).toBe('input');
    expect(refusal(record('draft'), { kind: 'edit', actor: alice, edits: { symptom: '  ' } })).toMatchObject({ kind: 'input', reason: expect.stringContaining('symptom') });
  });
});

describe('submit', () => {
  it.each(['draft', 'rejected'] as const)('the author sends a %s record to review', (status) => {
    expect(ok(record(status, { reviewer: 'rita', reviewComment: 'cause?' }), { kind: 'submit', actor: alice })).toMatchObject({ status: 'in_review', submittedAt: NOW, updatedAt: NOW, reviewComment: 'cause?' });
  });

  it.each(['in_review', 'published'] as const)('refuses a record already %s', (status) => {
    expect(refusal(record(status), { kind: 'submit', actor: alice }).kind).toBe('state');
  });

  it('refuses anyone but the author', () => {
    expect(refusal(record('draft'), { kind: 'submit', actor: rita })).toMatchObject({ kind: 'state', reason: expect.stringContaining('only the author') });
  });

  it('refuses a record without a fix or a symptom', () => {
    expect(refusal(record('draft', { fix: ' ' }), { kind: 'submit', actor: alice })).toMatchObject({ kind: 'state', reason: expect.stringContaining('the fix is empty') });
    expect(refusal(record('draft', { symptom: '' }), { kind: 'submit', actor: alice })).toMatchObject({ kind: 'state', reason: expect.stringContaining('the symptom is empty') });
  });
});

describe('approve', () => {
  it('a reviewer publishes it, naming themselves, with their edits and comment', () => {
    const published = ok(record('in_review'), { kind: 'approve', actor: rita, edits: { fix: 'IPAexゴシックを埋め込み、再起動する', public: true }, comment: ' 良い ' });
    expect(published).toMatchObject({ status: 'published', reviewer: 'rita', reviewComment: '良い', reviewedAt: NOW, fix: 'IPAexゴシックを埋め込み、再起動する', public: true, author: 'alice' });
  });

  it('a manager may approve; without a comment the comment is empty', () => {
    expect(ok(record('in_review', { reviewComment: 'old' }), { kind: 'approve', actor: mona })).toMatchObject({ status: 'published', reviewer: 'mona', reviewComment: null });
  });

  it('refuses the author, as a reviewer or as an agent (four eyes, 409 before the role)', () => {
    for (const actor of [ritaAsAuthor, alice]) expect(refusal(record('in_review'), { kind: 'approve', actor })).toMatchObject({ kind: 'state', reason: expect.stringContaining('cannot review it') });
  });

  it('refuses agents and integrators (role)', () => {
    for (const actor of [dave, ivan]) expect(refusal(record('in_review'), { kind: 'approve', actor })).toMatchObject({ kind: 'role', reason: expect.stringContaining('reviewer, manager') });
  });

  it.each(['draft', 'rejected', 'published'] as const)('refuses a record %s: the second of two reviewers loses', (status) => {
    expect(refusal(record(status, status === 'published' ? { reviewer: 'rob' } : {}), { kind: 'approve', actor: rita })).toMatchObject({ kind: 'state', reason: expect.stringContaining('not in review') });
  });

  it('says who already decided', () => {
    expect(refusal(record('published', { reviewer: 'rob' }), { kind: 'approve', actor: rita }).reason).toContain('rob already decided');
  });

  it('refuses edits that would empty the symptom or the fix (input)', () => {
    expect(refusal(record('in_review'), { kind: 'approve', actor: rita, edits: { fix: '' } })).toMatchObject({ kind: 'input', reason: expect.stringContaining('the fix is empty') });
    expect(refusal(record('in_review'), { kind: 'approve', actor: rita, edits: { symptom: ' ' } }).kind).toBe('input');
  });
});

describe('reject', () => {
  it('a reviewer sends it back with a comment', () => {
    expect(ok(record('in_review'), { kind: 'reject', actor: rita, comment: '原因を書いてください' })).toMatchObject({ status: 'rejected', reviewer: 'rita', reviewComment: '原因を書いてください', reviewedAt: NOW, fix: 'IPAexゴシックを埋め込む' });
  });

  it('refuses without a comment (input)', () => {
    expect(refusal(record('in_review'), { kind: 'reject', actor: rita, comment: '  ' })).toMatchObject({ kind: 'input', reason: expect.stringContaining('needs a comment') });
  });

  it('refuses the author, agents, and a record not in review', () => {
    expect(refusal(record('in_review'), { kind: 'reject', actor: ritaAsAuthor, comment: 'x' }).kind).toBe('state');
    expect(refusal(record('in_review'), { kind: 'reject', actor: alice, comment: 'x' }).kind).toBe('state');
    expect(refusal(record('in_review'), { kind: 'reject', actor: dave, comment: 'x' }).kind).toBe('role');
    expect(refusal(record('published'), { kind: 'reject', actor: rita, comment: 'x' }).kind).toBe('state');
  });
});

describe('the whole loop', () => {
  it('draft → in_review → rejected → (edited) → in_review → published, and published is final', () => {
    let r = record('draft', { fix: '' });
    r = ok(r, { kind: 'edit', actor: alice, edits: { fix: '再起動' } });
    r = ok(r, { kind: 'submit', actor: alice });
    r = ok(r, { kind: 'reject', actor: rita, comment: '手順を詳しく' });
    r = ok(r, { kind: 'edit', actor: alice, edits: { fix: 'サービスを再起動し、ログを確認する' } });
    r = ok(r, { kind: 'submit', actor: alice });
    r = ok(r, { kind: 'approve', actor: rita });
    expect(r.status).toBe('published');
    const commands: RecordCommand[] = [
      { kind: 'edit', actor: alice, edits: { fix: 'x' } },
      { kind: 'submit', actor: alice },
      { kind: 'approve', actor: mona },
      { kind: 'reject', actor: mona, comment: 'x' },
    ];
    for (const command of commands) expect(decide(r, command, NOW).ok).toBe(false);
  });

  it('knows exactly four statuses', () => {
    expect(RECORD_STATUSES).toEqual(['draft', 'in_review', 'published', 'rejected']);
  });
});
