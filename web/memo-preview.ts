// What outbound mail will do with a memo's text, shown while the agent writes
// it. Pure: no I/O. The decision is the product's own (chooseCharset, which
// composeMessage calls), so the preview cannot drift from what is sent; this
// module only adds the per-character counts the console shows.
//
// The product decides over the whole message: subject, the customer's display
// name and the body. To preview an answer exactly, pass them joined with '\n'
// (the decision is per character and '\n' is ASCII, so joining changes nothing).

import { chooseCharset, findUnencodable, toFullWidthKatakana, type CharsetSetting } from '../activities/mail/iso-2022-jp';

/** MAIL_CHARSET and MAIL_CHARSET_FALLBACK, as outboundMailSettings passes them to composeMessage. */
export type MemoCharsetSettings = CharsetSetting;

export type MemoCharsetPreview = {
  /**
   * 'iso-2022-jp': goes out as plain ISO-2022-JP. 'fallback': MAIL_CHARSET is
   * iso-2022-jp but the text does not fit it. 'utf-8': MAIL_CHARSET is utf-8.
   */
  outcome: 'iso-2022-jp' | 'fallback' | 'utf-8';
  /**
   * The charset the message is actually written in when `outcome` is
   * 'fallback'. Can be 'utf-8' with MAIL_CHARSET_FALLBACK=iso-2022-jp-ms: the
   * product goes to UTF-8 when CP50220 cannot carry the text either (emoji).
   */
  fallbackCharset?: 'utf-8' | 'iso-2022-jp-ms';
  /**
   * What keeps the message out of plain ISO-2022-JP: each distinct character
   * once, in order of first appearance, with how often it occurs.
   */
  offending: { char: string; codePoint: string; count: number }[];
};

export function previewMemoCharset(text: string, settings: MemoCharsetSettings): MemoCharsetPreview {
  const charset = chooseCharset(text, settings);
  if (settings.charset === 'utf-8') return { outcome: 'utf-8', offending: [] };
  if (charset === 'iso-2022-jp') return { outcome: 'iso-2022-jp', offending: [] };
  return { outcome: 'fallback', fallbackCharset: charset, offending: offendingCharacters(text) };
}

function offendingCharacters(text: string): MemoCharsetPreview['offending'] {
  // Counted on the text as the encoder sees it (half-width katakana already
  // full-width), so a count always refers to a character findUnencodable named.
  const counts = new Map(findUnencodable(text, 'iso-2022-jp').map((char) => [char, 0]));
  for (const char of toFullWidthKatakana(text)) {
    const count = counts.get(char);
    if (count !== undefined) counts.set(char, count + 1);
  }
  return [...counts].map(([char, count]) => ({ char, codePoint: codePointLabel(char), count }));
}

function codePointLabel(char: string): string {
  return `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}
