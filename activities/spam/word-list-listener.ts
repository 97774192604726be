// A dedicated PostgreSQL connection that LISTENs for word-list changes and
// comes back by itself when the connection drops. LISTEN needs a session of
// its own: a pooled connection would be handed to other queries.

import pg from 'pg';

export interface ListenerEvents {
  /** A NOTIFY arrived on the channel. */
  onNotify(): void;
  /** (Re)connected and listening: notifications may have been missed before this. */
  onListening(): void;
  onError(error: unknown): void;
}

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

export class WordListListener {
  private client: pg.Client | undefined;
  private retryMs = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly events: ListenerEvents,
  ) {}

  /** Resolves once listening; rejects if the first connection fails (later drops are retried). */
  async start(): Promise<void> {
    try {
      await this.connect();
    } catch (error) {
      await this.close(); // no retries behind the caller's back: the caller sees the failure
      throw error;
    }
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl, connectionTimeoutMillis: 5000, keepAlive: true });
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.events.onNotify();
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('the LISTEN connection ended')));
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (error) {
      this.client = undefined;
      await client.end().catch(() => {});
      throw error;
    }
    this.retryMs = RETRY_FIRST_MS;
    this.events.onListening();
  }

  private lost(client: pg.Client, error: unknown): void {
    if (this.closed || this.client !== client) return;
    this.client = undefined;
    client.end().catch(() => {});
    this.events.onError(error);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect().catch((error) => {
        this.events.onError(error);
        this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
        this.scheduleReconnect();
      });
    }, this.retryMs);
    this.retryTimer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => {});
  }
}
