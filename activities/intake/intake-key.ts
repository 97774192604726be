// A mail's identity for "have we taken this in before?": its Message-ID when it
// has one (the same mail delivered twice, or fetched again after a crash, has the
// same one), else the SHA-256 of its bytes.

import { createHash } from 'node:crypto';
import { normalizeMessageId } from './threading';

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

/** The header block, before the first empty line. */
export function headerBlockOf(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  const end = /\r?\n\r?\n/.exec(text);
  return end ? raw.subarray(0, end.index) : raw;
}

/** The Message-ID as written (`<abc@host>`), read from the header block only; null when absent. */
export function messageIdOf(raw: Buffer): string | null {
  const headers = headerBlockOf(raw).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const line = /^message-id:[ \t]*(.*)$/im.exec(headers);
  const id = line ? /<[^<>\s]+>/.exec(line[1]) : null;
  return id ? id[0] : null;
}

export interface MailIdentity {
  /** `mail-<40 hex>`: also the intake workflow's id. */
  intakeKey: string;
  messageId: string | null;
  sha256: string;
}

export function mailIdentity(raw: Buffer): MailIdentity {
  const messageId = messageIdOf(raw);
  const digest = sha256(raw);
  const basis = messageId ? `message-id:${normalizeMessageId(messageId)}` : `sha256:${digest}`;
  return { intakeKey: `mail-${sha256(basis).slice(0, 40)}`, messageId, sha256: digest };
}
