// Mail intake on real servers started here (PostgreSQL, Temporal dev server,
// GreenMail), through the product's poller (IDLE) and intake worker, the ticket
// worker beside them. Two loads, one after the other on the same servers:
//   burst:  N mails (default 500) appended to the support INBOX at once;
//   steady: R mails a second (default 50) for S seconds (default 60), each
//           appended at its own moment on a fixed schedule.
// Per mail: arrival (its APPEND done) → durable ticket (the intake's outcome
// recorded, after the ticket's workflow was started). Prints mails per second
// and the delay per mail (p50, p99, max) for each load.
//   npm run bench:mail -- [--mails 500] [--rate 50] [--seconds 60] [--concurrency 16] [--temporal-db sqlite|memory] [--only burst|steady]
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { ImapFlow } from 'imapflow';
import type { Kysely } from 'kysely';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { activityDeps } from '../activities';
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import type { Database } from '../db/schema';
import { loadConfig } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { startGreenMail } from '../scripts/devstack/greenmail';
import { freePort } from '../scripts/devstack/ports';
import { startTemporalDevServer } from '../scripts/devstack/temporal-dev-server';
import { startMailIntake } from '../worker/mail-intake';
import { cpuPerUnit, cpuUseNow } from './cpu-use';
import { createTicketWorker, WORKFLOWS_PATH } from '../worker/ticket-worker';

const { values } = parseArgs({
  options: {
    mails: { type: 'string', default: '500' },
    rate: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '60' },
    concurrency: { type: 'string', default: '16' },
    'temporal-db': { type: 'string', default: 'sqlite' },
    only: { type: 'string' },
    'sqlite-pragma': { type: 'string', multiple: true },
  },
});
const BURST = Number(values.mails);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const CONCURRENCY = Number(values.concurrency);
const TEMPORAL_DB = values['temporal-db'] === 'memory' ? 'memory' : 'sqlite';
const SUPPORT = 'support@desk.test';
// node: the bench, the poller and both workers; temporal: the dev server; java: GreenMail (IMAP and the receipts' SMTP).
const PROGRAMS = ['node', 'temporal', 'java', 'postgres'];

async function main() {
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR') });
  process.env.LOG_LEVEL ??= 'warn';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-intake-'));
  await chmod(dir, 0o755);
  const [postgres, temporalServer, greenMail, bundle] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port })),
    freePort().then((port) => startTemporalDevServer({ port, logFile: path.join(dir, 'temporal.log'), ...(TEMPORAL_DB === 'sqlite' ? { dbFile: path.join(dir, 'temporal.sqlite'), sqlitePragmas: values['sqlite-pragma'] } : {}) })),
    Promise.all([freePort(), freePort()]).then(([smtpPort, imapPort]) => startGreenMail({ smtpPort, imapPort, users: ['support:pw@desk.test'] })),
    bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('ERROR') }),
  ]);
  const db = connectDatabase(postgres.url, { max: 20 });
  await migrateToLatest(db);
  const imapUrl = `${greenMail.imapUrlFor('support')}/INBOX`;
  const config = loadConfig({
    DATABASE_URL: postgres.url,
    TEMPORAL_ADDRESS: temporalServer.address,
    TEMPORAL_TASK_QUEUE: 'bench',
    SUPPORT_ADDRESS: SUPPORT,
    IMAP_URL: imapUrl,
    DATA_DIR: dir,
  });
  const connection = await NativeConnection.connect({ address: temporalServer.address });
  const spamFilter = await openSpamFilter(db, postgres.url);
  const ticketWorker = await createTicketWorker({ connection, namespace: 'default', taskQueue: 'bench', deps: activityDeps(db, config, spamFilter), workflowBundle: bundle });
  const ticketsRunning = ticketWorker.run();
  const intake = await startMailIntake({
    db,
    config,
    connection,
    spamFilter,
    slaPolicy: loadSlaPolicy(),
    workflowBundle: bundle,
    poller: { concurrency: CONCURRENCY },
  });

  const url = new URL(imapUrl);
  // A connection per load: GreenMail drops one left idle while the last load drains.
  const inboxSession = async () => {
    const session = new ImapFlow({ host: url.hostname, port: Number(url.port), secure: false, auth: { user: 'support', pass: 'pw' }, logger: false });
    await session.connect();
    return session;
  };
  console.log(
    `\nmail intake: poller window ${CONCURRENCY}; Temporal dev server persistence: ${TEMPORAL_DB === 'sqlite' ? 'SQLite file (as npm start)' : 'in memory'}; ${os.cpus().length} cores`,
  );
  const cpuUsed: Array<[string, string]> = [];
  console.log('load                      mails   appended in   mails/s   delay p50   delay p99   delay max');
  if (values.only !== 'steady') {
    const mails = await composeMails(BURST, 'burst');
    const inbox = await inboxSession();
    const arrived = new Map<string, number>();
    const cpuBefore = cpuUseNow();
    for (const mail of mails) {
      await inbox.append('INBOX', mail.raw);
      arrived.set(mail.messageId, Date.now());
    }
    await inbox.logout();
    report(`burst of ${BURST}`, await measure(db, arrived));
    await settle(db);
    cpuUsed.push(['burst', cpuPerUnit(cpuBefore, cpuUseNow(), BURST, PROGRAMS)]);
  }
  if (values.only !== 'burst') {
    const mails = await composeMails(RATE * SECONDS, 'steady');
    const inbox = await inboxSession();
    const arrived = new Map<string, number>();
    const cpuBefore = cpuUseNow();
    const start = Date.now() + 100;
    for (const [i, mail] of mails.entries()) {
      const due = start + (i * 1000) / RATE;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      await inbox.append('INBOX', mail.raw);
      arrived.set(mail.messageId, Date.now());
    }
    await inbox.logout();
    report(`${RATE}/s for ${SECONDS} s`, await measure(db, arrived));
    await settle(db);
    cpuUsed.push(['steady', cpuPerUnit(cpuBefore, cpuUseNow(), RATE * SECONDS, PROGRAMS)]);
  }
  // Arrival to the tickets' own work done (their receipts sent): what one mail cost each server.
  for (const [load, use] of cpuUsed) console.log(`CPU ms per mail (${load}): ${use}`);
  console.log('');

  await intake.stop();
  await spamFilter.close();
  ticketWorker.shutdown();
  await ticketsRunning;
  await connection.close();
  await db.destroy();
  await greenMail.stop();
  await temporalServer.stop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}

