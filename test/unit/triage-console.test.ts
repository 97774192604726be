// A `triage` history line on the console's ticket page reads as the rule and
// what it did, in the page's language, not as raw detail fields.
import { describe, expect, it } from 'vitest';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { triageDetail } from '../../lib/triage/record-triage';
import { parseTriageRules } from '../../lib/triage/rules-schema';
import { triage } from '../../lib/triage/triage';
import { en } from '../../web/i18n/en';
import { ja } from '../../web/i18n/ja';
import type { Labels } from '../../web/i18n';
import { TicketLive, type TicketPageData } from '../../web/pages/ticket-page';
import { newTicketState } from '../../workflows/ticket-rules';

const parsed = parseTriageRules(
  {
    rules: [
      { name: '障害', when: { words: ['障害'] }, set: { priority: 'P1', queue: 'incident', tags: ['outage'] } },
      { name: 'その他', set: { queue: 'maintenance-support' }, stop: true },
    ],
  },
  loadSlaPolicy(),
);
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const createdAt = '2027-01-13T01:00:00.000Z';
const outcome = triage(
  parsed.rules,
  { channel: 'email', senders: ['a@example.jp'], recipients: [], subject: 'サーバ障害', body: '', attachments: [], account: null, arrivedAt: Date.parse(createdAt) },
  { priority: 'P3', queue: null },
);

function page(t: Labels): Promise<string> {
  const ticket = { ...newTicketState({ number: '2027011300001', subject: 'サーバ障害', customer: { email: 'a@example.jp' }, channel: 'email', priority: 'P1', createdAt }), slaStatus: 'on_track' as const };
  const data: TicketPageData = {
    ticket,
    articles: [],
    events: outcome.hits.map((hit, i) => ({ id: String(i + 1), kind: 'triage', actor: 'triage', detail: triageDetail(hit), at: new Date(createdAt) })),
    mails: [],
  };
  return Promise.resolve(TicketLive({ t, data, actor: { user: 'alice', role: 'agent', level: 'L1' }, now: new Date(createdAt), timeZone: 'Asia/Tokyo' })!.toString());
}

const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&quot;/g, '"').replace(/&gt;/g, '>').replace(/\s+/g, ' ');

describe('a triage line on the ticket page', () => {
  it('says in Japanese which rule did what and why', async () => {
    const shown = text(await page(ja));
    expect(shown).toContain('自動振り分け');
    expect(shown).toContain('ルール 1「障害」: 優先度 P3 → P1、キュー → incident、タグ + outage');
    expect(shown).toContain('一致した条件: subject or body has "障害"');
    expect(shown).toContain('ルール 2「その他」: キュー maintenance-support は適用せず（ルール 1 で設定済み）、以降のルールは見ない');
  });

  it('and in English', async () => {
    const shown = text(await page(en));
    expect(shown).toContain('Triage');
    expect(shown).toContain('Rule 1 "障害": priority P3 → P1, queue → incident, tags + outage');
    expect(shown).toContain('Rule 2 "その他": queue not set to maintenance-support (rule 1 set it), stop: later rules not looked at');
  });
});
