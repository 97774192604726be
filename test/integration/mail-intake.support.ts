// Shared by the mail intake tests: GreenMail, the product's stack with the
// intake worker and poller, an in-memory spam filter, and mailbox helpers.
import { NativeConnection } from '@temporalio/worker';
import { ImapFlow } from 'imapflow';
import { randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { expect, inject } from 'vitest';
import { score, trainingDelta, type Verdict } from '../../activities/spam/classifier';
import { MemoryTokenCounts } from '../../activities/spam/memory-counts';
import type { MessageForTokens, SpamFilter } from '../../activities/spam/spam-filter';
import { tokenize } from '../../activities/spam/tokenize';
import { loadSlaPolicy } from '../../lib/sla-policy';
import { startGreenMail, type GreenMail } from '../../scripts/devstack/greenmail';
import { freePort } from '../../scripts/devstack/ports';
import type { TriageRule } from '../../lib/triage/rule';
import { startMailIntake, type MailIntakeParts, type RunningMailIntake } from '../../worker/mail-intake';
import { eventually, startTestStack, type TestStack } from '../support/stack';

export const SUPPORT = 'support@desk.test';
export const LIST = 'team@desk.test';
/** Small, so that a test can send a mail larger than the desk opens. */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * A real Bayesian filter on an in-memory word list (the classifier the
 * PostgreSQL-backed filter uses), so these tests neither read nor change the
 * word list other test files share in the run's database.
 */
export class MemorySpamFilter implements SpamFilter {
  readonly counts = new MemoryTokenCounts();
  readonly trained = new Map<string, Verdict>();

  async score(message: MessageForTokens) {
    return score(tokenize(message), this.counts);
  }

  async train(key: string, message: MessageForTokens, verdict: Verdict) {
    this.counts.apply(trainingDelta(tokenize(message), verdict, this.trained.get(key)));
    this.trained.set(key, verdict);
  }
}

/** The product's mail intake worker beside a test stack, as lib/helpdesk.ts starts it, on a connection of its own. */
export interface StackIntake {
  intake: RunningMailIntake;
  stop(): Promise<void>;
}

/**
 * Starts the intake worker for `stack` with an in-memory spam filter (so the
 * file neither reads nor trains the word list other files share). It watches
 * the stack's IMAP_URL when `withPoller` and there is one; otherwise mail comes
 * in over POST /api/intake/mail only.
 */
export async function startStackIntake(
  stack: TestStack,
  options: { withPoller?: boolean; spamFilter?: SpamFilter; triageRules?: readonly TriageRule[]; poller?: MailIntakeParts['poller'] } = {},
): Promise<StackIntake> {
  const connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  const intake = await startMailIntake({
    db: stack.db,
    config: options.withPoller ? stack.config : { ...stack.config, imapUrl: undefined },
    connection,
    spamFilter: options.spamFilter ?? new MemorySpamFilter(),
    slaPolicy: loadSlaPolicy(),
    desks: stack.desks,
    triageRules: options.triageRules,
    workflowBundle: { code: inject('workflowBundle') },
    poller: options.poller,
  });
  return {
    intake,
    async stop() {
      await intake.stop();
      await connection.close();
    },
  };
}

export interface IntakeEnv {
  greenMail: GreenMail;
  stack: TestStack;
  spamFilter: MemorySpamFilter;
  /** The intake worker and poller in this process (absent with `{ inProcess: false }`). */
  intake?: RunningMailIntake;
  imapUrl: string;
  /** Per test run: keeps Message-IDs apart from other files and runs on the shared servers. */
  run: string;
  startIntake(withPoller?: boolean): Promise<RunningMailIntake>;
  stop(): Promise<void>;
}

export async function startIntakeEnv(options: { inProcess?: boolean } = {}): Promise<IntakeEnv> {
  const greenMail = await startGreenMail({ smtpPort: await freePort(), imapPort: await freePort(), users: ['support:pw@desk.test'] });
  const imapUrl = `${greenMail.imapUrlFor('support')}/INBOX`;
  const stack = await startTestStack({ IMAP_URL: imapUrl, SUPPORT_ADDRESS: SUPPORT, MAILING_LIST_ADDRESS: LIST, MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) });
  const spamFilter = new MemorySpamFilter();
  const started: StackIntake[] = [];
  const startIntake = async (withPoller = true) => {
    const one = await startStackIntake(stack, { withPoller, spamFilter, poller: { sweepEveryMs: 2_000, intakeWaitMs: 20_000 } });
    started.push(one);
    return one.intake;
  };
  const env: IntakeEnv = {
    greenMail,
    stack,
    spamFilter,
    intake: options.inProcess === false ? undefined : await startIntake(),
    imapUrl,
    run: randomBytes(4).toString('hex'),
    startIntake,
    async stop() {
      for (const one of started) await one.stop();
      await stack.stop();
      await greenMail.stop();
    },
  };
  return env;
}

