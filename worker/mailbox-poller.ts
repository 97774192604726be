// Watches the support mailbox over IMAP and feeds each mail to the intake.
//
// INBOX: every message is taken in (takeMail), then moved to Processed, or to
// Junk when it is spam. It leaves INBOX only after its intake workflow has
// finished, i.e. once its ticket or follow-up is durable in Temporal and its
// article in PostgreSQL; a crash before that leaves it in INBOX and the next
// sweep takes it in again, which finds the first intake instead of repeating it.
//
// Folders are also how agents correct the spam filter: a mail taken out of Junk
// back into INBOX is trained ham (and, if it was held as spam, taken in as a
// ticket now); a mail moved into Junk that had become a ticket is trained spam.
//
// New mail wakes the poller through IMAP IDLE; without IDLE it sweeps every few
// seconds. A lost connection is re-opened with backoff.

import { ImapFlow, type FetchMessageObject } from 'imapflow';
import type { Logger } from 'pino';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { decodeMail } from '../activities/mail/decode';
import { mailIdentity } from '../activities/intake/intake-key';
import { findIntake, markInJunk, markTrained, type IntakeRecord } from '../activities/intake/intake-records';
import { IntakeStillRunning, takeMail, type MailIntake } from '../activities/intake/take-mail';
import { messageForTokens } from '../activities/spam/from-decoded-mail';
import type { SpamFilter } from '../activities/spam/spam-filter';
import { maskCredentials } from '../lib/mask-credentials';

const JUNK = 'Junk';
const PROCESSED = 'Processed';

export interface MailboxPollerOptions {
  imapUrl: string;
  intake: MailIntake;
  spamFilter: SpamFilter;
  log: Logger;
  /** Sweep this often even without news (default 60 s with IDLE, 5 s without). */
  sweepEveryMs?: number;
  /** Mails taken in at the same time (default 16). */
  concurrency?: number;
  /** How long a sweep waits for one mail's intake before leaving it in INBOX for the next sweep (default 60 s). */
  intakeWaitMs?: number;
}

/** imap[s]://user:pass@host:port/INBOX → what ImapFlow needs, and the mailbox to watch. */
export function imapSettings(imapUrl: string) {
  const url = new URL(imapUrl);
  const secure = url.protocol === 'imaps:';
  return {
    connection: {
      host: url.hostname,
      port: url.port ? Number(url.port) : secure ? 993 : 143,
      secure,
      auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) },
    },
    inbox: decodeURIComponent(url.pathname.replace(/^\/+/, '')) || 'INBOX',
    /** For log lines: the URL as configured, its password masked. */
    where: maskCredentials(imapUrl),
  };
}

// A mail is held whole (its source) while it is taken in: the window bounds that memory (16 × 25 MB at worst).
const DEFAULT_CONCURRENCY = 16;
// Mails fetched with one FETCH, and the Junk folder read this many at a time.
const FETCH_AT_ONCE = 10;
const LOOK_AGAIN_MS = 200;
const SWEEP_JOIN_MS = 30_000;
const MOVE_BATCH = 50;
const MOVE_AFTER_MS = 500;
const MAX_BACKOFF_MS = 60_000;

export class MailboxPoller {
  private readonly settings;
  private stopped = false;
  private wake?: () => void;
  /** News (new mail, a poke) that came while no one was waiting: the next wait returns at once. */
  private news = false;
  private running?: Promise<void>;
  /** Junk UIDs already looked at, per UIDVALIDITY. */
  private junkSeen = { validity: '', uid: 0 };

  constructor(private readonly options: MailboxPollerOptions) {
    this.settings = imapSettings(options.imapUrl);
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Finishes the sweep in progress (its mails are either moved or left in INBOX), then logs out. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
  }

