// The Japanese test set: the corpus's own Japanese spam, and Japanese ham made
// from Debian's Japanese manual pages (manpages-ja), each page's opening wrapped
// as a plain ISO-2022-JP mail, the charset the Japanese spam uses too, so that
// the charset alone does not give the answer away.

import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { mailForTokens } from './mail-for-tokens';
import type { CorpusMessage } from './corpus';
import { encodeIso2022Jp } from './iso-2022-jp';

const MAN_DIR = '/usr/share/man/ja';
const MAIL_DIR = join(homedir(), '.cache', 'helpdesk', 'manpages-ja-mails');
/** Pages rendered; only those with enough Japanese text become mails. */
const PAGE_LIMIT = 400;
/** A support mail is a few paragraphs, not a whole manual page. */
const BODY_CHARS = 1500;
const MIN_KANA = 100;

export interface JapaneseMail {
  path: string;
  isSpam: boolean;
  /** For the folds: MD5 of the file name's hash (corpus) or of the content (made-up ham). */
  md5: string;
}

/** Corpus messages with a real amount of kana (kana, not kanji, tells Japanese from Chinese). */
export async function findJapaneseInCorpus(corpus: readonly CorpusMessage[]): Promise<CorpusMessage[]> {
  const found: CorpusMessage[] = [];
  for (const message of corpus) {
    const raw = readFileSync(message.path);
    if (!hasEightBitOrJis(raw)) continue;
    const parsed = mailForTokens(raw);
    if (countKana(parsed.subject + parsed.text + (parsed.html ?? '')) >= 20) found.push(message);
  }
  return found;
}

function hasEightBitOrJis(raw: Buffer): boolean {
  if (raw.includes('\x1b$B') || raw.includes('=?iso-2022-jp?') || raw.includes('=?ISO-2022-JP?')) return true;
  const lower = raw.toString('latin1').toLowerCase();
  if (lower.includes('charset=') && /charset="?(iso-2022-jp|shift_jis|euc-jp|x-sjis|utf-8)/.test(lower)) return true;
  return raw.some((b) => b >= 0x80);
}

function countKana(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x3041 && c <= 0x30fa) count++;
  }
  return count;
}

/** Japanese ham mails made from manpages-ja, written once under ~/.cache/helpdesk. */
export function japaneseHamFromManpages(): JapaneseMail[] {
  ensureManpagesJa();
  mkdirSync(MAIL_DIR, { recursive: true });
  const pages = listPages().slice(0, PAGE_LIMIT);
  const mails: JapaneseMail[] = [];
  for (const page of pages) {
    const path = join(MAIL_DIR, page.name + '.eml');
    if (!existsSync(path)) {
      const mail = pageAsMail(page.name, renderPage(page.file));
      writeFileSync(path, mail ?? '');
    }
    const content = readFileSync(path);
    if (content.length === 0) continue; // page with too little Japanese
    mails.push({ path, isSpam: false, md5: createHash('md5').update(content).digest('hex') });
  }
  return mails;
}

function ensureManpagesJa(): void {
  if (existsSync(MAN_DIR) && spawnSync('groff', ['-v']).status === 0) return;
  console.log('Installing manpages-ja and groff with apt-get ...');
  execFileSync('apt-get', ['update'], { stdio: 'inherit' });
  execFileSync('apt-get', ['install', '-y', 'manpages-ja', 'groff-base'], { stdio: 'inherit' });
}

/** Pages in a stable order, alternating sections so that the set is not all section 1. */
function listPages(): { name: string; file: string }[] {
  const pages: { name: string; file: string }[] = [];
  for (const section of readdirSync(MAN_DIR).sort()) {
    const dir = join(MAN_DIR, section);
    for (const file of readdirSync(dir).sort()) {
      if (file.endsWith('.gz')) pages.push({ name: file.replace(/\.gz$/, ''), file: join(dir, file) });
    }
  }
  // Every k-th page, to spread the sample over all sections.
  const step = Math.max(1, Math.floor(pages.length / PAGE_LIMIT));
  return pages.filter((_, i) => i % step === 0);
}

function renderPage(file: string): string {
  const source = execFileSync('zcat', [file], { maxBuffer: 16 << 20 });
  const result = spawnSync('groff', ['-k', '-Tutf8', '-mandoc', '-P-cbou'], { input: source, maxBuffer: 16 << 20 });
  return result.stdout.toString('utf8');
}

/** Subject from the NAME section, body from the text after it; undefined if the page has little Japanese. */
function pageAsMail(name: string, text: string): string | undefined {
  const lines = text.split('\n').slice(1).map((l) => l.trim()); // first line is the running header
  const nameAt = lines.findIndex((l) => l === '名前' || l === '名称' || l === 'NAME');
  const summary = nameAt >= 0 ? (lines[nameAt + 1] ?? name) : name;
  const body = lines
    .slice(nameAt + 2)
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .slice(0, BODY_CHARS);
  if (countKana(body) < MIN_KANA) return undefined;
  const page = name.replace(/[^A-Za-z0-9]+/g, '-');
  const subject = encodeIso2022Jp(summary.replace(/^.*? - /, '') + ' について');
  const headers = [
    `From: ${page}@${page}.users.example.jp`,
    `Subject: =?ISO-2022-JP?B?${subject.toString('base64')}?=`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-2022-JP',
    'Content-Transfer-Encoding: 7bit',
  ];
  return headers.join('\n') + '\n\n' + encodeIso2022Jp(body).toString('latin1') + '\n';
}
