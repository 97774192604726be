// Exactly once across a crash: the real worker process (`npm run worker`, with
// the IMAP poller) is killed with SIGKILL while it is taking mail in, then
// started again. Every mail ends up taken in once: one ticket and one article
// each, a second delivery of the same mail not taken in again, INBOX empty.
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { startProductProcess, type ProductProcess } from '../../scripts/devstack/product-process';
import { eventually } from '../support/stack';
import { composeMail, deliver, mailboxClient, messageIdsIn, startIntakeEnv, SUPPORT, type IntakeEnv } from './mail-intake.support';

const STARTUP_MS = 300_000;
const MAILS = 24;

let env: IntakeEnv;
let agentClient: ImapFlow;
let worker: ProductProcess | undefined;

beforeAll(async () => {
  env = await startIntakeEnv({ inProcess: false });
  agentClient = await mailboxClient(env.greenMail);
}, STARTUP_MS);

afterAll(async () => {
  worker?.signal('SIGKILL');
  await agentClient?.logout().catch(() => {});
  await env?.stop();
});

/** `npm run worker` against the test's servers, in a process group of its own. */
function startWorker(): ProductProcess {
  return startProductProcess('worker', 'worker', {
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    DATABASE_URL: inject('databaseUrl'),
    TEMPORAL_TASK_QUEUE: env.stack.taskQueue,
    IMAP_URL: env.imapUrl,
    SUPPORT_ADDRESS: SUPPORT,
    LOG_LEVEL: 'info',
  });
}

const customer = (i: number) => `crash-${i}-${env.run}@example.jp`;
const messageId = (i: number) => `<crash-${i}-${env.run}@example.jp>`;

async function decidedCount(): Promise<number> {
  const row = await env.stack.db
    .selectFrom('intake_messages')
    .innerJoin('raw_messages', 'raw_messages.id', 'intake_messages.raw_message_id')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('intake_messages.outcome', 'is not', null)
    .where('raw_messages.raw', 'like', Buffer.from(`%${env.run}%`) as never)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

it(
  'a worker killed mid-intake and restarted takes every mail in exactly once',
  async () => {
    const mails: Buffer[] = [];
    for (let i = 0; i < MAILS; i++) {
      mails.push(await composeMail({ from: customer(i), subject: `障害 ${i}`, text: `本文 ${i}`, messageId: messageId(i) }));
    }
    // A mail without a Message-ID (identified by its bytes), delivered twice.
    const anonymous = Buffer.from(`From: ${customer(MAILS)}\r\nTo: ${SUPPORT}\r\nSubject: no id ${env.run}\r\n\r\nno Message-ID here\r\n`);
    for (const mail of mails) await deliver(env.greenMail, mail);
    await deliver(env.greenMail, anonymous);
    await deliver(env.greenMail, anonymous);
    await deliver(env.greenMail, mails[0]); // the same mail delivered a second time

    worker = startWorker();
    await eventually(async () => (await decidedCount()) >= 1, 120_000).catch((error) => {
      throw new Error(`${error.message}\n${worker!.output()}`);
    });
    worker.signal('SIGKILL');
    await worker.exited;
    const atKill = await decidedCount();
    const leftInInbox = (await messageIdsIn(agentClient, 'INBOX')).length;

    worker = startWorker();
    await eventually(async () => (await messageIdsIn(agentClient, 'INBOX')).length === 0, 180_000).catch((error) => {
      throw new Error(`${error.message}\n${worker!.output()}`);
    });
    const last = worker;
    await last.stop();
    worker = undefined;
    const output = () => last.output();

    console.log(`killed with ${atKill} of ${MAILS + 1} mails decided and ${leftInInbox} deliveries still in INBOX`);
    const customers = Array.from({ length: MAILS + 1 }, (_, i) => customer(i));
    const tickets = await env.stack.db.selectFrom('tickets').select(['number', 'customer_email']).where('customer_email', 'in', customers).execute();
    if (tickets.length !== MAILS + 1) console.log(`tickets per customer:\n${await ticketsAndIntakes(tickets)}\n${output()}`);
    expect(tickets.length).toBe(MAILS + 1);
    expect(new Set(tickets.map((t) => t.customer_email)).size).toBe(MAILS + 1);
    const articles = await env.stack.db
      .selectFrom('articles')
      .select(['ticket_number', 'kind'])
      .where('ticket_number', 'in', tickets.map((t) => t.number))
      .where('direction', '=', 'inbound')
      .execute();
    expect(articles.length).toBe(MAILS + 1);
    expect(articles.every((a) => a.kind === 'inquiry')).toBe(true);
    expect(await decidedCount()).toBe(MAILS + 1);
    // Every delivery, the duplicates included, has left INBOX for Processed.
    expect((await messageIdsIn(agentClient, 'Processed')).length).toBe(MAILS + 3);
    expect(atKill).toBeLessThan(MAILS + 1);
  },
  STARTUP_MS,
);

/** On a mismatch: each customer's tickets with the intake rows that made them, so the log says how a duplicate came about. */
async function ticketsAndIntakes(tickets: { number: string; customer_email: string }[]): Promise<string> {
  const intakes = await env.stack.db.selectFrom('intake_messages').select(['intake_key', 'ticket_number', 'outcome', 'message_id']).where('ticket_number', 'in', tickets.map((t) => t.number)).execute();
  return tickets
    .sort((a, b) => a.customer_email.localeCompare(b.customer_email))
    .map((t) => `${t.customer_email} ${t.number} ${JSON.stringify(intakes.filter((i) => i.ticket_number === t.number))}`)
    .join('\n');
}
