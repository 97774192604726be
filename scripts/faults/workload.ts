// What the fault suite runs while a fault happens: phone tickets through their
// whole life over the two APIs (every step with an Idempotency-Key, retried
// against the other API on a 5xx or a dropped connection, as a client behind
// a load balancer would), mails into the support mailbox, and P1 tickets left
// unanswered so that their escalations can be timed. Then it counts what was
// lost, what was done twice, and what came late.
import nodemailer from 'nodemailer';
import { ImapFlow } from 'imapflow';
import { CUSTOMER, SUPPORT, type DeskUser, type ProductionDesk } from '../devstack/production-desk';

/** A client gives up on one step after this long (the fault suite's faults last less). */
const STEP_DEADLINE_MS = 120_000;
/** An escalation acted on later than this after its deadline counts as late. */
const LATE_AFTER_MS = 5_000;
/** A customer mail not in the mailbox this long after the load settled counts as late. */
const MAIL_LATE_AFTER_MS = 30_000;
/**
 * ... and as lost only after this long: a worker killed mid-send leaves its mail
 * 'sending' until the activity times out (60 s) and the send lease is over
 * (120 s), then it is sent again (README: Outbound mail, the remaining window).
 */
const MAIL_LOST_AFTER_MS = 240_000;
const P1_FIRST_RESPONSE_MS = 8_000;

export interface Load {
  lifecycles: number;
  mails: number;
  escalations: number;
}

export interface Outcome {
  inFlight: number;
  lost: number;
  duplicated: number;
  late: number;
  /** Customer mails received more than once (the documented window of outbound mail). */
  mailsReceivedTwice: number;
  notes: string[];
}

interface Started {
  lifecycles: Promise<LifecycleResult>[];
  messageIds: string[];
  escalations: { number: string; openedAt: number }[];
}

interface LifecycleResult {
  number?: string;
  failedStep?: string;
}

export class Workload {
  private turn = 0;

  constructor(
    private readonly desk: ProductionDesk,
    private readonly tag: string,
  ) {}

  /** Starts everything at once; the lifecycles run on while the caller injects its fault. */
  async start(load: Load): Promise<Started> {
    const lifecycles = Array.from({ length: load.lifecycles }, (_, i) => this.lifecycle(i));
    const messageIds: string[] = [];
    for (let i = 0; i < load.mails; i++) {
      const messageId = `<fault-${this.tag}-${i}@example.net>`;
      await this.deliver(messageId, i);
      messageIds.push(messageId);
    }
    const escalations: Started['escalations'] = [];
    for (let i = 0; i < load.escalations; i++) {
      const openedAt = Date.now();
      const created = await this.call('ivan', 'POST', '/api/tickets', `${this.tag}-p1-${i}`, { customer: { email: CUSTOMER }, subject: `至急 ${this.tag} ${i}`, body: '止まりました', priority: 'P1' });
      if (created.status === 201) escalations.push({ number: created.body.number, openedAt });
    }
    return { lifecycles, messageIds, escalations };
  }

