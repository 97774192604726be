import { describe, expect, it } from 'vitest';
import { customerArticles, customerState, mayCustomerSee, type StoredArticle } from '../../web/portal/visibility';

describe('mayCustomerSee', () => {
  const own = { requesterContactId: '1', accountId: '10' };
  const colleague = { requesterContactId: '2', accountId: '10' };
  const other = { requesterContactId: '3', accountId: '20' };
  it('shows a customer their own tickets, with or without an account', () => {
    expect(mayCustomerSee('1', [], own)).toBe(true);
    expect(mayCustomerSee('1', [], { requesterContactId: '1', accountId: null })).toBe(true);
  });
  it("shows an account's tickets to its managers and to members who see all, not to plain members", () => {
    expect(mayCustomerSee('1', [{ accountId: '10', role: 'manager', seesAll: false }], colleague)).toBe(true);
    expect(mayCustomerSee('1', [{ accountId: '10', role: 'member', seesAll: true }], colleague)).toBe(true);
    expect(mayCustomerSee('1', [{ accountId: '10', role: 'member', seesAll: false }], colleague)).toBe(false);
  });
  it("never shows another account's tickets, nor a ticket without an account or parties", () => {
    expect(mayCustomerSee('1', [{ accountId: '10', role: 'manager', seesAll: true }], other)).toBe(false);
    expect(mayCustomerSee('1', [{ accountId: '10', role: 'manager', seesAll: true }], { requesterContactId: '2', accountId: null })).toBe(false);
    expect(mayCustomerSee('1', [{ accountId: '10', role: 'manager', seesAll: true }], undefined)).toBe(false);
  });
});

describe('customerArticles', () => {
  let id = 0;
  const article = (over: Partial<StoredArticle>): StoredArticle => ({
    id: String(++id),
    kind: 'inquiry',
    direction: 'inbound',
    author: 'portal:1',
    subject: null,
    body: `text ${id}`,
    refused_reason: null,
    created_at: '2026-01-05T01:00:00Z',
    attachments: [],
    mailState: null,
    ...over,
  });
  it('keeps the inquiry, follow-ups, and receipt notices and answers once sent, with their files', () => {
    const list = [
      article({ kind: 'inquiry', attachments: [{ position: 1, filename: 'a.txt', contentType: 'text/plain', size: 3 }] }),
      article({ kind: 'receipt_notice', direction: 'outbound', author: null, mailState: 'sent' }),
      article({ kind: 'follow_up' }),
      article({ kind: 'answer', direction: 'outbound', author: 'alice', mailState: 'sent' }),
    ];
    const seen = customerArticles(list);
    expect(seen.map((a) => a.kind)).toEqual(['inquiry', 'receipt_notice', 'follow_up', 'answer']);
    expect(seen[0].attachments).toHaveLength(1);
    expect(seen.map((a) => a.agent)).toEqual([null, null, null, 'alice']);
  });
  it('drops memos, phone calls, notes, staff notices, unsent or failed mail and refused articles', () => {
    const list = [
      article({ kind: 'memo', direction: 'internal', author: 'alice' }),
      article({ kind: 'phone_call', direction: 'inbound' }),
      article({ kind: 'note', direction: 'internal' }),
      article({ kind: 'notice', direction: 'outbound', mailState: 'sent' }),
      article({ kind: 'answer', direction: 'outbound', mailState: 'pending' }),
      article({ kind: 'answer', direction: 'outbound', mailState: 'failed' }),
      article({ kind: 'receipt_notice', direction: 'outbound', mailState: null }),
      article({ kind: 'follow_up', refused_reason: 'refused' }),
    ];
    expect(customerArticles(list)).toEqual([]);
  });
  it('carries no spam scores, clues, mail problems or addresses', () => {
    const [seen] = customerArticles([{ ...article({}), spam_score: 0.99, spam_clues: [{ token: 'x' }], mail_problems: ['bad'] } as StoredArticle]);
    expect(Object.keys(seen).sort()).toEqual(['agent', 'attachments', 'body', 'createdAt', 'from', 'id', 'kind', 'subject']);
  });
});

describe('customerState', () => {
  it('puts every status in customer words', () => {
    expect(['new', 'open', 'in_progress', 'in_review', 'approved', 'waiting_customer', 'closed'].map(customerState)).toEqual([
      'received', 'received', 'working', 'working', 'working', 'answered', 'closed',
    ]);
  });
});
