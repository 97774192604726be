// The triage rules against arriving inquiries: what matches, what the ticket
// becomes, and how several rules combine (first rule per field, tags add up, stop).
import { describe, expect, it } from 'vitest';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { describeHit, describeOutcome } from '../../lib/triage/describe-hit';
import type { ArrivingInquiry } from '../../lib/triage/inquiry';
import { parseTriageRules } from '../../lib/triage/rules-schema';
import { triage } from '../../lib/triage/triage';
import { isOpen, nextOpening, type BusinessCalendar } from '../../workflows/sla/calendar';

const policy = loadSlaPolicy();

function rulesOf(...rules: unknown[]) {
  const parsed = parseTriageRules({ rules }, policy);
  if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
  return parsed.rules;
}

function inquiry(fields: Partial<ArrivingInquiry> = {}): ArrivingInquiry {
  return {
    channel: 'email',
    senders: ['yamada@example.jp'],
    recipients: ['support@desk.test'],
    subject: 'サーバが起動しません',
    body: '昨日から起動しなくなりました。',
    attachments: [],
    account: null,
    arrivedAt: Date.parse('2027-01-13T10:00:00+09:00'),
    ...fields,
  };
}

const P3 = { priority: 'P3', queue: null } as const;

/** Instants picked from the calendar itself (never by counting weekdays): one it is open at, one it is closed at. */
function openAndClosed(cal: BusinessCalendar): { open: number; closed: number } {
  const open = nextOpening(cal, Date.now()) + 60_000;
  let closed = open;
  while (isOpen(cal, closed)) closed += 15 * 60_000;
  return { open, closed };
}

describe('matching what arrives', () => {
  it('finds words in a Japanese subject or body without splitting words, and says where', () => {
    const rules = rulesOf({ name: '障害', when: { words: ['障害'] }, set: { priority: 'P1', queue: 'incident' } });
    const hit = triage(rules, inquiry({ body: '本日午前よりサーバ障害が発生しています' }), P3);
    expect(hit.priority).toBe('P1');
    expect(hit.queue).toBe('incident');
    expect(hit.hits[0].matched).toEqual(['subject or body has "障害"']);
    expect(describeHit(hit.hits[0])).toBe('rule 1 "障害": priority P3 → P1, queue → incident');
    expect(triage(rules, inquiry(), P3).hits).toEqual([]);
  });

  it('folds full-width, half-width katakana and case before comparing', () => {
    const rules = rulesOf({ when: { subjectWords: ['サーバ', 'urgent'] }, set: { tags: ['server'] } });
    expect(triage(rules, inquiry({ subject: 'ｻｰﾊﾞが落ちた' }), P3).tags).toEqual(['server']);
    expect(triage(rules, inquiry({ subject: 'ＵＲＧＥＮＴ: help' }), P3).tags).toEqual(['server']);
    expect(triage(rules, inquiry({ subject: 'hello', body: 'サーバ' }), P3).tags).toEqual([]);
  });

  it('matches regular expressions case-insensitively in subject, body or either', () => {
    const rules = rulesOf(
      { when: { subjectPatterns: ['^\\[?緊急\\]?'] }, set: { priority: 'P1' } },
      { when: { bodyPatterns: ['error\\s+5\\d\\d'] }, set: { tags: ['http-5xx'] } },
    );
    const outcome = triage(rules, inquiry({ subject: '[緊急] 接続不可', body: 'ERROR 503 が返ります' }), P3);
    expect(outcome.priority).toBe('P1');
    expect(outcome.tags).toEqual(['http-5xx']);
    expect(outcome.hits.map((h) => h.matched[0])).toEqual(['subject matches /^\\[?緊急\\]?/', 'body matches /error\\s+5\\d\\d/']);
  });

  it('knows senders, their domains (and subdomains) and the recipient address', () => {
    const rules = rulesOf(
      { when: { from: ['Boss@Example.jp'] }, set: { tags: ['boss'] } },
      { when: { fromDomain: ['acme.co.jp'] }, set: { tags: ['acme'] } },
      { when: { to: ['urgent@support.example.jp'] }, set: { tags: ['urgent'] } },
    );
    expect(triage(rules, inquiry({ senders: ['boss@example.jp'] }), P3).tags).toEqual(['boss']);
    expect(triage(rules, inquiry({ senders: ['a@tokyo.acme.co.jp'] }), P3).tags).toEqual(['acme']);
    expect(triage(rules, inquiry({ senders: ['a@notacme.co.jp'] }), P3).tags).toEqual([]);
    expect(triage(rules, inquiry({ recipients: ['support@desk.test', 'urgent@support.example.jp'] }), P3).tags).toEqual(['urgent']);
  });

  it("knows the sender's account by id or name, and its plan", () => {
    const rules = rulesOf(
      { when: { account: ['ACME 株式会社'] }, set: { tags: ['by-name'] } },
      { when: { account: ['7'] }, set: { tags: ['by-id'] } },
      { when: { plan: ['Premium'] }, set: { priority: 'P2' } },
    );
    const outcome = triage(rules, inquiry({ account: { id: '7', name: 'acme 株式会社', plan: 'premium' } }), P3);
    expect(outcome.tags).toEqual(['by-name', 'by-id']);
    expect(outcome.priority).toBe('P2');
    expect(triage(rules, inquiry(), P3).hits).toEqual([]);
  });

  it('knows attachments by media type (with wildcards) and by file-name extension', () => {
    const rules = rulesOf(
      { when: { attachmentTypes: ['image/*'] }, set: { tags: ['screenshot'] } },
      { when: { attachmentExtensions: ['.LOG', 'tar.gz'] }, set: { tags: ['logs'] } },
    );
    const files = [
      { filename: 'screen.PNG', contentType: 'image/png; name=screen.PNG' },
      { filename: 'dump.tar.gz', contentType: 'application/gzip' },
    ];
    expect(triage(rules, inquiry({ attachments: files }), P3).tags).toEqual(['screenshot', 'logs']);
    expect(triage(rules, inquiry({ attachments: [{ filename: 'tar.gz.txt', contentType: 'text/plain' }] }), P3).tags).toEqual([]);
  });

  it('knows the channel', () => {
    const rules = rulesOf({ name: '電話', when: { channel: ['phone'] }, set: { queue: 'phone-desk' } });
    expect(triage(rules, inquiry({ channel: 'phone', recipients: [] }), P3).queue).toBe('phone-desk');
    expect(triage(rules, inquiry(), P3).queue).toBeNull();
  });

  it("tells business hours from the SLA policy's calendar, holidays included", () => {
    const rules = rulesOf({ name: '時間外', when: { businessHours: 'outside' }, set: { tags: ['after-hours'] } }, { when: { businessHours: 'inside', calendar: 'business' }, set: { tags: ['office'] } });
    const business = policy.calendars.business;
    const { open, closed } = openAndClosed(business);
    expect(triage(rules, inquiry({ arrivedAt: open }), P3).tags).toEqual(['office']);
    expect(triage(rules, inquiry({ arrivedAt: closed }), P3).tags).toEqual(['after-hours']);
    expect(triage(rules, inquiry({ arrivedAt: Date.parse('2027-01-01T11:00:00+09:00') }), P3).hits[0].matched).toEqual(['outside business hours (business)']);
  });

  it('needs every field of a rule to hold, any entry of a field', () => {
    const rules = rulesOf({ when: { channel: ['email'], words: ['障害', '停止'] }, set: { priority: 'P1' } });
    expect(triage(rules, inquiry({ body: 'サービス停止中' }), P3).priority).toBe('P1');
    expect(triage(rules, inquiry({ channel: 'phone', body: 'サービス停止中' }), P3).priority).toBe('P3');
  });
});

