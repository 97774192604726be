import path from 'node:path';

/**
 * Every setting the product reads, from environment variables only. The names
 * are part of the product's contract (README, docker-compose.yml).
 */
export interface Config {
  port: number;
  dataDir: string;
  temporal: {
    /** Set: use that cluster. Unset: `npm start` runs a dev server on `devPort`. */
    address?: string;
    namespace: string;
    taskQueue: string;
    devPort: number;
    devUiPort: number;
  };
  /** Set: use that PostgreSQL. Unset: `npm start` runs the embedded one on `embeddedPgPort`. */
  databaseUrl?: string;
  embeddedPgPort: number;
  allowedIps?: string[];
  supportAddress: string;
  mailingListAddress?: string;
  reopenWindowMs: number;
  autoCloseAfterMs: number;
  logLevel: string;
  /** Inbound mail: imap[s]://user:pass@host:port/INBOX. Unset: no mailbox is watched (the API and the pipe still take mail). */
  imapUrl?: string;
  /** A mail larger than this is kept raw and flagged on its ticket, not opened. */
  maxMessageBytes: number;
  /** Outbound mail. No smtpUrl: messages are written as .eml files under `<dataDir>/outbox` instead. */
  mail: {
    /** smtp://user:pass@host:587 (STARTTLS when offered) or smtps://user:pass@host:465. */
    smtpUrl?: string;
    /** Files here (receipt_notice.txt, sla_warning.txt, …) replace the built-in templates of the same name. */
    templatesDir?: string;
    charset: 'iso-2022-jp' | 'utf-8';
    /** For a message ISO-2022-JP cannot carry (①, 髙, emoji): UTF-8, or CP50220 labelled ISO-2022-JP. */
    charsetFallback: 'utf-8' | 'iso-2022-jp-ms';
  };
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  return {
    port: intSetting(env, 'PORT', 3000),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    temporal: {
      address: env.TEMPORAL_ADDRESS || undefined,
      namespace: env.TEMPORAL_NAMESPACE || 'default',
      taskQueue: env.TEMPORAL_TASK_QUEUE || 'helpdesk',
      devPort: intSetting(env, 'TEMPORAL_PORT', 7233),
      devUiPort: intSetting(env, 'TEMPORAL_UI_PORT', 8233),
    },
    databaseUrl: env.DATABASE_URL || undefined,
    embeddedPgPort: intSetting(env, 'PG_PORT', 5433),
    allowedIps: env.API_ALLOWED_IPS ? env.API_ALLOWED_IPS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
    supportAddress: env.SUPPORT_ADDRESS || 'support@helpdesk.example',
    mailingListAddress: env.MAILING_LIST_ADDRESS || undefined,
    reopenWindowMs: durationSetting(env, 'TICKET_REOPEN_WINDOW', '14d'),
    autoCloseAfterMs: durationSetting(env, 'TICKET_AUTO_CLOSE_AFTER', '7d'),
    logLevel: env.LOG_LEVEL || 'info',
    imapUrl: imapUrlSetting(env),
    maxMessageBytes: byteSizeSetting(env, 'MAX_MESSAGE_BYTES', 25 * 1024 * 1024),
    mail: {
      smtpUrl: smtpUrlSetting(env),
      templatesDir: env.MAIL_TEMPLATES_DIR ? path.resolve(env.MAIL_TEMPLATES_DIR) : undefined,
      charset: choiceSetting(env, 'MAIL_CHARSET', ['iso-2022-jp', 'utf-8'] as const, 'iso-2022-jp'),
      charsetFallback: choiceSetting(env, 'MAIL_CHARSET_FALLBACK', ['utf-8', 'iso-2022-jp-ms'] as const, 'utf-8'),
    },
  };
}

/** The role and database of the embedded PostgreSQL that `npm start` runs when DATABASE_URL is unset. */
export const EMBEDDED_PG = { user: 'helpdesk', password: 'helpdesk', database: 'helpdesk' };

export function embeddedDatabaseUrl(port: number): string {
  return `postgres://${EMBEDDED_PG.user}:${EMBEDDED_PG.password}@127.0.0.1:${port}/${EMBEDDED_PG.database}`;
}

export function databaseUrlOf(config: Config): string {
  return config.databaseUrl ?? embeddedDatabaseUrl(config.embeddedPgPort);
}

export function temporalAddressOf(config: Config): string {
  return config.temporal.address ?? `127.0.0.1:${config.temporal.devPort}`;
}

function intSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0 || value > 65535) {
    throw new ConfigError(`${name}=${raw} is not a port number`);
  }
  return value;
}

function smtpUrlSetting(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.SMTP_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('SMTP_URL is not a URL like smtp://user:password@mail.example.jp:587');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://, not ${url.protocol}//`);
  return raw;
}

function imapUrlSetting(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.IMAP_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('IMAP_URL is not a URL like imap://user:password@mail.example.jp:143/INBOX');
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') throw new ConfigError(`IMAP_URL must start with imap:// or imaps://, not ${url.protocol}//`);
  return raw;
}

/** A byte count: 26214400, or with a unit: 25MB, 512KB (powers of 1024). */
function byteSizeSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const match = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(raw.trim());
  if (!match || Number(match[1]) <= 0) throw new ConfigError(`${name}=${raw} is not a size like 26214400 or 25MB`);
  const unit = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 }[(match[2] ?? 'b').toLowerCase() as 'b'];
  return Number(match[1]) * unit;
}

function choiceSetting<T extends string>(env: NodeJS.ProcessEnv, name: string, choices: readonly T[], fallback: T): T {
  const raw = (env[name] || fallback).toLowerCase();
  if (!(choices as readonly string[]).includes(raw)) throw new ConfigError(`${name}=${env[name]} must be one of ${choices.join(', ')}`);
  return raw as T;
}

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "14d", "7d", "90s", "1h30m": the settings for ticket periods. */
export function parseDuration(text: string): number | undefined {
  const parts = text.trim().match(/^(\d+[smhd])+$/) ? text.trim().match(/\d+[smhd]/g) : null;
  if (!parts) return undefined;
  return parts.reduce((sum, part) => sum + Number(part.slice(0, -1)) * UNIT_MS[part.slice(-1)], 0);
}

function durationSetting(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  const ms = parseDuration(raw);
  if (ms === undefined || ms <= 0) throw new ConfigError(`${name}=${raw} is not a duration like "14d", "7d" or "30s"`);
  return ms;
}
