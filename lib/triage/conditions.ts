// One test per `when` field of a rule. Each answers why it holds ("subject has
// "障害"") or null, so a rule's hit can say what matched. A rule matches when
// every field it gives holds; within a field's list any one entry is enough.
// Pure: the arrival time is part of the inquiry, the calendar part of the rule.
import { isOpen, type BusinessCalendar } from '../../workflows/sla/calendar';
import type { Channel } from '../../workflows/ticket-types';
import type { ArrivingInquiry } from './inquiry';

export interface Condition {
  /** Why the inquiry meets it, or null when it does not. */
  test(inquiry: SeenInquiry): string | null;
}

/**
 * Text is compared folded: NFKC (full-width ASCII → ASCII, half-width katakana
 * → full-width) and lower case, so "ＵＲＧＥＮＴ", "urgent" and "Urgent" are one
 * word and "ｻｰﾊﾞ" is "サーバ". No word splitting: a word is found anywhere in the text.
 */
function fold(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

/**
 * Only this much of a body is read: a pattern written carelessly can take
 * very long on a 25 MB mail, and what decides a ticket's queue is near the top.
 */
const BODY_CHARS_READ = 100_000;

type TextPlace = 'subject' | 'body' | 'text';

/** An inquiry with its texts folded once, however many rules look at them. */
export interface SeenInquiry extends ArrivingInquiry {
  folded: { subject: string; body: string };
}

export function seen(inquiry: ArrivingInquiry): SeenInquiry {
  return { ...inquiry, folded: { subject: fold(inquiry.subject), body: fold(inquiry.body.slice(0, BODY_CHARS_READ)) } };
}

function foldedText({ folded }: SeenInquiry, place: TextPlace): string[] {
  if (place === 'subject') return [folded.subject];
  if (place === 'body') return [folded.body];
  return [folded.subject, folded.body];
}

const PLACE_WORDS: Record<TextPlace, string> = { subject: 'subject', body: 'body', text: 'subject or body' };

export function hasWord(place: TextPlace, words: readonly string[]): Condition {
  const wanted = words.map((w) => ({ word: w, folded: fold(w) }));
  return {
    test: (inquiry) => {
      const texts = foldedText(inquiry, place);
      const found = wanted.find((w) => texts.some((t) => t.includes(w.folded)));
      return found ? `${PLACE_WORDS[place]} has "${found.word}"` : null;
    },
  };
}

export function matchesPattern(place: TextPlace, patterns: readonly RegExp[]): Condition {
  return {
    test: (inquiry) => {
      const texts = foldedText(inquiry, place);
      const found = patterns.find((p) => texts.some((t) => p.test(t)));
      return found ? `${PLACE_WORDS[place]} matches /${found.source}/` : null;
    },
  };
}

export function fromAddress(addresses: readonly string[]): Condition {
  return {
    test: (inquiry) => {
      const found = inquiry.senders.find((s) => addresses.includes(s));
      return found ? `from ${found}` : null;
    },
  };
}

/** A domain also covers its subdomains, as an account's mail domains do. */
export function fromDomain(domains: readonly string[]): Condition {
  return {
    test: (inquiry) => {
      for (const sender of inquiry.senders) {
        const domain = sender.slice(sender.lastIndexOf('@') + 1);
        const found = domains.find((d) => domain === d || domain.endsWith(`.${d}`));
        if (found) return `from domain ${found}`;
      }
      return null;
    },
  };
}

export function toAddress(addresses: readonly string[]): Condition {
  return {
    test: (inquiry) => {
      const found = inquiry.recipients.find((r) => addresses.includes(r));
      return found ? `to ${found}` : null;
    },
  };
}

/** An account is named by its id or by its name (names are unique; case does not matter). */
export function ofAccount(accounts: readonly string[]): Condition {
  const wanted = accounts.map(fold);
  return {
    test: ({ account }) => {
      if (!account) return null;
      return wanted.includes(account.id) || wanted.includes(fold(account.name)) ? `account ${account.id} (${account.name})` : null;
    },
  };
}

export function onPlan(plans: readonly string[]): Condition {
  const wanted = plans.map(fold);
  return {
    test: ({ account }) => (account?.plan !== undefined && wanted.includes(fold(account.plan)) ? `account plan ${account.plan}` : null),
  };
}

/** `image/*` covers every image type; parameters (`; name=…`) are not part of the type. */
export function attachmentType(types: readonly string[]): Condition {
  const covers = (pattern: string, type: string) => (pattern.endsWith('/*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern);
  return {
    test: (inquiry) => {
      for (const file of inquiry.attachments) {
        const type = file.contentType.split(';')[0].trim().toLowerCase();
        const found = types.find((t) => covers(t, type));
        if (found) return `attachment of type ${type}`;
      }
      return null;
    },
  };
}

export function attachmentExtension(extensions: readonly string[]): Condition {
  return {
    test: (inquiry) => {
      for (const file of inquiry.attachments) {
        const name = fold(file.filename ?? '');
        const found = extensions.find((e) => name.endsWith(`.${e}`));
        if (found) return `attachment ${file.filename}`;
      }
      return null;
    },
  };
}

export function onChannel(channels: readonly Channel[]): Condition {
  return { test: (inquiry) => (channels.includes(inquiry.channel) ? `channel ${inquiry.channel}` : null) };
}

/** Inside or outside the opening hours of an SLA calendar (holidays and closed dates included). */
export function atHours(hours: 'inside' | 'outside', calendar: BusinessCalendar): Condition {
  return {
    test: (inquiry) => {
      const open = isOpen(calendar, inquiry.arrivedAt);
      if (open === (hours === 'inside')) return `${hours} business hours (${calendar.name})`;
      return null;
    },
  };
}