describe('several rules', () => {
  const rules = rulesOf(
    { name: '障害', when: { words: ['障害'] }, set: { priority: 'P1', queue: 'incident', tags: ['outage'] } },
    { name: 'acme', when: { fromDomain: ['acme.co.jp'] }, set: { priority: 'P2', queue: 'acme', tags: ['acme', 'outage'] } },
    { name: 'newsletter', when: { fromDomain: ['news.example.com'] }, set: { priority: 'P4' }, stop: true },
    { name: 'その他', set: { queue: 'maintenance-support', tags: ['catch-all'] } },
  );

  it('the first rule that sets a field decides it; tags add up; later rules say what they did not set', () => {
    const outcome = triage(rules, inquiry({ senders: ['ops@acme.co.jp'], subject: '障害のお知らせ' }), P3);
    expect(outcome).toMatchObject({ priority: 'P1', queue: 'incident', tags: ['outage', 'acme', 'catch-all'] });
    expect(outcome.hits.map(describeHit)).toEqual([
      'rule 1 "障害": priority P3 → P1, queue → incident, tags + outage',
      'rule 2 "acme": tags + acme, priority not set to P2 (rule 1 set it), queue not set to acme (rule 1 set it)',
      'rule 4 "その他": tags + catch-all, queue not set to maintenance-support (rule 1 set it)',
    ]);
    expect(describeOutcome(outcome)).toBe('priority P1, queue incident, tags outage, acme, catch-all');
  });

  it('stop ends the list', () => {
    const outcome = triage(rules, inquiry({ senders: ['info@news.example.com'] }), P3);
    expect(outcome).toMatchObject({ priority: 'P4', queue: null, tags: [] });
    expect(outcome.hits.map(describeHit)).toEqual(['rule 3 "newsletter": priority P3 → P4, stop']);
  });

  it('no rules, or none matching: the ticket stays as it arrived', () => {
    expect(triage([], inquiry(), P3)).toEqual({ priority: 'P3', queue: null, account: null, tags: [], hits: [] });
    expect(triage(rules.slice(0, 3), inquiry(), { priority: 'P2', queue: null }).priority).toBe('P2');
  });

  it("sets an account only when the desk found none for the sender", () => {
    const withAccount = rulesOf({ name: 'acme', when: { fromDomain: ['acme.co.jp'] }, set: { account: 12 } });
    const none = triage(withAccount, inquiry({ senders: ['a@acme.co.jp'] }), P3);
    expect(none.account).toBe('12');
    expect(describeHit(none.hits[0])).toBe('rule 1 "acme": account → 12');
    const known = triage(withAccount, inquiry({ senders: ['a@acme.co.jp'], account: { id: '3', name: 'Acme' } }), P3);
    expect(known.account).toBeNull();
    expect(describeHit(known.hits[0])).toBe(`rule 1 "acme": account not set to 12 (the sender's account is 3 (Acme))`);
  });
});