  /** Waits for everything started to settle, then counts. */
  async outcome(started: Started, inFlight: number): Promise<Outcome> {
    const notes: string[] = [];
    const results = await Promise.all(started.lifecycles);
    let lost = 0;
    let duplicated = 0;
    for (const result of results) {
      if (result.failedStep || !result.number) {
        lost++;
        notes.push(`lifecycle ${result.number ?? '(not opened)'} stopped at ${result.failedStep}`);
        continue;
      }
      const memos = await this.desk.db.selectFrom('articles').select('id').where('ticket_number', '=', result.number).where('kind', '=', 'memo').execute();
      if (memos.length !== 1) (duplicated += memos.length - 1), notes.push(`ticket ${result.number}: ${memos.length} memos`);
    }
    const tickets = await this.desk.db.selectFrom('tickets').select('number').where('subject', 'like', `ライフサイクル ${this.tag} %`).execute();
    if (tickets.length > results.length) (duplicated += tickets.length - results.length), notes.push(`${tickets.length} lifecycle tickets for ${results.length} lifecycles`);

    const intake = await this.settledIntake(started.messageIds);
    lost += started.messageIds.length - intake.length;
    const mailTickets = await this.desk.db.selectFrom('articles').select('ticket_number').where('message_id', 'in', started.messageIds).where('kind', '=', 'inquiry').execute();
    if (mailTickets.length > started.messageIds.length) duplicated += mailTickets.length - started.messageIds.length;

    let late = await this.lateEscalations(started.escalations, notes);
    const mails = await this.customerMails(results.flatMap((r) => (r.number ? [r.number] : [])));
    lost += mails.missing;
    if (mails.missing) notes.push(`${mails.missing} customer mails not there after ${MAIL_LOST_AFTER_MS / 1000} s`);
    if (mails.lateMs > MAIL_LATE_AFTER_MS) (late++, notes.push(`the last customer mail came ${Math.round(mails.lateMs / 1000)} s after the load settled`));
    return { inFlight, lost, duplicated, late, mailsReceivedTwice: mails.twice, notes };
  }

  private async lifecycle(i: number): Promise<LifecycleResult> {
    const key = (step: string) => `${this.tag}-${i}-${step}`;
    const created = await this.call('ivan', 'POST', '/api/tickets', key('open'), { customer: { email: CUSTOMER }, subject: `ライフサイクル ${this.tag} ${i}`, body: '起動しません', priority: 'P3' });
    if (created.status !== 201) return { failedStep: `open (${created.status})` };
    const number = created.body.number as string;
    const ticket = `/api/tickets/${number}`;
    const steps: [DeskUser, string, string, () => unknown][] = [
      ['alice', 'queue', `${ticket}/queue`, () => ({ queue: 'maintenance-support' })],
      ['alice', 'acknowledge', `${ticket}/acknowledge`, () => ({})],
    ];
    for (const [user, step, route, body] of steps) {
      const answer = await this.call(user, 'POST', route, key(step), body());
      if (answer.status !== 200) return { number, failedStep: `${step} (${answer.status} ${answer.body?.detail ?? ''})` };
    }
    const memo = await this.call('alice', 'POST', `${ticket}/memos`, key('memo'), { body: `回答 ${i}` });
    if (memo.status !== 200) return { number, failedStep: `memo (${memo.status} ${memo.body?.detail ?? ''})` };
    const memoId = memo.body.memoId as string;
    for (const [user, step, route, body] of [
      ['rita', 'review', `${ticket}/memos/${memoId}/review`, { decision: 'approve' }],
      ['alice', 'answer', `${ticket}/answer`, { memoId }],
      ['alice', 'close', `${ticket}/close`, { resolution: `解決 ${i}` }],
    ] as const) {
      const answer = await this.call(user, 'POST', route, key(step), body);
      if (answer.status !== 200) return { number, failedStep: `${step} (${answer.status} ${answer.body?.detail ?? ''})` };
    }
    return { number };
  }