interface Measured {
  mails: number;
  appendedS: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
}

/** Waits for every mail's intake outcome; from first arrival to last durable ticket, and each mail's delay. */
async function measure(db: Kysely<Database>, arrived: Map<string, number>): Promise<Measured> {
  const ids = [...arrived.keys()];
  const firstArrival = Math.min(...arrived.values());
  const appendedS = (Math.max(...arrived.values()) - firstArrival) / 1000;
  for (;;) {
    const decided = await db
      .selectFrom('intake_messages')
      .select(['message_id', 'decided_at'])
      .where('outcome', '=', 'ticket')
      .where('message_id', 'in', ids)
      .execute();
    if (decided.length >= ids.length) {
      const delays = decided.map((row) => row.decided_at!.getTime() - arrived.get(row.message_id!)!).sort((x, y) => x - y);
      const lastDone = Math.max(...decided.map((row) => row.decided_at!.getTime()));
      const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))];
      return { mails: ids.length, appendedS, perSecond: ids.length / ((lastDone - firstArrival) / 1000), p50: pct(50), p99: pct(99), max: delays[delays.length - 1] };
    }
    if (Date.now() - firstArrival > 20 * 60_000) throw new Error(`only ${decided.length} of ${ids.length} mails taken in after 20 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function report(load: string, m: Measured): void {
  const ms = (n: number) => `${n} ms`.padStart(9);
  console.log(
    `${load.padEnd(24)}${String(m.mails).padStart(7)}${`${m.appendedS.toFixed(1)} s`.padStart(14)}${m.perSecond.toFixed(1).padStart(10)}   ${ms(m.p50)}   ${ms(m.p99)}   ${ms(m.max)}`,
  );
}

/** Between loads: the tickets' own work (receipts, read model) finishes, so the next load starts on a quiet desk. */
async function settle(db: Kysely<Database>): Promise<void> {
  const pending = () =>
    db
      .selectFrom('tickets')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('version', '=', 0)
      .executeTakeFirstOrThrow();
  for (let waited = 0; waited < 60_000 && Number((await pending()).n) > 0; waited += 500) await new Promise((r) => setTimeout(r, 500));
  await new Promise((r) => setTimeout(r, 3000));
}

/** Plain customer mails, half Japanese (ISO-2022-JP as Japanese mailers send), each with its own Message-ID. */
async function composeMails(count: number, load: string): Promise<{ messageId: string; raw: Buffer }[]> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const mails = [];
  for (let i = 0; i < count; i++) {
    const messageId = `<bench-${load}-${i}-${Date.now()}@customer.example.jp>`;
    const japanese = i % 2 === 0;
    const info = await transport.sendMail({
      from: `customer${i}@customer.example.jp`,
      to: SUPPORT,
      subject: japanese ? `サーバが起動しません (${i})` : `Cannot log in (${i})`,
      text: japanese ? '昨日から起動しません。至急ご確認ください。\n'.repeat(5) : 'Since yesterday I cannot log in.\n'.repeat(5),
      messageId,
      ...(japanese ? { textEncoding: 'base64' as const } : {}),
    });
    mails.push({ messageId, raw: info.message as Buffer });
  }
  return mails;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
