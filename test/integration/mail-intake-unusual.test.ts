// Mail the intake must take in although it is unusual: an mbox "From " line
// before a long header block (procmail, .forward pipes, mbox exports), a NUL
// byte in a text part, and bytes that are not a mail at all. Each is stored raw
// exactly as it came and becomes a ticket; only an empty body is refused. A
// sender that cannot be read as written gets no mail until an agent names one.
import { runHelpdeskCli, type CliRun } from '../support/cli';
import type { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { eventually } from '../support/stack';
import { intakeOutcome, mailboxClient, postMailToIntake, startIntakeEnv, SUPPORT, type IntakeEnv } from './mail-intake.support';

let env: IntakeEnv;
let agentClient: ImapFlow;

beforeAll(async () => {
  env = await startIntakeEnv();
  agentClient = await mailboxClient(env.greenMail);
}, 300_000);

afterAll(async () => {
  await agentClient?.logout().catch(() => {});
  await env?.stop();
});

function pipe(raw: Buffer): Promise<CliRun> {
  return runHelpdeskCli(['intake'], { DATABASE_URL: inject('databaseUrl'), TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: env.stack.taskQueue, SUPPORT_ADDRESS: SUPPORT }, raw);
}

async function articlesOf(number: string) {
  const got = await env.stack.call('alice', 'GET', `/api/tickets/${number}/articles`);
  expect(got.status).toBe(200);
  return got.body.articles as any[];
}

/** The bytes the desk stored for the mail that made this ticket. */
async function storedRawOf(number: string): Promise<Buffer> {
  const row = await env.stack.db
    .selectFrom('intake_messages')
    .innerJoin('raw_messages', 'raw_messages.id', 'intake_messages.raw_message_id')
    .select('raw_messages.raw')
    .where('intake_messages.ticket_number', '=', number)
    .executeTakeFirstOrThrow();
  return row.raw;
}

/** An mbox "From " line, then 60 Received lines (well over 4 KB of headers), then the mail. */
function mboxMail(tag: string): { raw: Buffer; messageId: string; subject: string } {
  const messageId = `<long-headers-${tag}-${env.run}@example.com>`;
  const subject = `Long headers via ${tag} ${env.run}`;
  const received = Array.from(
    { length: 60 },
    (_, i) =>
      `Received: from relay${i}.example.net (relay${i}.example.net [192.0.2.${i + 1}])\r\n` +
      `\tby mx${i}.desk.test (Postfix) with ESMTPS id 4Xk${i}Qz7m${i}; Mon, 1 Dec 2026 10:00:${String(i).padStart(2, '0')} +0900\r\n`,
  ).join('');
  const raw = Buffer.from(
    'From sender@example.com Mon Dec  1 10:00:00 2026\r\n' +
      received +
      'From: Sender Example <sender@example.com>\r\n' +
      `To: ${SUPPORT}\r\n` +
      `Subject: ${subject}\r\n` +
      `Message-ID: ${messageId}\r\n` +
      'Date: Mon, 1 Dec 2026 10:00:00 +0900\r\n' +
      'MIME-Version: 1.0\r\n' +
      'Content-Type: text/plain; charset=utf-8\r\n' +
      '\r\n' +
      'The server does not start since yesterday.\r\n',
    'utf8',
  );
  expect(raw.indexOf('\r\n\r\n')).toBeGreaterThan(4096);
  return { raw, messageId, subject };
}

describe('a mail beginning with an mbox From_ line and more than 4 KB of headers', () => {
  it('POST /api/intake/mail makes it a ticket, its headers read, its raw bytes stored as posted', async () => {
    const { raw, subject } = mboxMail('api');
    const posted = await postMailToIntake(env.stack, raw);
    expect(posted).toMatchObject({ status: 200, body: { outcome: 'ticket', number: expect.any(String) } });
    const number = posted.body.number as string;
    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${number}`);
    expect(ticket.body).toMatchObject({ subject, customer: { email: 'sender@example.com', name: 'Sender Example' } });
    const [article] = await articlesOf(number);
    expect(article.body).toContain('The server does not start');
    expect(article.mail_problems).toBeNull();
    expect((await storedRawOf(number)).equals(raw)).toBe(true);
  });

  it('npx helpdesk intake (a procmail or .forward pipe) reads its headers too', async () => {
    const { raw, subject } = mboxMail('pipe');
    const piped = await pipe(raw);
    expect(piped.code).toBe(0);
    const answer = JSON.parse(piped.stdout) as { outcome: string; number: string };
    expect(answer.outcome).toBe('ticket');
    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${answer.number}`);
    expect(ticket.body).toMatchObject({ subject, customer: { email: 'sender@example.com' } });
    expect((await storedRawOf(answer.number)).equals(raw)).toBe(true);
  });

  it('from the IMAP mailbox too', async () => {
    const { raw, messageId, subject } = mboxMail('imap');
    await agentClient.append('INBOX', raw);
    env.intake!.poller!.poke();
    const record = await intakeOutcome(env.stack, messageId);
    expect(record.outcome).toBe('ticket');
    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${record.ticket_number}`);
    expect(ticket.body).toMatchObject({ subject, customer: { email: 'sender@example.com' } });
  });
});

describe('a NUL byte in a text part', () => {
  it('becomes a ticket whose article text lacks the NUL and says it was removed; the raw bytes keep it', async () => {
    const messageId = `<nul-${env.run}@example.com>`;
    const raw = Buffer.concat([
      Buffer.from(
        'From: Nul Sender <nul@example.com>\r\n' +
          `To: ${SUPPORT}\r\n` +
          'Subject: A log excerpt\r\n' +
          `Message-ID: ${messageId}\r\n` +
          'MIME-Version: 1.0\r\n' +
          'Content-Type: text/plain; charset=utf-8\r\n' +
          'Content-Transfer-Encoding: 8bit\r\n' +
          '\r\n' +
          'The log says: before',
      ),
      Buffer.from([0x00]),
      Buffer.from('after. ログです。\r\n'),
    ]);
    const posted = await postMailToIntake(env.stack, raw);
    expect(posted).toMatchObject({ status: 200, body: { outcome: 'ticket', number: expect.any(String) } });
    const number = posted.body.number as string;
    const [article] = await articlesOf(number);
    expect(article.body).not.toContain('\u0000');
    expect(article.body).toContain('The log says: beforeafter. ログです。');
    expect(article.mail_problems).toEqual(expect.arrayContaining([expect.stringMatching(/body text.*1 NUL/)]));
    const stored = await storedRawOf(number);
    expect(stored.equals(raw)).toBe(true);
    expect(stored.includes(0x00)).toBe(true);
  });
});

describe('bodies that are not a mail', () => {
  it('200 bytes of garbage are stored as they came and become a ticket that says what was wrong; an empty body is 400', async () => {
    // A fixed pseudo-random sequence (a NUL, high bytes, line breaks), the same every run but for its last 8 bytes.
    let seed = 0x2f6b1d;
    const garbage = Buffer.from(Array.from({ length: 192 }, (_, i) => (i === 3 ? 0 : ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) & 0xff)));
    const raw = Buffer.concat([Buffer.from([0xff, 0xfe, 0x01]), garbage.subarray(3), Buffer.from(env.run, 'latin1')]);
    expect(raw.length).toBe(200);
    const posted = await postMailToIntake(env.stack, raw);
    expect(posted).toMatchObject({ status: 200, body: { outcome: 'ticket', number: expect.any(String) } });
    const number = posted.body.number as string;
    expect((await storedRawOf(number)).equals(raw)).toBe(true);
    const ticket = await env.stack.call('alice', 'GET', `/api/tickets/${number}`);
    expect(ticket.body).toMatchObject({ subject: '(not a mail)', channel: 'email', status: expect.any(String) });
    const [article] = await articlesOf(number);
    expect(article.mail_problems).toEqual(expect.arrayContaining([expect.stringMatching(/not a mail/)]));
    expect(article.body).not.toContain('\u0000');
    // The same bytes again: the same ticket (the intake key is the bytes' SHA-256).
    expect(await postMailToIntake(env.stack, raw)).toEqual(posted);

    // Only an empty body is refused.
    const empty = await postMailToIntake(env.stack, Buffer.alloc(0));
    expect(empty.status).toBe(400);
    expect(empty.body.detail).toMatch(/empty/);
  });
});

describe('a mail whose sender cannot be read as written', () => {
  it('becomes a ticket for nobody: no mail goes out until an agent sets the requester, and then goes to that address only', async () => {
    const messageId = `<broken-from-${env.run}@example.com>`;
    const raw = Buffer.from(
      'From: <power quadrant system@example.com>\r\n' +
        `To: ${SUPPORT}\r\n` +
        `Subject: Broken sender ${env.run}\r\n` +
        `Message-ID: ${messageId}\r\n` +
        'Date: Mon, 1 Dec 2026 10:00:00 +0900\r\n' +
        'Content-Type: text/plain; charset=utf-8\r\n' +
        '\r\n' +
        'The quadrant is not powering up.\r\n',
      'utf8',
    );
    const posted = await postMailToIntake(env.stack, raw);
    expect(posted.status).toBe(200);
    const number = posted.body.number as string;
    const [article] = await articlesOf(number);
    // Never rewritten into somebody else's address (nodemailer's parser would give system@example.com).
    expect(JSON.stringify(article)).not.toContain('system@example.com"');
    expect(JSON.stringify(article)).toContain('cannot be read as an address as written');
    const ticket = `/api/tickets/${number}`;
    expect((await env.stack.call('alice', 'GET', ticket)).body.customer.email).toBe('unknown@invalid');

    // The receipt notice has nobody to go to: refused in the outbox, said on the ticket, nothing sent.
    await env.stack.call('alice', 'POST', `${ticket}/queue`, { queue: 'maintenance-support' });
    expect((await env.stack.call('alice', 'POST', `${ticket}/acknowledge`, {})).status).toBe(200);
    const failed = await eventually(() =>
      env.stack.db.selectFrom('ticket_events').select('detail').where('ticket_number', '=', number).where('kind', '=', 'mail_failed').executeTakeFirst(),
    );
    expect(JSON.stringify(failed.detail)).toContain('no address to write to');
    const sent = await env.stack.db.selectFrom('outbound_mail').select('state').where('ticket_number', '=', number).execute();
    expect(sent.map((r) => r.state)).toEqual(['failed']);

    // Once the agent names the customer, the answer goes to that address.
    expect((await env.stack.call('alice', 'POST', `${ticket}/parties`, { requester: { email: `quadrant-${env.run}@example.com` } })).status).toBe(200);
    const memo = await env.stack.call('alice', 'POST', `${ticket}/memos`, { body: 'Please check the power cable.' });
    expect((await env.stack.call('rita', 'POST', `${ticket}/memos/${memo.body.memoId}/review`, { decision: 'approve' })).status).toBe(200);
    expect((await env.stack.call('alice', 'POST', `${ticket}/answer`, { memoId: memo.body.memoId })).status).toBe(200);
    const answer = await eventually(() =>
      env.stack.db.selectFrom('outbound_mail').select(['state', 'envelope_to']).where('ticket_number', '=', number).where('state', '=', 'sent').executeTakeFirst(),
    );
    expect(answer.envelope_to).toContain(`quadrant-${env.run}@example.com`);
    expect(answer.envelope_to).not.toContain('unknown@invalid');
  }, 60_000);
});

