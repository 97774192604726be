// The console's live feed: one LISTEN connection per process, fanned out in
// memory to every open tab, so a hundred tabs cost the database one session
// and no queries. PostgreSQL's NOTIFY is fire-and-forget (whatever arrives
// while nobody listens is gone), so every gap in listening is reported to the
// subscribers as "anything may have changed" rather than papered over.

import { maskCredentials } from '../../lib/mask-credentials';
import pg from 'pg';
import type { Logger } from 'pino';
import { log as defaultLog } from '../../lib/log';

const DESK_CHANGES_CHANNEL = 'desk_changes';

/** Stands for "anything may have changed: refresh everything". */
export const EVERYTHING = '*';

/** One delivery: the distinct ticket numbers written to within one coalescing window, or `['*']`. */
export interface DeskChange {
  readonly seq: number;
  readonly numbers: readonly string[];
}

export type DeskChangeListener = (change: DeskChange) => void;

export interface DeskChangesOptions {
  /** Notifications within this long of the first one are delivered as one change (default 250). */
  coalesceMs?: number;
  /** How many recent changes `since()` can replay (default 500). */
  historySize?: number;
  /** First reconnect delay, doubled after each failure (default 250). */
  retryFirstMs?: number;
  /** Longest reconnect delay (default 5000). */
  retryMaxMs?: number;
  /**
   * How often the connection proves it is alive (default 30 000). A peer that
   * vanishes without a TCP reset would otherwise leave us "listening" to
   * nothing until the kernel's keepalive gives up, which takes many minutes.
   */
  healthCheckMs?: number;
  /** Shown in pg_stat_activity, so operators (and tests) can tell this session apart. */
  applicationName?: string;
  logger?: Logger;
}

const DEFAULTS = {
  coalesceMs: 250,
  historySize: 500,
  retryFirstMs: 250,
  retryMaxMs: 5000,
  healthCheckMs: 30_000,
  applicationName: 'helpdesk desk-changes',
};

// Re-issuing LISTEN is a no-op for the server but a round trip for us, and it
// leaves pg_stat_activity.query reading `LISTEN desk_changes`, unlike a `SELECT 1`.
const LISTEN_SQL = `LISTEN ${DESK_CHANGES_CHANNEL}`;

export class DeskChanges {
  readonly #url: string;
  readonly #options: typeof DEFAULTS;
  readonly #log: Logger;
  readonly #listeners = new Set<DeskChangeListener>();
  readonly #closeListeners = new Set<() => void>();
  readonly #history: DeskChange[] = [];
  // Seqs start at the process's start time in ms and grow by at most one per
  // coalescing window, so a Last-Event-ID from an earlier process (the tab
  // survived a restart) is always below this process's base and is recognised
  // as unknown instead of being mistaken for one of ours.
  readonly #base = Date.now();
  #seq = this.#base;
  #pending = new Set<string>();
  #flushTimer: NodeJS.Timeout | undefined;

  #client: pg.Client | undefined;
  #connecting = false;
  #retryMs: number;
  #retryTimer: NodeJS.Timeout | undefined;
  #healthTimer: NodeJS.Timeout | undefined;
  #everListened = false;
  #gap = false;
  #outageSince: number | undefined;
  #waiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];
  #closed = false;

  constructor(databaseUrl: string, options: DeskChangesOptions = {}) {
    this.#url = databaseUrl;
    const { logger, ...rest } = options;
    this.#options = { ...DEFAULTS, ...definedOnly(rest) };
    this.#log = logger ?? defaultLog;
    this.#retryMs = this.#options.retryFirstMs;
    // Never throws and never blocks: a database that is down at start-up is retried in the background.
    void this.#connect();
  }

  /** The seq of the latest change (the process's base seq before the first one). */
  get seq(): number {
    return this.#seq;
  }

  /** Whether the LISTEN session is up right now. */
  get listening(): boolean {
    return this.#client !== undefined;
  }

  get subscriberCount(): number {
    return this.#listeners.size;
  }

