// `npx helpdesk spam train --spam PATH --ham PATH`: seeds the spam filter's
// word list from mail the operator has sorted. PATH is a folder of mails (one
// message per file, e.g. .eml) or an mbox file; a folder may hold mbox files too.

import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Kysely } from 'kysely';
import { decodeMail } from '../activities/mail/decode';
import type { Verdict } from '../activities/spam/classifier';
import { messageForTokens } from '../activities/spam/from-decoded-mail';
import { isMbox, splitMbox } from '../activities/spam/mbox';
import { spamTrainer, type MessageToTrain } from '../activities/spam/spam-trainer';
import type { TrainingOutcome } from '../activities/spam/training-plan';
import type { Database } from '../db/schema';
import type { Config } from '../lib/config';
import { withDatabase } from './database';
import { ProgressBar } from './progress-bar';
import { UsageError } from './token-command';

export const SPAM_USAGE = `npx helpdesk spam train [--spam <folder|mbox>]... [--ham <folder|mbox>]...`;

/** Messages per transaction: big enough to be quick, small enough that workers catch up in steps. */
const BATCH = 100;

interface SortedMail {
  verdict: Verdict;
  raw: Buffer;
  /** Where it came from, for error messages. */
  source: string;
}

export async function spamCommand(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== 'train') throw new UsageError(`unknown spam command ${verb ?? '(none)'}`);
  const { values } = parseArgs({ args: rest, options: { spam: { type: 'string', multiple: true }, ham: { type: 'string', multiple: true } } });
  if (!values.spam?.length && !values.ham?.length) throw new UsageError('give --spam and/or --ham with a folder of mails or an mbox file');
  const mails = [...readSorted(values.spam ?? [], 'spam'), ...readSorted(values.ham ?? [], 'ham')];
  const summary = await withDatabase(config, (db) => seed(db, mails));
  console.log(describe(summary));
}

function readSorted(paths: string[], verdict: Verdict): SortedMail[] {
  const mails: SortedMail[] = [];
  for (const file of paths.flatMap(mailFiles)) {
    const messages = messagesIn(file);
    messages.forEach((raw, i) => mails.push({ verdict, raw, source: messages.length > 1 ? `${file} #${i + 1}` : file }));
  }
  return mails;
}

/** A file, or the files of a folder (not hidden, not descending into subfolders). */
function mailFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`${path}: no such file or folder`);
  }
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.startsWith('.'))
    .map((entry) => join(path, entry.name))
    .sort();
}

function messagesIn(file: string): Buffer[] {
  const bytes = readFileSync(file);
  if (bytes.length === 0) return [];
  return isMbox(bytes) ? splitMbox(bytes) : [bytes];
}

interface SeedSummary {
  counts: Record<Verdict, Record<TrainingOutcome, number>>;
  failed: string[];
  seconds: number;
  tokens: number;
  totals: { spam: number; ham: number };
}

async function seed(db: Kysely<Database>, mails: SortedMail[]): Promise<SeedSummary> {
  const trainer = spamTrainer(db);
  const counts = { spam: { learned: 0, unchanged: 0, moved: 0 }, ham: { learned: 0, unchanged: 0, moved: 0 } };
  const failed: string[] = [];
  const bar = new ProgressBar(mails.length);
  const started = performance.now();
  for (let i = 0; i < mails.length; i += BATCH) {
    const batch: MessageToTrain[] = [];
    for (const mail of mails.slice(i, i + BATCH)) {
      try {
        batch.push({ key: seedKey(mail.raw), message: messageForTokens(decodeMail(mail.raw)), verdict: mail.verdict });
      } catch (error) {
        failed.push(`${mail.source}: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const { outcomes } = await trainer.trainMany(batch);
    outcomes.forEach((outcome, k) => counts[batch[k].verdict][outcome]++);
    bar.update(Math.min(i + BATCH, mails.length));
  }
  bar.finish();
  const seconds = (performance.now() - started) / 1000;
  const totals = await db.selectFrom('spam_totals').select(['spam_messages', 'ham_messages']).executeTakeFirstOrThrow();
  const tokens = await db.selectFrom('spam_tokens').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return { counts, failed, seconds, tokens: Number(tokens.n), totals: { spam: totals.spam_messages, ham: totals.ham_messages } };
}

/** Seeded mails are known by their bytes: the same file seeded twice counts once. */
export function seedKey(raw: Buffer): string {
  return `seed:${createHash('sha256').update(raw).digest('hex')}`;
}

function describe(s: SeedSummary): string {
  const line = (verdict: Verdict) => {
    const c = s.counts[verdict];
    return `${verdict}: ${c.learned} learned, ${c.unchanged} already known, ${c.moved} moved from ${verdict === 'spam' ? 'ham' : 'spam'}`;
  };
  const total = Object.values(s.counts).reduce((n, c) => n + c.learned + c.unchanged + c.moved, 0);
  return [
    line('spam'),
    line('ham'),
    ...s.failed.map((f) => `not readable: ${f}`),
    `${total} messages in ${s.seconds.toFixed(1)} s (${Math.round(total / Math.max(s.seconds, 0.001))} messages/s)`,
    `word list: ${s.tokens} tokens from ${s.totals.spam} spam and ${s.totals.ham} ham messages`,
  ].join('\n');
}
