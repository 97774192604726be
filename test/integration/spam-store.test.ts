// The spam filter's word list on a real PostgreSQL: idempotent training,
// verdict flips, concurrent trainers, workers' copies kept current by
// LISTEN/NOTIFY, the ticket's spam-mark activity and the seeding command.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spamActivities } from '../../activities/spam';
import { openSpamFilter, type OpenSpamFilter } from '../../activities/spam/open-spam-filter';
import { spamTrainer } from '../../activities/spam/spam-trainer';
import type { MessageForTokens } from '../../activities/spam/tokenize';
import { WordListCopy } from '../../activities/spam/word-list-copy';
import { connectDatabase } from '../../db/connect';
import type { Database } from '../../db/schema';
import { seedKey } from '../../cli/spam-command';
import { connectTestDatabase } from '../support/database';

let db: Kysely<Database>;
let url: string;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ db, url, close } = await connectTestDatabase());
});

afterAll(async () => {
  await close?.();
});

/** Words no other test trains, so counts can be asserted exactly on a shared database. */
function uniqueMessage(): { tag: string; message: MessageForTokens } {
  const tag = randomBytes(4).toString('hex');
  return { tag, message: { subject: `offer${tag}`, text: `cheap${tag} pills${tag}`, contentTypes: [], charsets: [] } };
}

async function tokenRow(token: string) {
  return db.selectFrom('spam_tokens').select(['spam_count', 'ham_count']).where('token', '=', token).executeTakeFirst();
}

async function totals() {
  return db.selectFrom('spam_totals').select(['spam_messages', 'ham_messages', 'version']).executeTakeFirstOrThrow();
}

describe('training the word list in PostgreSQL', () => {
  it('counts a message once per verdict and moves exactly its counts when the verdict flips', async () => {
    const trainer = spamTrainer(db);
    const { tag, message } = uniqueMessage();
    const key = `test:${tag}`;
    const before = await totals();

    expect(await trainer.train(key, message, 'spam')).toBe('learned');
    expect(await tokenRow(`cheap${tag}`)).toEqual({ spam_count: 1, ham_count: 0 });
    expect(await tokenRow(`subj:offer${tag}`)).toEqual({ spam_count: 1, ham_count: 0 });
    const afterFirst = await totals();
    expect(afterFirst.spam_messages).toBe(before.spam_messages + 1);

    expect(await trainer.train(key, message, 'spam')).toBe('unchanged');
    expect(await tokenRow(`cheap${tag}`)).toEqual({ spam_count: 1, ham_count: 0 });
    expect(await totals()).toEqual(afterFirst);

    // Another text under the same key: the tokens counted the first time move, nothing else.
    const edited = { ...message, text: `cheap${tag} tablets${tag}` };
    expect(await trainer.train(key, edited, 'ham')).toBe('moved');
    expect(await tokenRow(`cheap${tag}`)).toEqual({ spam_count: 0, ham_count: 1 });
    expect(await tokenRow(`pills${tag}`)).toEqual({ spam_count: 0, ham_count: 1 });
    expect(await tokenRow(`tablets${tag}`)).toBeUndefined();
    const afterFlip = await totals();
    expect([afterFlip.spam_messages, afterFlip.ham_messages]).toEqual([before.spam_messages, before.ham_messages + 1]);
    const record = await db.selectFrom('spam_trained_messages').select(['verdict', 'tokens']).where('key', '=', key).executeTakeFirstOrThrow();
    expect(record.verdict).toBe('ham');
    expect(record.tokens).toContain(`pills${tag}`);
  });

  it('counts each message once when two workers train the same messages at the same time', async () => {
    const other = connectDatabase(url, { max: 4 });
    try {
      const { tag } = uniqueMessage();
      const trainers = [spamTrainer(db), spamTrainer(other)];
      const keys = Array.from({ length: 10 }, (_, i) => `test:${tag}:${i}`);
      const message = (i: number): MessageForTokens => ({ subject: '', text: `shared${tag} own${tag}x${i}`, contentTypes: [], charsets: [] });
      const before = await totals();
      await Promise.all(trainers.flatMap((trainer) => keys.map((key, i) => trainer.train(key, message(i), 'spam'))));
      expect(await tokenRow(`shared${tag}`)).toEqual({ spam_count: 10, ham_count: 0 });
      expect(await tokenRow(`own${tag}x3`)).toEqual({ spam_count: 1, ham_count: 0 });
      expect((await totals()).spam_messages).toBe(before.spam_messages + 10);
    } finally {
      await other.destroy();
    }
  });
});

