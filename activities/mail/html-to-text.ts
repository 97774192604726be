// An HTML mail body reduced to readable plain text: the one htmlToText of the desk,
// for every HTML part a mail shows (body-choice.ts). Deliberately small: block
// elements become line breaks, tags go, and character references are decoded by the
// `entities` package (html-entities.ts: all of HTML5's named and numeric ones).
// Not the `html-to-text` package: its layout rules (word wrap at 80 columns, links
// written out in brackets, upper-cased headings) would rewrite what the customer
// wrote and join Japanese lines with spaces; the desk keeps the HTML as a file instead.
// (The spam filter's htmlToTokenText is another job: words, tag names and link hosts.)
import { decodeHtmlEntities } from './html-entities';

export function htmlToText(html: string): string {
  const text = html
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/<(head|style|script|title)\b[\s\S]*?<\/\1\s*>/gi, '')
    // Source line breaks are spaces in HTML, except between Japanese/Chinese characters,
    // which take none (Korean does put spaces between words).
    .replace(/([\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])[ \t]*\r?\n\s*(?=[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef])/g, '$1')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<li\b[^>]*>/gi, '\n- ')
    .replace(/<\/(p|div|h[1-6]|tr|table|ul|ol|blockquote|pre)\s*>|<(hr|p|div|tr|table)\b[^>]*>/gi, '\n')
    .replace(/<\/t[dh]\s*>/gi, '\t')
    .replace(/<[^>]*>/g, '');
  return decodeHtmlEntities(text)
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
