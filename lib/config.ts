import { isIP } from 'node:net';
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
    /** Where managers open the Temporal UI (the console links its lists there); default the dev server's. */
    uiUrl?: string;
  };
  /** The desk's time zone: the console shows times in it. */
  timeZone: string;
  /** Where customers reach this server (PUBLIC_URL, e.g. https://support.example.jp): the portal's sign-in links point here. */
  publicUrl?: string;
  /** Set: use that PostgreSQL. Unset: `npm start` runs the embedded one on `embeddedPgPort`. */
  databaseUrl?: string;
  embeddedPgPort: number;
  /** API_ALLOWED_IPS: addresses and CIDR ranges that may reach the API and console; unset: any. Validated at load. */
  allowedIps?: string[];
  /**
   * TRUSTED_PROXIES: addresses and CIDR ranges of the reverse proxies in front
   * of the API. Only a connection from one of them has its X-Forwarded-For
   * believed; unset: X-Forwarded-For is ignored.
   */
  trustedProxies?: string[];
  supportAddress: string;
  mailingListAddress?: string;
  reopenWindowMs: number;
  autoCloseAfterMs: number;
  logLevel: string;
  /** Inbound mail: imap[s]://user:pass@host:port/INBOX. Unset: no mailbox is watched (the API and the pipe still take mail). */
  imapUrl?: string;
  /** A mail larger than this is kept raw and flagged on its ticket, not opened. */
  maxMessageBytes: number;
  /** DESKS_FILE: the desks this installation serves (lib/desks/desks-file.ts); unset: one desk from SUPPORT_ADDRESS. Checked at start. */
  desksFile?: string;
  /** TRIAGE_RULES_FILE: the rules new tickets are triaged by (lib/triage/); unset: none. Checked at start. */
  triageRulesFile?: string;
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
  /** Prometheus metrics (README "Metrics"). */
  metrics: {
    /** METRICS_PORT: a process running the worker serves /metrics here; unset: it serves none (the API has its own /metrics). */
    port?: number;
    /** METRICS_HOST: the address the worker's metrics server and the SDK's (temporalPort) listen on; an IP address, default 127.0.0.1. */
    host: string;
    /** METRICS_ALLOWED_IPS: who may read /metrics, in the API and the worker alike; default loopback only. */
    allowedIps: string[];
    /** TEMPORAL_METRICS_PORT: the Temporal SDK's own Prometheus exporter (worker and connection metrics); unset: off. */
    temporalPort?: number;
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
      uiUrl: env.TEMPORAL_UI_URL || (env.TEMPORAL_ADDRESS ? undefined : `http://localhost:${intSetting(env, 'TEMPORAL_UI_PORT', 8233)}`),
    },
    timeZone: timeZoneSetting(env),
    publicUrl: publicUrlSetting(env),
    databaseUrl: databaseUrlSetting(env),
    embeddedPgPort: intSetting(env, 'PG_PORT', 5433),
    allowedIps: cidrListSetting(env, 'API_ALLOWED_IPS'),
    trustedProxies: cidrListSetting(env, 'TRUSTED_PROXIES'),
    supportAddress: env.SUPPORT_ADDRESS || 'support@helpdesk.example',
    mailingListAddress: env.MAILING_LIST_ADDRESS || undefined,
    reopenWindowMs: durationSetting(env, 'TICKET_REOPEN_WINDOW', '14d'),
    autoCloseAfterMs: durationSetting(env, 'TICKET_AUTO_CLOSE_AFTER', '7d'),
    logLevel: env.LOG_LEVEL || 'info',
    imapUrl: imapUrlSetting(env),
    maxMessageBytes: byteSizeSetting(env, 'MAX_MESSAGE_BYTES', 25 * 1024 * 1024),
    desksFile: env.DESKS_FILE ? path.resolve(env.DESKS_FILE) : undefined,
    triageRulesFile: env.TRIAGE_RULES_FILE ? path.resolve(env.TRIAGE_RULES_FILE) : undefined,
    mail: {
      smtpUrl: smtpUrlSetting(env),
      templatesDir: env.MAIL_TEMPLATES_DIR ? path.resolve(env.MAIL_TEMPLATES_DIR) : undefined,
      charset: choiceSetting(env, 'MAIL_CHARSET', ['iso-2022-jp', 'utf-8'] as const, 'iso-2022-jp'),
      charsetFallback: choiceSetting(env, 'MAIL_CHARSET_FALLBACK', ['utf-8', 'iso-2022-jp-ms'] as const, 'utf-8'),
    },
    metrics: metricsSettings(env),
  };
}

/** Loopback only: a scraper elsewhere is let in by name (METRICS_ALLOWED_IPS), never by default. */
const METRICS_DEFAULT_ALLOWED = ['127.0.0.0/8', '::1'];

