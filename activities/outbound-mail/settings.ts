import path from 'node:path';
import type { Config } from '../../lib/config';
import type { CharsetSetting } from '../mail/iso-2022-jp';

/** What the outbound-mail activities need from the configuration. */
export interface OutboundMailSettings {
  /** Unset: messages are written as .eml files into `outboxDir` instead of being sent. */
  smtpUrl?: string;
  outboxDir: string;
  templatesDir?: string;
  charset: CharsetSetting;
}

export function outboundMailSettings(config: Config): OutboundMailSettings {
  return {
    smtpUrl: config.mail.smtpUrl,
    outboxDir: path.join(config.dataDir, 'outbox'),
    templatesDir: config.mail.templatesDir,
    charset: { charset: config.mail.charset, fallback: config.mail.charsetFallback },
  };
}
