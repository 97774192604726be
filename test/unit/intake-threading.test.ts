import { describe, expect, it } from 'vitest';
import {
  candidateMessageIds,
  candidateTicketNumbers,
  normalizeMessageId,
  threadMail,
  type MailForThreading,
  type ThreadingLookups,
  type TicketFacts,
} from '../../activities/intake/threading';
import { findTicketTag, formatReplySubject, stripReplyNoise } from '../../activities/intake/ticket-tag';

const NUMBER = '2026112100042';
const OTHER = '2026111900007';
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.parse('2026-11-21T03:00:00Z');

function ticket(overrides: Partial<TicketFacts> = {}): TicketFacts {
  return { number: NUMBER, customerEmail: 'yamada@example.co.jp', status: 'open', ...overrides };
}

function lookups(overrides: Partial<ThreadingLookups> & { known?: TicketFacts[] } = {}): ThreadingLookups {
  const known = overrides.known ?? [ticket()];
  return {
    ticketByMessageId: new Map(),
    tickets: new Map(known.map((t) => [t.number, t])),
    isListMember: () => false,
    now: NOW,
    reopenWindowMs: 30 * DAY,
    ...overrides,
  };
}

function mail(overrides: Partial<MailForThreading> = {}): MailForThreading {
  return { from: 'yamada@example.co.jp', subject: 'サーバー障害のご報告', references: [], ...overrides };
}

describe('findTicketTag', () => {
  it.each([
    ['Re: [Ticket#2026112100042] 障害のご報告', NUMBER],
    ['re: [ticket#2026112100042]', NUMBER],
    ['RE: [TICKET # 2026112100042 ] x', NUMBER],
    ['Ｒｅ：［Ｔｉｃｋｅｔ＃２０２６１１２１０００４２］障害', NUMBER],
    ['【Ticket#2026112100042】障害のご報告', NUMBER],
    ['［Ticket＃2026112100042］', NUMBER],
  ])('finds the tag in %s', (subject, expected) => {
    expect(findTicketTag(subject)).toBe(expected);
  });

  it.each([
    ['障害のご報告 Ticket#2026112100042'], // no brackets: a number in running text
    ['[Ticket#202611210004]'], // 12 digits
    ['[Ticket#20261121000420]'], // 14 digits
    ['[Case#2026112100042]'],
    [''],
  ])('finds no tag in %s', (subject) => {
    expect(findTicketTag(subject)).toBeNull();
  });

  it('takes the first tag when a subject carries two', () => {
    expect(findTicketTag(`[Ticket#${OTHER}] Fw: [Ticket#${NUMBER}]`)).toBe(OTHER);
  });
});

describe('formatReplySubject', () => {
  it.each([
    ['障害のご報告', `Re: [Ticket#${NUMBER}] 障害のご報告`],
    ['Re: 障害のご報告', `Re: [Ticket#${NUMBER}] 障害のご報告`],
    ['RE: Re[2]: Fw: 障害のご報告', `Re: [Ticket#${NUMBER}] 障害のご報告`],
    ['ＲＥ：返信: 転送：Fwd: 障害のご報告', `Re: [Ticket#${NUMBER}] 障害のご報告`],
    ['Re(3): AW: Re^2: 障害のご報告', `Re: [Ticket#${NUMBER}] 障害のご報告`],
    [`Re: [Ticket#${NUMBER}] Re: 障害のご報告`, `Re: [Ticket#${NUMBER}] 障害のご報告`],
    [`Re: ［Ｔｉｃｋｅｔ＃２０２６１１２１０００４２］ 障害のご報告`, `Re: [Ticket#${NUMBER}] 障害のご報告`],
    [`Re: [Ticket#${OTHER}] 障害のご報告`, `Re: [Ticket#${NUMBER}] 障害のご報告`],
    ['Report: 障害', `Re: [Ticket#${NUMBER}] Report: 障害`], // "Re" inside a word is not a prefix
    ['', `Re: [Ticket#${NUMBER}]`],
  ])('%s', (original, expected) => {
    expect(formatReplySubject(NUMBER, original)).toBe(expected);
  });

  it('is stable when applied to its own output', () => {
    const once = formatReplySubject(NUMBER, 'RE: 返信: 障害のご報告');
    expect(formatReplySubject(NUMBER, once)).toBe(once);
    expect(stripReplyNoise(once)).toBe('障害のご報告');
  });
});

describe('candidates for the caller to look up', () => {
  it('lists In-Reply-To first, then References newest first, without brackets or duplicates', () => {
    const ids = candidateMessageIds({ inReplyTo: '<c@x>', references: ['<a@x>', '<b@x>', '<c@x>'] });
    expect(ids).toEqual(['c@x', 'b@x', 'a@x']);
    expect(normalizeMessageId('  <abc@Host>  ')).toBe('abc@Host');
  });

  it('names the tickets of known message ids and of the subject tag', () => {
    const numbers = candidateTicketNumbers(
      mail({ subject: `Re: [Ticket#${NUMBER}]`, inReplyTo: '<a@x>' }),
      new Map([['a@x', OTHER]]),
    );
    expect(numbers).toEqual([OTHER, NUMBER]);
  });
});

