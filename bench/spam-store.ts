// The PostgreSQL-backed word list on the SpamAssassin training half: how fast
// seeding trains, how long a worker takes to load the list into memory, how
// soon a second worker sees a training, and the test half's accuracy through
// the intake's decoder (decodeMail → messageForTokens) instead of mailparser.
//
// Run: npx tsx bench/spam-store.ts       (add --scale for a 1M-token load)
// Uses DATABASE_URL's server if set (in a scratch database it drops after),
// otherwise an embedded PostgreSQL in a temporary folder.

import { mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { decodeMail } from '../activities/mail/decode';
import { messageForTokens } from '../activities/spam/from-decoded-mail';
import { openSpamFilter, type OpenSpamFilter } from '../activities/spam/open-spam-filter';
import { tokenize, type MessageForTokens } from '../activities/spam/tokenize';
import { trainWordList } from '../activities/spam/word-list-store';
import { connectDatabase } from '../db/connect';
import { log } from '../lib/log';
import { migrateToLatest } from '../db/migrate';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { freePort } from '../scripts/devstack/ports';
import { isTrainingHalf, loadCorpus } from './spam/corpus';
import { printTable, type LabelledMail, type Outcome } from './spam/results';

const BATCH = 200;
const LOADS = 5;

async function main(): Promise<void> {
  log.level = 'warn';
  const corpus = loadCorpus();
  const train = corpus.filter((m) => isTrainingHalf(m.md5));
  const test = corpus.filter((m) => !isTrainingHalf(m.md5));
  const database = await scratchDatabase();
  const db = connectDatabase(database.url, { max: 4 });
  try {
    await migrateToLatest(db);

    const decodeStart = performance.now();
    const trainMessages = train.map((m) => messageForTokens(decodeMail(readFileSync(m.path))));
    const decodeSeconds = (performance.now() - decodeStart) / 1000;
    const requests = trainMessages.map((message, i) => ({
      key: `bench:${train[i].md5}`,
      verdict: train[i].isSpam ? ('spam' as const) : ('ham' as const),
      tokens: tokenize(message),
    }));
    const trainStart = performance.now();
    for (let i = 0; i < requests.length; i += BATCH) await trainWordList(db, requests.slice(i, i + BATCH));
    const trainSeconds = (performance.now() - trainStart) / 1000;
    console.log(
      `Seeded ${requests.length} training-half messages: decode+tokenize ${rate(requests.length, decodeSeconds)}, ` +
        `database training in batches of ${BATCH} ${rate(requests.length, trainSeconds)} (${trainSeconds.toFixed(1)} s)`,
    );

    const loads: number[] = [];
    let filter: OpenSpamFilter | undefined;
    for (let i = 0; i < LOADS; i++) {
      await filter?.close();
      const heapBefore = process.memoryUsage().heapUsed;
      filter = await openSpamFilter(db, database.url);
      loads.push(filter.loadMs);
      if (i === LOADS - 1) {
        const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
        console.log(`Word list: ${filter.tokenCount} tokens, about ${heapMb.toFixed(0)} MB of heap in memory`);
      }
    }
    loads.sort((a, b) => a - b);
    console.log(`Load into memory (${LOADS} runs): median ${loads[LOADS >> 1].toFixed(0)} ms, min ${loads[0].toFixed(0)} ms, max ${loads[LOADS - 1].toFixed(0)} ms`);

    await measureTraining(filter!, db, database.url, trainMessages.slice(0, 20));
    await measureAccuracy(filter!, test);
    await filter!.close();
    if (process.argv.includes('--scale')) await measureLargeLoad(db, database.url);
  } finally {
    await db.destroy();
    await database.drop();
  }
}

/** Single-message training latency, and how long until a second worker's copy has it. */
async function measureTraining(first: OpenSpamFilter, db: ReturnType<typeof connectDatabase>, url: string, messages: MessageForTokens[]) {
  const second = await openSpamFilter(db, url);
  const trainMs: number[] = [];
  const seenMs: number[] = [];
  for (const [i, message] of messages.entries()) {
    const started = performance.now();
    await first.train(`bench:latency:${i}`, message, 'spam');
    trainMs.push(performance.now() - started);
    while (second.version < first.version) await new Promise((r) => setTimeout(r, 1));
    seenMs.push(performance.now() - started);
  }
  await second.close();
  console.log(
    `One training (train() incl. own catch-up): median ${median(trainMs).toFixed(1)} ms; ` +
      `seen by a second filter after median ${median(seenMs).toFixed(1)} ms, max ${Math.max(...seenMs).toFixed(1)} ms`,
  );
}

/** --scale: the load time of a list ten times the corpus's, padded with made-up tokens. */
async function measureLargeLoad(db: ReturnType<typeof connectDatabase>, url: string) {
  await sql`insert into spam_tokens (token, spam_count, ham_count)
    select 'synthetic:' || n, n % 7, n % 5 + 1 from generate_series(1, 900000) n`.execute(db);
  const filter = await openSpamFilter(db, url);
  console.log(`Load into memory with ${filter.tokenCount} tokens: ${filter.loadMs.toFixed(0)} ms`);
  await filter.close();
}

async function measureAccuracy(filter: OpenSpamFilter, test: LabelledMail[]) {
  const raws = test.map((m) => readFileSync(m.path));
  const outcomes: Outcome[] = [];
  const started = performance.now();
  for (const raw of raws) outcomes.push((await filter.score(messageForTokens(decodeMail(raw)))).outcome);
  const seconds = (performance.now() - started) / 1000;
  printTable('Test half through decodeMail → messageForTokens, DB-backed word list', test, [
    { filter: 'ours (decodeMail)', outcomes, trainSeconds: NaN, scoreSeconds: seconds, trainCount: 0 },
  ]);
}

async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (process.env.DATABASE_URL) {
    const name = `spam_bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        await admin.query(`DROP DATABASE ${name} WITH (FORCE)`);
        await admin.end();
      },
    };
  }
  const dir = mkdtempSync(join(tmpdir(), 'spam-store-bench-'));
  chmodSync(dir, 0o755); // PostgreSQL runs as its own user when we are root
  const server = await startEmbeddedPostgres({ dataDir: join(dir, 'postgres'), port: await freePort() });
  return {
    url: server.url,
    drop: async () => {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

function rate(count: number, seconds: number): string {
  return `${Math.round(count / seconds)} messages/s`;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