function metricsSettings(env: NodeJS.ProcessEnv): Config['metrics'] {
  const port = optionalPortSetting(env, 'METRICS_PORT');
  const temporalPort = optionalPortSetting(env, 'TEMPORAL_METRICS_PORT');
  // Both listen on METRICS_HOST in the same process: one of them could never start.
  if (port !== undefined && port === temporalPort) throw new ConfigError(`METRICS_PORT and TEMPORAL_METRICS_PORT are both ${port}: give them different ports`);
  const host = env.METRICS_HOST || '127.0.0.1';
  // An address, not a host name: the SDK's exporter takes a socket address ("127.0.0.1:9465") only.
  if (isIP(host) === 0) throw new ConfigError(`METRICS_HOST=${host} is not an IP address (like 127.0.0.1, 0.0.0.0 or ::1; host names are not allowed)`);
  return { port, host, allowedIps: cidrListSetting(env, 'METRICS_ALLOWED_IPS') ?? METRICS_DEFAULT_ALLOWED, temporalPort };
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

/** A port that may be left unset (the part it is for then does not run). */
function optionalPortSetting(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  return raw === undefined || raw === '' ? undefined : intSetting(env, name, 0);
}

/**
 * A comma-separated list of IP addresses and CIDR ranges (10.0.0.0/8,
 * 192.168.1.7, 2001:db8::/32). Anything else stops the start, naming the
 * entry: a host name, a range without its length ("10.0.0.0/"), a length
 * past the family's (/33), "*". A list that is set but empty is refused too,
 * so that a typo never turns an allowlist into "everyone".
 */
function cidrListSetting(env: NodeJS.ProcessEnv, name: string): string[] | undefined {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const entries = raw.split(',').map((s) => s.trim());
  if (entries.every((e) => e === '')) throw new ConfigError(`${name}=${raw} lists no address: give IP addresses or CIDR ranges like 10.0.0.0/8, or leave it unset`);
  return entries.map((entry) => {
    if (entry === '') throw new ConfigError(`${name} has an empty entry (two commas in a row?): ${raw}`);
    const parsed = parseCidr(entry);
    if (typeof parsed === 'string') throw new ConfigError(`${name}: "${entry}" ${parsed}`);
    return entry;
  });
}

export interface Cidr {
  /** The address as written, IPv4-mapped IPv6 (::ffff:a.b.c.d) turned into IPv4. */
  address: string;
  family: 'ipv4' | 'ipv6';
  /** The prefix length: 32 or 128 for a single address. */
  bits: number;
}

/** An address or CIDR range, or why it is not one. */
export function parseCidr(entry: string): Cidr | string {
  const slash = entry.indexOf('/');
  const written = slash < 0 ? entry : entry.slice(0, slash);
  const address = written.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  const version = written.includes('%') ? 0 : isIP(address);
  if (version === 0) return 'is not an IP address or CIDR range (like 10.0.0.0/8, 192.168.1.7 or 2001:db8::/32; host names are not allowed)';
  const max = version === 4 ? 32 : 128;
  const mapped = address !== written ? 96 : 0;
  if (slash < 0) return { address, family: version === 4 ? 'ipv4' : 'ipv6', bits: max };
  const length = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(length)) return `has no prefix length after the "/" (like 10.0.0.0/8)`;
  const bits = Number(length) - mapped;
  if (bits < 0 || bits > max) return `has a prefix length past ${max + mapped}, the most an IPv${version === 4 && !mapped ? 4 : 6} address has`;
  return { address, family: version === 4 ? 'ipv4' : 'ipv6', bits };
}

/** PostgreSQL's URL; anything that is not one stops the start at once, rather than being waited for. */
function databaseUrlSetting(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.DATABASE_URL;
  if (!raw) return undefined;
  // The value is never echoed: it holds a password.
  const example = 'like postgres://user:password@db.example.jp:5432/helpdesk (percent-encode @ / : # ? in the password)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`DATABASE_URL is not a URL ${example}`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// or postgresql://, not ${url.protocol}// (${example})`);
  }
  if (!url.hostname && !url.searchParams.get('host')) throw new ConfigError(`DATABASE_URL names no host: ${example}`);
  return raw;
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
function parseCalendarDuration(text: string): number | undefined {
  const parts = text.trim().match(/^(\d+[smhd])+$/) ? text.trim().match(/\d+[smhd]/g) : null;
  if (!parts) return undefined;
  return parts.reduce((sum, part) => sum + Number(part.slice(0, -1)) * UNIT_MS[part.slice(-1)], 0);
}

function durationSetting(env: NodeJS.ProcessEnv, name: string, fallback: string): number {
  const raw = env[name] || fallback;
  const ms = parseCalendarDuration(raw);
  if (ms === undefined || ms <= 0) throw new ConfigError(`${name}=${raw} is not a duration like "14d", "7d" or "30s"`);
  return ms;
}

function timeZoneSetting(env: NodeJS.ProcessEnv): string {
  const zone = env.DESK_TIME_ZONE || 'Asia/Tokyo';
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new ConfigError(`DESK_TIME_ZONE=${zone} is not a time zone (for example Asia/Tokyo)`);
  }
  return zone;
}

function publicUrlSetting(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.PUBLIC_URL;
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL=${raw} is not a URL (for example https://support.example.jp)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`PUBLIC_URL=${raw} must be http:// or https://`);
  return url.origin;
}