  /** Resolves once the LISTEN session is up (at once if it is); rejects if closed first. */
  ready(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('desk changes: closed'));
    if (this.#client) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  subscribe(listener: DeskChangeListener): () => void {
    if (this.#closed) return () => {};
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Called once when the feed closes, so long-lived streams can end instead of holding a server's close() open. */
  onClose(listener: () => void): () => void {
    if (this.#closed) {
      queueMicrotask(listener);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => void this.#closeListeners.delete(listener);
  }

  /**
   * The changes after `seq`, oldest first; `'too-old'` when some of them have
   * left the buffer or `seq` is not one this process handed out (e.g. it came
   * from before a restart), in which case the caller must refresh everything.
   */
  since(seq: number): DeskChange[] | 'too-old' {
    if (!Number.isSafeInteger(seq) || seq < this.#base || seq > this.#seq) return 'too-old';
    if (seq === this.#seq) return [];
    const oldest = this.#history[0];
    if (!oldest || seq < oldest.seq - 1) return 'too-old';
    // Seqs are consecutive, so the position follows from the number.
    return this.#history.slice(seq - oldest.seq + 1);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#flushTimer);
    clearTimeout(this.#retryTimer);
    clearInterval(this.#healthTimer);
    this.#pending.clear();
    this.#listeners.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.reject(new Error('desk changes: closed'));
    const client = this.#client;
    this.#client = undefined;
    for (const listener of [...this.#closeListeners]) safely(listener, this.#log);
    this.#closeListeners.clear();
    await client?.end().catch(() => {});
  }

  async #connect(): Promise<void> {
    if (this.#closed || this.#client || this.#connecting) return;
    this.#connecting = true;
    let client: pg.Client | undefined;
    try {
      // Inside the try: a malformed URL throws here, and must be retried and logged like any other failure.
      client = this.#newClient();
      await client.connect();
      await client.query(LISTEN_SQL);
    } catch (error) {
      this.#connecting = false;
      await client?.end().catch(() => {});
      this.#failed(error);
      return;
    }
    this.#connecting = false;
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    this.#client = client;
    this.#retryMs = this.#options.retryFirstMs;
    this.#startHealthChecks(client);
    if (this.#outageSince !== undefined) {
      this.#log.info({ database: maskCredentials(this.#url), downMs: Date.now() - this.#outageSince }, 'desk changes: listening again');
      this.#outageSince = undefined;
    }
    // Whatever was written before this session began listening was never seen: tell everyone to refresh.
    // Only the very first session, started before anyone could have rendered a page from us, is exempt.
    if (this.#everListened || this.#gap) this.#noted(undefined);
    this.#everListened = true;
    this.#gap = false;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
  }

  #newClient(): pg.Client {
    const client = new pg.Client({
      connectionString: this.#url,
      application_name: this.#options.applicationName,
      connectionTimeoutMillis: 5000,
      keepAlive: true,
      // Bounds the health check: a LISTEN that does not come back in time means the session is gone.
      query_timeout: 10_000,
    });
    // Attached before connect(): an 'error' with no listener would crash the process.
    client.on('error', (error) => this.#lost(client, error));
    client.on('end', () => this.#lost(client, new Error('the LISTEN connection ended')));
    client.on('notification', (message) => {
      if (client === this.#client && message.channel === DESK_CHANGES_CHANNEL) this.#noted(message.payload);
    });
    return client;
  }

  #startHealthChecks(client: pg.Client): void {
    clearInterval(this.#healthTimer);
    this.#healthTimer = setInterval(() => {
      if (client !== this.#client) return;
      client.query(LISTEN_SQL).catch((error) => this.#lost(client, error));
    }, this.#options.healthCheckMs);
    this.#healthTimer.unref();
  }

  #lost(client: pg.Client, error: unknown): void {
    if (this.#closed || client !== this.#client) return;
    this.#client = undefined;
    clearInterval(this.#healthTimer);
    client.end().catch(() => {});
    this.#failed(error);
  }

  #failed(error: unknown): void {
    if (this.#closed) return;
    this.#gap = true;
    if (this.#outageSince === undefined) {
      this.#outageSince = Date.now();
      // One line per outage: the retries every few seconds would drown the log.
      this.#log.warn(
        { database: maskCredentials(this.#url), reason: withoutPassword(reasonOf(error), this.#url) },
        'desk changes: cannot LISTEN for changes; open console pages will not update until it is back (retrying)',
      );
    }
    if (this.#retryTimer) return;
    const delay = this.#retryMs;
    this.#retryMs = Math.min(this.#retryMs * 2, this.#options.retryMaxMs);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#connect();
    }, delay);
    this.#retryTimer.unref();
  }

  /** `payload` undefined: a gap in listening. */
  #noted(payload: string | undefined): void {
    if (this.#closed) return;
    const number = payload === undefined ? EVERYTHING : numberOf(payload);
    if (number === null) return;
    this.#pending.add(number);
    // Timed from the first notification, not the last: a steady stream of
    // writes must not postpone delivery indefinitely.
    this.#flushTimer ??= setTimeout(() => this.#flush(), this.#options.coalesceMs);
  }

  #flush(): void {
    this.#flushTimer = undefined;
    if (this.#closed || this.#pending.size === 0) return;
    const numbers = this.#pending.has(EVERYTHING) ? [EVERYTHING] : [...this.#pending];
    this.#pending = new Set();
    // Frozen: the one object goes to every subscriber and into the replay buffer.
    const change: DeskChange = Object.freeze({ seq: ++this.#seq, numbers: Object.freeze(numbers) });
    this.#history.push(change);
    if (this.#history.length > this.#options.historySize) this.#history.shift();
    for (const listener of [...this.#listeners]) safely(() => listener(change), this.#log);
  }
}

export function openDeskChanges(databaseUrl: string, options?: DeskChangesOptions): DeskChanges {
  return new DeskChanges(databaseUrl, options);
}

/**
 * The ticket number a notification is about; null for a row with no ticket
 * (an article not yet attached to one), which no ticket page shows; `'*'` for
 * a payload we cannot read, since refreshing too much is harmless and missing
 * a change is not (a bare `NOTIFY desk_changes` thus refreshes every tab).
 */
function numberOf(payload: string): string | null {
  try {
    const parsed: unknown = JSON.parse(payload);
    if (parsed && typeof parsed === 'object' && 'number' in parsed) {
      const number = (parsed as { number: unknown }).number;
      if (typeof number === 'string' && number !== '' && number !== EVERYTHING) return number;
      if (number === null) return null;
    }
  } catch {
    // falls through
  }
  return EVERYTHING;
}

/** Driver messages do not carry the password today; this keeps it so if one ever echoes the URL. */
function withoutPassword(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    password = /password\s*=\s*('[^']*'|\S+)/i.exec(url)?.[1] ?? '';
  }
  return password.length >= 3 ? text.split(password).join('***').split(encodeURIComponent(password)).join('***') : text;
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message || error.name : String(error);
}

function safely(run: () => void, logger: Logger): void {
  try {
    run();
  } catch (error) {
    logger.error({ reason: reasonOf(error) }, 'desk changes: a subscriber threw');
  }
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
