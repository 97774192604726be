// The intake decodes a mail once (decodeMail); the filter must tokenize that
// about as it tokenized mailparser's parse, on which it was tuned.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeMail } from '../../activities/mail/decode';
import { messageForTokens } from '../../activities/spam/from-decoded-mail';
import { parseForTokens } from '../support/mailparser/parse-for-tokens';
import { tokenize } from '../../activities/spam/tokenize';

const fixture = (name: string) => readFileSync(join(__dirname, '../fixtures/mail', name));

async function bothWays(name: string) {
  const raw = fixture(name);
  return { viaDecoded: new Set(tokenize(messageForTokens(decodeMail(raw)))), viaMailparser: new Set(tokenize(await parseForTokens(raw))) };
}

function jaccard(a: Set<string>, b: Set<string>): number {
  const shared = [...a].filter((t) => b.has(t)).length;
  return shared / (a.size + b.size - shared);
}

describe('messageForTokens(decodeMail(raw))', () => {
  it.each([
    'spamassassin-hard-ham-1-00042-iso-2022-jp.eml',
    'spamassassin-spam-1-00325-iso-2022-jp.eml',
    'ja-iso-2022-jp.eml',
    'ja-attachments.eml',
  ])('tokenizes %s as parseForTokens does', async (name) => {
    const { viaDecoded, viaMailparser } = await bothWays(name);
    expect(viaDecoded.size).toBeGreaterThan(50);
    expect(jaccard(viaDecoded, viaMailparser)).toBeGreaterThanOrEqual(0.97);
  });

  it('keeps the MIME structure and attachments as tokens', async () => {
    const { viaDecoded } = await bothWays('ja-attachments.eml');
    const structure = [...viaDecoded].filter((t) => t.startsWith('mime:') || t.startsWith('att:'));
    expect(structure).toEqual(expect.arrayContaining(['mime:multipart/mixed', 'mime:text/plain', 'att:.zip', 'att:.xlsm']));
  });

  it('reads the Shift_JIS subject and sender that mailparser garbles', async () => {
    const { viaDecoded, viaMailparser } = await bothWays('ja-shift_jis.eml');
    for (const token of ['subj:障害', 'from:山田']) {
      expect(viaDecoded.has(token)).toBe(true);
      expect(viaMailparser.has(token)).toBe(false);
    }
  });

  it('names an HTML-only mail text/html, not text/plain', () => {
    const raw = Buffer.from('Subject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Buy <a href="http://cheap.example.com/">now</a></p>\r\n');
    const message = messageForTokens(decodeMail(raw));
    expect(message.contentTypes).toEqual(['text/html']);
    expect(tokenize(message)).toEqual(expect.arrayContaining(['buy', 'now', 'url:cheap.example.com', 'tag:a']));
  });
});