describe('workers keeping the word list in memory', () => {
  let first: OpenSpamFilter;
  let second: OpenSpamFilter;

  beforeAll(async () => {
    [first, second] = await Promise.all([openSpamFilter(db, url), openSpamFilter(db, url)]);
  });

  afterAll(async () => {
    await Promise.all([first?.close(), second?.close()]);
  });

  /** Time until `filter` scores `token` as a telling clue. */
  async function msUntilClue(filter: OpenSpamFilter, message: MessageForTokens, token: string, started: number): Promise<number> {
    for (;;) {
      const { clues } = await filter.score(message);
      if (clues.some((c) => c.token === token)) return performance.now() - started;
      if (performance.now() - started > 5000) throw new Error(`${token} not seen within 5 s`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it("sees another instance's training within a second", async () => {
    const { tag, message } = uniqueMessage();
    expect((await second.score(message)).clues.map((c) => c.token)).not.toContain(`cheap${tag}`);
    const started = performance.now();
    await first.train(`test:${tag}`, message, 'spam');
    // The training instance sees its own training as soon as train() returns.
    expect((await first.score(message)).clues.map((c) => c.token)).toContain(`cheap${tag}`);
    expect(await msUntilClue(second, message, `cheap${tag}`, started)).toBeLessThan(1000);
    expect(second.version).toBe(first.version);
  });

  it('sees training done without a filter (the API, the seeding command) within a second', async () => {
    const { tag, message } = uniqueMessage();
    const started = performance.now();
    await spamTrainer(db).train(`test:${tag}`, message, 'ham');
    const [a, b] = await Promise.all([msUntilClue(first, message, `pills${tag}`, started), msUntilClue(second, message, `pills${tag}`, started)]);
    expect(Math.max(a, b)).toBeLessThan(1000);
  });

  it('reloads the whole list when the training log no longer reaches back to its version', async () => {
    const copy = new WordListCopy(db);
    await copy.load();
    const trainer = spamTrainer(db);
    const { tag, message } = uniqueMessage();
    await trainer.train(`test:${tag}:a`, message, 'spam');
    await trainer.train(`test:${tag}:b`, message, 'spam');
    // As if the log had been pruned while this worker was away.
    await db.deleteFrom('spam_training_log').where('version', '=', String(copy.version + 1)).execute();
    await copy.refresh();
    expect(copy.counts.get(`cheap${tag}`)).toEqual({ spam: 2, ham: 0 });
    expect(copy.version).toBe(Number((await totals()).version));
  });
});

describe('trainTicketAsSpam', () => {
  it("trains the ticket's first inbound message, by its raw mail when it has one", async () => {
    const filter = await openSpamFilter(db, url);
    try {
      const { trainTicketAsSpam } = spamActivities(filter, db);
      const tag = randomBytes(4).toString('hex');
      const number = `test-${tag}`;
      const raw = Buffer.from(`From: win@lottery.example\r\nSubject: prize${tag}\r\n\r\nclaim${tag} your prize\r\n`);
      const rawRow = await db
        .insertInto('raw_messages')
        .values({ sha256: tag, raw, size: raw.length, source: 'test' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const article = (body: string, direction: 'inbound' | 'internal', rawMessageId: string | null) => ({
        ticket_number: number, kind: 'inquiry' as const, direction, channel: 'email', body, raw_message_id: rawMessageId,
      });
      await db.insertInto('articles').values(article('a note first', 'internal', null)).execute();
      await db.insertInto('articles').values(article(`claim${tag} your prize`, 'inbound', rawRow.id)).execute();
      await db.insertInto('articles').values(article(`later${tag}`, 'inbound', null)).execute();

      expect(await trainTicketAsSpam({ number })).toEqual({ key: `raw:${rawRow.id}` });
      const clues = (await filter.score({ subject: `prize${tag}`, text: '', contentTypes: [], charsets: [] })).clues;
      expect(clues.map((c) => c.token)).toContain(`subj:prize${tag}`);
      expect(await tokenRow(`later${tag}`)).toBeUndefined();
      // A retried activity counts once.
      expect(await trainTicketAsSpam({ number })).toEqual({ key: `raw:${rawRow.id}` });
      expect(await tokenRow(`claim${tag}`)).toEqual({ spam_count: 1, ham_count: 0 });

      expect(await trainTicketAsSpam({ number: `test-none-${tag}` })).toEqual({ key: null });
    } finally {
      await filter.close();
    }
  });
});

describe('npx helpdesk spam train', () => {
  const run = promisify(execFile);
  const helpdesk = (...args: string[]) =>
    run(process.execPath, [join(__dirname, '../../bin/helpdesk.js'), 'spam', 'train', ...args], {
      env: { ...process.env, DATABASE_URL: url },
      timeout: 60_000,
    });
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'spam-seed-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('seeds spam from a folder of .eml files and ham from an mbox, once', async () => {
    const tag = randomBytes(4).toString('hex');
    const spamDir = join(dir, 'spam');
    const spams = [0, 1, 2].map((i) => Buffer.from(`From: promo${i}@spam.example\r\nSubject: deal${tag} ${i}\r\n\r\nbuy${tag} now ${i}\r\n`));
    spams.push(readFileSync(join(__dirname, '../fixtures/mail/spamassassin-spam-1-00325-iso-2022-jp.eml')));
    mkdirSync(spamDir);
    spams.forEach((raw, i) => writeFileSync(join(spamDir, `${i}.eml`), raw));
    const hams = [0, 1, 2].map((i) => `From: customer${i}@example.jp\nSubject: invoice${tag} ${i}\n\nplease${tag} send the invoice ${i}\n`);
    const mbox = join(dir, 'ham.mbox');
    writeFileSync(mbox, hams.map((h, i) => `From customer${i}@example.jp Mon Jan  1 00:00:0${i} 2024\n${h}\n`).join(''));

    const first = await helpdesk('--spam', spamDir, '--ham', mbox);
    expect(first.stdout).toContain('spam: 4 learned, 0 already known');
    expect(first.stdout).toContain('ham: 3 learned, 0 already known');
    expect(first.stdout).toMatch(/7 messages in [\d.]+ s \(\d+ messages\/s\)/);
    expect(first.stderr).toBe(''); // no progress bar without a terminal
    expect(await tokenRow(`buy${tag}`)).toEqual({ spam_count: 3, ham_count: 0 });
    expect(await tokenRow(`please${tag}`)).toEqual({ spam_count: 0, ham_count: 3 });
    const keys = await db.selectFrom('spam_trained_messages').select(['key', 'verdict']).where('key', 'in', spams.map(seedKey)).execute();
    expect(keys).toHaveLength(4);
    expect(new Set(keys.map((k) => k.verdict))).toEqual(new Set(['spam']));

    const again = await helpdesk('--spam', spamDir, '--ham', mbox);
    expect(again.stdout).toContain('spam: 0 learned, 4 already known');
    expect(again.stdout).toContain('ham: 0 learned, 3 already known');
    expect(await tokenRow(`buy${tag}`)).toEqual({ spam_count: 3, ham_count: 0 });
  });

  it('refuses a path that does not exist', async () => {
    await expect(helpdesk('--spam', join(dir, 'missing'))).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining('no such file or folder') });
  });
});