  /** One request, retried with the same key against the other API until it gets an answer that is not a 5xx. */
  private async call(user: DeskUser, method: string, route: string, idempotencyKey: string, body?: unknown): Promise<{ status: number; body: any }> {
    const deadline = Date.now() + STEP_DEADLINE_MS;
    for (;;) {
      const { url } = this.desk.apis[this.turn++ % this.desk.apis.length];
      try {
        const response = await fetch(`${url}${route}`, {
          method,
          headers: { authorization: `Bearer ${this.desk.tokens[user]}`, 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        const parsed = text ? JSON.parse(text) : undefined;
        const inProgress = response.status === 409 && parsed?.title === 'Request in progress';
        if (response.status < 500 && !inProgress) return { status: response.status, body: parsed };
        if (Date.now() > deadline) return { status: response.status, body: parsed };
      } catch (error) {
        if (Date.now() > deadline) return { status: 0, body: { detail: String(error) } };
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async deliver(messageId: string, i: number): Promise<void> {
    const transport = nodemailer.createTransport({ url: this.desk.greenMail.smtpUrl } as never);
    try {
      await transport.sendMail({ from: `sender${i}@example.net`, to: SUPPORT, subject: `メール ${this.tag} ${i}`, text: `本文 ${i}`, messageId });
    } finally {
      transport.close();
    }
  }

  /** The intake rows of these mails once every one is decided (or after two minutes, what there is). */
  private async settledIntake(messageIds: string[]) {
    const deadline = Date.now() + 120_000;
    for (;;) {
      const rows = messageIds.length ? await this.desk.db.selectFrom('intake_messages').select(['message_id', 'ticket_number']).where('message_id', 'in', messageIds).where('outcome', 'is not', null).execute() : [];
      if (rows.length >= messageIds.length || Date.now() > deadline) return rows;
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  private async lateEscalations(escalations: Started['escalations'], notes: string[]): Promise<number> {
    let late = 0;
    for (const { number, openedAt } of escalations) {
      const deadline = Date.now() + 60_000;
      let breach: { actual_at: Date } | undefined;
      while (!breach && Date.now() < deadline) {
        breach = await this.desk.db.selectFrom('sla_events').select('actual_at').where('ticket_number', '=', number).where('kind', '=', 'breach').executeTakeFirst();
        if (!breach) await new Promise((r) => setTimeout(r, 500));
      }
      const breaches = await this.desk.db.selectFrom('sla_events').select('id').where('ticket_number', '=', number).where('kind', '=', 'breach').execute();
      const lateness = breach ? new Date(breach.actual_at).getTime() - (openedAt + P1_FIRST_RESPONSE_MS) : Infinity;
      if (lateness > LATE_AFTER_MS) (late++, notes.push(`ticket ${number} escalated ${breach ? `${Math.round(lateness / 1000)} s late` : 'never'}`));
      if (breaches.length > 1) notes.push(`ticket ${number}: ${breaches.length} breaches recorded`);
    }
    return late;
  }

  /** Each lifecycle's two customer mails (receipt notice, answer), read back from the customer's mailbox. */
  private async customerMails(numbers: string[]): Promise<{ missing: number; twice: number; lateMs: number }> {
    if (numbers.length === 0) return { missing: 0, twice: 0, lateMs: 0 };
    const since = Date.now();
    // Every mail the desk composed for these tickets (a Message-ID is fixed when the mail is composed, before it is sent).
    const composed = async () => new Set((await this.desk.db.selectFrom('outbound_mail').select('message_id').where('ticket_number', 'in', numbers).execute()).map((m) => m.message_id));
    const url = new URL(this.desk.greenMail.imapUrlFor('customer'));
    const client = new ImapFlow({ host: url.hostname, port: Number(url.port), secure: false, auth: { user: 'customer', pass: 'pw' }, logger: false });
    await client.connect();
    try {
      const deadline = Date.now() + MAIL_LOST_AFTER_MS;
      for (;;) {
        const lock = await client.getMailboxLock('INBOX');
        let received: string[];
        try {
          const uids = (await client.search({ all: true }, { uid: true })) || [];
          received = uids.length ? (await client.fetchAll(uids.join(','), { envelope: true }, { uid: true })).map((m) => m.envelope?.messageId ?? '') : [];
        } finally {
          lock.release();
        }
        const expected = await composed();
        const ours = received.filter((id) => expected.has(id));
        const distinct = new Set(ours);
        const missing = 2 * numbers.length - distinct.size;
        if (missing <= 0 || Date.now() > deadline) return { missing: Math.max(0, missing), twice: ours.length - distinct.size, lateMs: Date.now() - since };
        await new Promise((r) => setTimeout(r, 1000));
      }
    } finally {
      await client.logout().catch(() => {});
    }
  }
}
