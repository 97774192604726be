// Mail intake throughput on real servers started here (PostgreSQL, Temporal dev
// server, GreenMail): N mails (default 500) are appended to the support INBOX
// over IMAP as fast as the server takes them, while the poller (IDLE) takes
// them in. Per mail: arrival (APPEND done) → durable ticket (the intake
// workflow's outcome recorded, after the ticket workflow was started). Prints
// mails per second and p50/p99 of that delay.
//   npx tsx bench/mail-intake.ts [--mails 500] [--concurrency 8]
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { ImapFlow } from 'imapflow';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { activityDeps } from '../activities';
import { openSpamFilter } from '../activities/spam/open-spam-filter';
import { connectDatabase } from '../db/connect';
import { migrateToLatest } from '../db/migrate';
import { loadConfig } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { startEmbeddedPostgres } from '../scripts/devstack/embedded-postgres';
import { startGreenMail } from '../scripts/devstack/greenmail';
import { freePort } from '../scripts/devstack/ports';
import { startTemporalDevServer } from '../scripts/devstack/temporal-dev-server';
import { startMailIntake } from '../worker/mail-intake';
import { createTicketWorker, WORKFLOWS_PATH } from '../worker/ticket-worker';

const { values } = parseArgs({ options: { mails: { type: 'string', default: '500' }, concurrency: { type: 'string', default: '8' } } });
const MAILS = Number(values.mails);
const CONCURRENCY = Number(values.concurrency);
const SUPPORT = 'support@desk.test';

async function main() {
  Runtime.install({ shutdownSignals: [], logger: new DefaultLogger('ERROR') });
  process.env.LOG_LEVEL ??= 'warn';
  const dir = await mkdtemp(path.join(os.tmpdir(), 'helpdesk-bench-intake-'));
  await chmod(dir, 0o755);
  const [postgres, temporalServer, greenMail, bundle] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: path.join(dir, 'postgres'), port })),
    freePort().then((port) => startTemporalDevServer({ port, logFile: path.join(dir, 'temporal.log') })),
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
  const temporal = new Client({ connection: await Connection.connect({ address: temporalServer.address }) });
  const spamFilter = await openSpamFilter(db, postgres.url);
  const ticketWorker = await createTicketWorker({ connection, namespace: 'default', taskQueue: 'bench', deps: activityDeps(db, config, spamFilter), workflowBundle: bundle });
  const ticketsRunning = ticketWorker.run();
  const intake = await startMailIntake({
    db,
    config,
    connection,
    temporal,
    spamFilter,
    slaPolicy: loadSlaPolicy(),
    workflowBundle: bundle,
    poller: { concurrency: CONCURRENCY },
  });

  const mails = await composeMails(MAILS);
  const url = new URL(imapUrl);
  const client = new ImapFlow({ host: url.hostname, port: Number(url.port), secure: false, auth: { user: 'support', pass: 'pw' }, logger: false });
  await client.connect();
  const arrived = new Map<string, number>();
  const started = Date.now();
  for (const mail of mails) {
    await client.append('INBOX', mail.raw);
    arrived.set(mail.messageId, Date.now());
  }
  const appendedMs = Date.now() - started;
  await client.logout();

  let decided: { message_id: string | null; decided_at: Date | null }[] = [];
  for (;;) {
    decided = await db.selectFrom('intake_messages').select(['message_id', 'decided_at']).where('outcome', '=', 'ticket').execute();
    if (decided.length >= MAILS) break;
    if (Date.now() - started > 20 * 60_000) throw new Error(`only ${decided.length} of ${MAILS} mails taken in after 20 minutes`);
    await new Promise((r) => setTimeout(r, 250));
  }
  const delays = decided.map((row) => row.decided_at!.getTime() - arrived.get(row.message_id!)!).sort((a, b) => a - b);
  const lastDone = Math.max(...decided.map((row) => row.decided_at!.getTime()));
  const totalS = (lastDone - started) / 1000;
  const pct = (p: number) => delays[Math.min(delays.length - 1, Math.floor((p / 100) * delays.length))];
  const tickets = await db.selectFrom('tickets').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

  console.log(
    [
      '',
      `mail intake: ${MAILS} mails appended over IMAP in ${(appendedMs / 1000).toFixed(1)} s; poller concurrency ${CONCURRENCY}; ${os.cpus().length} cores`,
      `  arrival → durable ticket: ${(MAILS / totalS).toFixed(1)} mails/s overall (${totalS.toFixed(1)} s from first APPEND to last ticket)`,
      `  delay per mail: p50 ${pct(50)} ms, p99 ${pct(99)} ms, max ${delays[delays.length - 1]} ms`,
      `  tickets in the read model: ${tickets.n}`,
      '',
    ].join('\n'),
  );

  await intake.stop();
  await spamFilter.close();
  ticketWorker.shutdown();
  await ticketsRunning;
  await connection.close();
  await temporal.connection.close();
  await db.destroy();
  await greenMail.stop();
  await temporalServer.stop();
  await postgres.stop();
  await rm(dir, { recursive: true, force: true });
}

/** Plain customer mails, half Japanese (ISO-2022-JP as Japanese mailers send), each with its own Message-ID. */
async function composeMails(count: number): Promise<{ messageId: string; raw: Buffer }[]> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const mails = [];
  for (let i = 0; i < count; i++) {
    const messageId = `<bench-${i}-${Date.now()}@customer.example.jp>`;
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
