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