  /** Sweep now (tests, and a caller who just appended mail). */
  poke(): void {
    this.news = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { log } = this.options;
    let backoff = 1000;
    while (!this.stopped) {
      try {
        await this.session();
        backoff = 1000;
      } catch (error) {
        if (this.stopped) break;
        log.warn({ err: error, imap: this.settings.where, retryInMs: backoff }, 'mail intake: IMAP connection lost; reconnecting');
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  /** One connection's life: sweep, then wait for news, until the connection or the poller ends. */
  private async session(): Promise<void> {
    const client = new ImapFlow({ ...this.settings.connection, logger: false, disableAutoIdle: true, maxIdleTime: 5 * 60_000 });
    let closed = false;
    const gone = new Promise<void>((resolve) => client.once('close', () => ((closed = true), resolve())));
    client.on('error', (error) => this.options.log.warn({ err: error }, 'mail intake: IMAP error'));
    client.on('exists', () => this.poke());
    await client.connect();
    try {
      this.options.log.info({ imap: this.settings.where, mailbox: this.settings.inbox, idle: client.capabilities.has('IDLE') }, 'mail intake: watching mailbox');
      await this.ensureFolders(client);
      const every = this.options.sweepEveryMs ?? (client.capabilities.has('IDLE') ? 60_000 : 5_000);
      while (!this.stopped && !closed) {
        await this.sweepJunk(client);
        await this.sweepInbox(client);
        if (this.stopped || closed) break;
        const idling = client.capabilities.has('IDLE') ? client.idle().catch(() => undefined) : undefined;
        await Promise.race([this.sleep(every), gone]);
        void idling;
      }
    } finally {
      if (!closed) await client.logout().catch(() => client.close());
    }
    if (closed && !this.stopped) throw new Error('the IMAP server closed the connection');
  }

  private sleep(ms: number): Promise<void> {
    if (this.news || this.stopped) {
      this.news = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.news = false;
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
    });
  }

  private async ensureFolders(client: ImapFlow): Promise<void> {
    const existing = new Set((await client.list()).map((box) => box.path));
    for (const folder of [JUNK, PROCESSED]) if (!existing.has(folder)) await client.mailboxCreate(folder);
  }

  /**
   * Takes in every mail in INBOX, and those that arrive meanwhile, with up to
   * `concurrency` in flight at once: a slot freed by one mail goes to the next
   * at once, not after the slowest of a chunk. Moves are sent a batch at a time.
   * New arrivals join for SWEEP_JOIN_MS at most, so that a steady stream of mail
   * still lets the sweep end: then the Junk folder is read, and a mail left in
   * INBOX by a failure is tried again, at the next sweep.
   */
  private async sweepInbox(client: ImapFlow): Promise<void> {
    const lock = await client.getMailboxLock(this.settings.inbox);
    const window = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    const seen = new Set<number>();
    const waiting: number[] = [];
    const inFlight = new Set<Promise<void>>();
    const moves = new PendingMoves();
    const joinUntil = Date.now() + SWEEP_JOIN_MS;
    const look = async () => {
      const uids = (await client.search({ all: true }, { uid: true })) || [];
      for (const uid of uids.sort((a, b) => a - b)) if (!seen.has(uid)) (seen.add(uid), waiting.push(uid));
    };
    try {
      await look();
      while (!this.stopped && (waiting.length > 0 || inFlight.size > 0)) {
        if (moves.due()) await this.move(client, moves.take());
        if (waiting.length === 0 || inFlight.size >= window) {
          // Mail that arrives meanwhile joins this sweep: look again when a mail is done, or every LOOK_AGAIN_MS.
          await Promise.race([...inFlight, new Promise((resolve) => setTimeout(resolve, LOOK_AGAIN_MS))]);
          if (waiting.length === 0 && Date.now() < joinUntil) await look();
          continue;
        }
        const batch = waiting.splice(0, Math.min(FETCH_AT_ONCE, window - inFlight.size));
        for (const message of await client.fetchAll(batch.join(','), { uid: true, source: true }, { uid: true })) {
          const taking: Promise<void> = this.takeOne(message)
            .then((destination) => destination && moves.add(destination.folder, message.uid, destination.intakeKey))
            .catch((error) => this.leftInInbox(message.uid, error))
            .finally(() => inFlight.delete(taking));
          inFlight.add(taking);
        }
      }
      // Stopping: the mails in flight are either through (and moved) or left in INBOX for the next start.
      await Promise.all(inFlight);
      await this.move(client, moves.take());
    } finally {
      lock.release();
    }
  }

  private leftInInbox(uid: number, error: unknown): void {
    if (error instanceof IntakeStillRunning) this.options.log.info({ uid }, error.message);
    else this.options.log.warn({ err: error, uid }, 'mail intake: could not take a mail in; it stays in INBOX');
  }

  private async takeOne(message: FetchMessageObject): Promise<{ folder: string; intakeKey: string } | undefined> {
    const raw = message.source;
    if (!raw) return undefined;
    const identity = mailIdentity(raw);
    const known = (await findIntake(this.options.intake.db, identity.intakeKey)) ?? null;
    // Out of Junk again: an agent says it is not spam. The very bytes the desk filed, not
    // another delivery of the same mail (a second copy differs in its Received headers).
    const corrected = known?.in_junk === true && (await sameBytesAsFiled(this.options.intake.db, known.raw_message_id, identity.sha256));
    if (known && corrected) await this.train(known, raw, 'ham');
    const notSpam = corrected && known?.outcome === 'spam';
    const { record, result } = await takeMail(this.options.intake, raw, 'imap', { notSpam, known, waitMs: this.options.intakeWaitMs ?? 60_000 });
    return { folder: result.outcome === 'spam' ? JUNK : PROCESSED, intakeKey: record.intake_key };
  }

  /** One MOVE per folder for the whole batch, then one UPDATE of where they lie. */
  private async move(client: ImapFlow, moves: Map<string, Array<{ uid: number; intakeKey: string }>>): Promise<void> {
    for (const [folder, mails] of moves) {
      await client.messageMove(mails.map((m) => m.uid).join(','), folder, { uid: true });
      await markInJunk(this.options.intake.db, mails.map((m) => m.intakeKey), folder === JUNK);
      this.options.log.debug({ folder, count: mails.length }, 'mail intake: moved');
    }
  }

  /** Mails an agent moved into Junk: those the desk had let through are trained spam. */
  private async sweepJunk(client: ImapFlow): Promise<void> {
    const lock = await client.getMailboxLock(JUNK);
    try {
      const mailbox = client.mailbox;
      const validity = mailbox ? String(mailbox.uidValidity) : '';
      if (validity !== this.junkSeen.validity) this.junkSeen = { validity, uid: 0 };
      const uids = ((await client.search({ uid: `${this.junkSeen.uid + 1}:*` }, { uid: true })) || []).filter((uid) => uid > this.junkSeen.uid);
      for (let i = 0; i < uids.length; i += FETCH_AT_ONCE) {
        const messages = await client.fetchAll(uids.slice(i, i + FETCH_AT_ONCE).join(','), { uid: true, source: true }, { uid: true });
        for (const message of messages) {
          if (message.source) await this.filedAsJunk(message.source);
          this.junkSeen.uid = Math.max(this.junkSeen.uid, message.uid);
        }
      }
    } finally {
      lock.release();
    }
  }

  private async filedAsJunk(raw: Buffer): Promise<void> {
    const record = await findIntake(this.options.intake.db, mailIdentity(raw).intakeKey);
    if (!record) return; // never came through the desk
    if (!record.in_junk) await markInJunk(this.options.intake.db, [record.intake_key], true);
    if (record.outcome !== 'spam' && record.trained !== 'spam') await this.train(record, raw, 'spam');
  }

  private async train(record: IntakeRecord, raw: Buffer, verdict: 'spam' | 'ham'): Promise<void> {
    if (record.trained === verdict) return;
    await this.options.spamFilter.train(`raw:${record.raw_message_id}`, messageForTokens(decodeMail(raw)), verdict);
    await markTrained(this.options.intake.db, record.intake_key, verdict);
    this.options.log.info({ intakeKey: record.intake_key, verdict }, 'mail intake: spam filter trained from a folder move');
  }
}

async function sameBytesAsFiled(db: Kysely<Database>, rawMessageId: string, sha256: string): Promise<boolean> {
  const filed = await db.selectFrom('raw_messages').select('sha256').where('id', '=', rawMessageId).executeTakeFirst();
  return filed?.sha256 === sha256;
}

/** Mails through their intake, gathered for one MOVE per folder: sent when MOVE_BATCH are waiting or the oldest has waited MOVE_AFTER_MS. */
class PendingMoves {
  private byFolder = new Map<string, Array<{ uid: number; intakeKey: string }>>();
  private count = 0;
  private since = 0;

  add(folder: string, uid: number, intakeKey: string): void {
    if (this.count++ === 0) this.since = Date.now();
    if (!this.byFolder.has(folder)) this.byFolder.set(folder, []);
    this.byFolder.get(folder)!.push({ uid, intakeKey });
  }

  due(): boolean {
    return this.count >= MOVE_BATCH || (this.count > 0 && Date.now() - this.since >= MOVE_AFTER_MS);
  }

  take(): Map<string, Array<{ uid: number; intakeKey: string }>> {
    const taken = this.byFolder;
    this.byFolder = new Map();
    this.count = 0;
    return taken;
  }
}
