// The ticket tag in a mail subject: `[Ticket#2026112100042]`.
//
// Japanese mailers (and people retyping the subject) write the tag with full-width
// characters: ［Ｔｉｃｋｅｔ＃２０２６１１２１０００４２］, and some desks' customers use the
// lenticular brackets 【Ticket#…】 that are common in Japanese subjects. We accept
// exactly those three bracket pairs ([], ［］, 【】), "Ticket" in any case and width,
// an ASCII or full-width hash, and 13 digits in either width. Anything looser (no
// brackets, other words) would start matching numbers quoted in running text.


/** A character class that accepts an ASCII letter in either case and either width. */
function anyWidthLetter(letter: string): string {
  const upper = letter.toUpperCase();
  const lower = letter.toLowerCase();
  const wide = (c: string) => String.fromCharCode(c.charCodeAt(0) + 0xfee0);
  return `[${upper}${lower}${wide(upper)}${wide(lower)}]`;
}

const WORD_TICKET = [...'ticket'].map(anyWidthLetter).join('');
const OPEN = '[\\[［【]';
const CLOSE = '[\\]］】]';
const HASH = '[#＃]';
const DIGIT = '[0-9０-９]';
const SPACE = '[ \\t\u3000]*';

const TAG_SOURCE = `${OPEN}${SPACE}${WORD_TICKET}${SPACE}${HASH}${SPACE}(${DIGIT}{13})${SPACE}${CLOSE}`;

function tagPattern(flags = ''): RegExp {
  return new RegExp(TAG_SOURCE, flags);
}

function toAsciiDigits(digits: string): string {
  return digits.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/** The ticket number of the first tag in `subject`, in ASCII digits, or null. */
export function findTicketTag(subject: string): string | null {
  const match = tagPattern().exec(subject);
  return match ? toAsciiDigits(match[1]) : null;
}

/** The tag as we write it into subjects. */
export function ticketTag(number: string): string {
  return `[Ticket#${number}]`;
}

// Reply and forward prefixes mailers put in front of a subject, in the spellings we
// meet in Japanese desks: Re:, RE:, Re[2]:, Re(2):, Re^2:, Fw:, Fwd:, the German and
// Nordic AW:/WG:/SV:/VS:, full-width ＲＥ：, and Outlook's Japanese 返信:/転送:.
const PREFIX_WORD = ['re', 'fwd', 'fw', 'aw', 'wg', 'sv', 'vs'].map((w) => [...w].map(anyWidthLetter).join(''));
const COUNTER = '(?:[\\[(（［]\\s*[0-9０-９]+\\s*[\\])）］]|\\^[0-9]+)?';
const REPLY_PREFIX = new RegExp(
  `^[\\s\u3000]*(?:(?:${PREFIX_WORD.join('|')})${SPACE}${COUNTER}|返信|転送)${SPACE}[:：]`,
);
const LEADING_SPACE = /^[\s\u3000]+/;

/** `subject` without reply/forward prefixes and without any ticket tags. */
export function stripReplyNoise(subject: string): string {
  let rest = subject.replace(tagPattern('g'), ' ');
  for (;;) {
    const withoutPrefix = rest.replace(REPLY_PREFIX, '');
    if (withoutPrefix === rest) break;
    rest = withoutPrefix;
  }
  return rest.replace(LEADING_SPACE, '').replace(/[ \t\u3000]{2,}/g, ' ').trimEnd();
}

/** `Re: [Ticket#<number>] <original subject>`, however many replies the subject has been through. */
export function formatReplySubject(number: string, originalSubject: string): string {
  const rest = stripReplyNoise(originalSubject);
  return rest ? `Re: ${ticketTag(number)} ${rest}` : `Re: ${ticketTag(number)}`;
}