describe('threadMail', () => {
  it('follows In-Reply-To to the ticket whose message was answered', () => {
    const decision = threadMail(
      mail({ inReplyTo: '<reply-1@helpdesk.example.jp>', from: 'someone-else@example.com' }),
      lookups({ ticketByMessageId: new Map([['reply-1@helpdesk.example.jp', NUMBER]]) }),
    );
    expect(decision).toEqual({ kind: 'follow-up', number: NUMBER, via: 'in-reply-to' });
  });

  it('follows References when In-Reply-To is unknown, newest reference first', () => {
    const decision = threadMail(
      mail({ inReplyTo: '<unknown@mua>', references: ['<old@helpdesk.example.jp>', '<newer@helpdesk.example.jp>'] }),
      lookups({
        known: [ticket(), ticket({ number: OTHER })],
        ticketByMessageId: new Map([
          ['old@helpdesk.example.jp', OTHER],
          ['newer@helpdesk.example.jp', NUMBER],
        ]),
      }),
    );
    expect(decision).toEqual({ kind: 'follow-up', number: NUMBER, via: 'references' });
  });

  it('prefers the message id over a subject tag naming another ticket', () => {
    const decision = threadMail(
      mail({ subject: `Re: [Ticket#${OTHER}]`, inReplyTo: '<r@helpdesk.example.jp>' }),
      lookups({ known: [ticket(), ticket({ number: OTHER })], ticketByMessageId: new Map([['r@helpdesk.example.jp', NUMBER]]) }),
    );
    expect(decision).toMatchObject({ number: NUMBER, via: 'in-reply-to' });
  });

  it('accepts the subject tag from the ticket customer, address case ignored', () => {
    const decision = threadMail(mail({ subject: `Re: [Ticket#${NUMBER}] 障害`, from: 'Yamada@Example.co.jp' }), lookups());
    expect(decision).toEqual({ kind: 'follow-up', number: NUMBER, via: 'subject-tag' });
  });

  it('accepts a full-width tag', () => {
    const decision = threadMail(mail({ subject: 'Ｒｅ：［Ｔｉｃｋｅｔ＃２０２６１１２１０００４２］障害' }), lookups());
    expect(decision).toEqual({ kind: 'follow-up', number: NUMBER, via: 'subject-tag' });
  });

  it('accepts the tag from a member of the customer mailing list, and from the list itself', () => {
    const withList = ticket({ mailingLists: ['sys-ml@example.co.jp'] });
    const members = new Set(['sato@example.co.jp']);
    const facts = lookups({ known: [withList], isListMember: (t, a) => t.number === NUMBER && members.has(a) });
    const subject = `Re: [Ticket#${NUMBER}]`;
    expect(threadMail(mail({ subject, from: 'sato@example.co.jp' }), facts)).toMatchObject({ kind: 'follow-up' });
    expect(threadMail(mail({ subject, from: 'SYS-ML@example.co.jp' }), facts)).toMatchObject({ kind: 'follow-up' });
  });

  it('gives a stranger quoting a tag a new ticket that does not point at the tagged one', () => {
    const decision = threadMail(mail({ subject: `Re: [Ticket#${NUMBER}] 障害`, from: 'attacker@evil.example' }), lookups());
    expect(decision).toEqual({ kind: 'new', reason: 'tag-from-stranger' });
  });

  it('ignores the tag of a ticket that does not exist', () => {
    const decision = threadMail(mail({ subject: `[Ticket#${OTHER}] 障害` }), lookups());
    expect(decision).toEqual({ kind: 'new', reason: 'tag-of-unknown-ticket' });
  });

  it('starts a new ticket when nothing refers to an existing one', () => {
    expect(threadMail(mail({ inReplyTo: '<x@mua>', references: ['<y@mua>'] }), lookups())).toEqual({
      kind: 'new',
      reason: 'no-reference',
    });
  });

  it('reopens within the window and starts a successor beyond it', () => {
    const closed = (daysAgo: number) =>
      lookups({ known: [ticket({ status: 'closed', closedAt: new Date(NOW - daysAgo * DAY).toISOString() })] });
    const viaTag = mail({ subject: `Re: [Ticket#${NUMBER}]` });
    expect(threadMail(viaTag, closed(29))).toEqual({ kind: 'follow-up', number: NUMBER, via: 'subject-tag' });
    expect(threadMail(viaTag, closed(31))).toEqual({
      kind: 'new',
      reason: 'closed-beyond-reopen-window',
      refersTo: NUMBER,
      via: 'subject-tag',
    });
    const viaReply = mail({ inReplyTo: '<r@helpdesk.example.jp>' });
    const old = closed(90);
    const withId = { ...old, ticketByMessageId: new Map([['r@helpdesk.example.jp', NUMBER]]) };
    expect(threadMail(viaReply, withId)).toMatchObject({ kind: 'new', refersTo: NUMBER, via: 'in-reply-to' });
  });
});