/** Delivers a raw mail to the support mailbox over SMTP, as the outside world does. */
export async function deliver(greenMail: GreenMail, raw: Buffer | string, from = 'someone@example.jp'): Promise<void> {
  const transport = nodemailer.createTransport({ url: greenMail.smtpUrl } as never);
  try {
    await transport.sendMail({ envelope: { from, to: [SUPPORT] }, raw });
  } finally {
    transport.close();
  }
}

export interface MailSpec {
  from: string;
  subject: string;
  text: string;
  messageId?: string;
  inReplyTo?: string;
  headers?: Record<string, string>;
  attachments?: { filename: string; content: Buffer; contentType?: string }[];
}

/** A mail as a mailer would write it (nodemailer's MIME composer). */
export async function composeMail(spec: MailSpec): Promise<Buffer> {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({
    from: spec.from,
    to: SUPPORT,
    subject: spec.subject,
    text: spec.text,
    ...(spec.messageId ? { messageId: spec.messageId } : {}),
    ...(spec.inReplyTo ? { inReplyTo: spec.inReplyTo, references: [spec.inReplyTo] } : {}),
    headers: spec.headers,
    attachments: spec.attachments,
  });
  return info.message as Buffer;
}

/** The fixture with its Message-ID replaced, so each run's copy is a mail of its own. */
export function withMessageId(raw: Buffer, messageId: string): Buffer {
  const text = raw.toString('latin1').replace(/^Message-ID:[^\r\n]*/im, `Message-ID: ${messageId}`);
  return Buffer.from(text, 'latin1');
}

/** A second IMAP session, as an agent's (or a customer's) mail client: counts and moves messages. */
export async function mailboxClient(greenMail: GreenMail, login = 'support'): Promise<ImapFlow> {
  const url = new URL(greenMail.imapUrlFor(login));
  const client = new ImapFlow({
    host: url.hostname,
    port: Number(url.port),
    secure: false,
    auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    logger: false,
  });
  await client.connect();
  return client;
}

/** Message-IDs in a folder. */
export async function messageIdsIn(client: ImapFlow, folder: string): Promise<string[]> {
  const lock = await client.getMailboxLock(folder);
  try {
    const uids = (await client.search({ all: true }, { uid: true })) || [];
    if (uids.length === 0) return [];
    const messages = await client.fetchAll(uids.join(','), { uid: true, envelope: true }, { uid: true });
    return messages.map((m) => m.envelope?.messageId ?? '');
  } finally {
    lock.release();
  }
}

/** Moves the message with this Message-ID from one folder to another, as an agent would. */
export async function moveMessage(client: ImapFlow, messageId: string, from: string, to: string): Promise<void> {
  const lock = await client.getMailboxLock(from);
  try {
    const uids = (await client.search({ header: { 'message-id': messageId } }, { uid: true })) || [];
    if (uids.length !== 1) throw new Error(`expected one ${messageId} in ${from}, found ${uids.length}`);
    await client.messageMove(String(uids[0]), to, { uid: true });
  } finally {
    lock.release();
  }
}

/** The intake's record of a mail once it has an outcome. */
export function intakeOutcome(stack: TestStack, messageId: string, timeoutMs = 30_000) {
  return eventually(
    () =>
      stack.db
        .selectFrom('intake_messages')
        .selectAll()
        .where('message_id', '=', messageId)
        .where('outcome', 'is not', null)
        .executeTakeFirst(),
    timeoutMs,
  );
}

/**
 * POST /api/intake/mail as the integrator: the status and the parsed answer.
 * `retryUnavailable`: a 503 (the intake not running yet on a busy machine) is
 * answered by sending the same mail again, for up to a minute.
 */
export async function postMailToIntake(stack: TestStack, raw: Buffer, options: { retryUnavailable?: boolean } = {}): Promise<{ status: number; body: any }> {
  const post = async () => {
    const response = await fetch(`${stack.apiUrl}/api/intake/mail`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.tokens.ivan}`, 'content-type': 'message/rfc822' },
      body: new Uint8Array(raw),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  if (!options.retryUnavailable) return post();
  return eventually(async () => {
    const answer = await post();
    return answer.status === 503 ? undefined : answer;
  }, 60_000);
}

/** A mail that must open a new ticket: its number. */
export async function mailedTicket(stack: TestStack, raw: Buffer): Promise<string> {
  const { status, body } = await postMailToIntake(stack, raw, { retryUnavailable: true });
  expect(status, JSON.stringify(body)).toBe(200);
  expect(body.outcome).toBe('ticket');
  return body.number;
}
