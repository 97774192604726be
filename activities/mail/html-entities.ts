// HTML character references, all 2,231 of HTML5's named ones and every numeric
// form, decoded by `entities` (the decoder of htmlparser2 and cheerio, kept to
// the WHATWG table) rather than a hand-kept list that misses `&szlig;` or `&ni;`.
// We only need references decoded, not HTML laid out: a whole HTML-to-text
// library would bring layout rules of its own and change how Japanese lines join.
import { decodeHTML } from 'entities';

/** Decodes every character reference; a no-break space becomes a plain one, so text wraps and tokenizes as written. */
export function decodeHtmlEntities(text: string): string {
  return text.includes('&') ? decodeHTML(text).replace(/\u00a0/g, ' ') : text;
}
