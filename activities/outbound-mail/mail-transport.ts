// Where composed messages go: an SMTP server (nodemailer, the bytes as we
// built them) or, without SMTP_URL, .eml files in DATA_DIR/outbox.

import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';

export interface MessageToSend {
  raw: Buffer;
  envelope: { from: string; to: string[] };
  /** A file-system-safe name for the message (the outbox file name). */
  name: string;
}

export interface Delivery {
  /** The server's reply (`250 OK …`), or where the file was written. */
  response: string;
  /** Recipients the server refused while taking the message for the others. */
  rejected: string[];
}

export interface MailTransport {
  send(message: MessageToSend): Promise<Delivery>;
}

/** The whole SMTP transaction must end within this, or it is abandoned (its outcome then unknown). */
const SEND_DEADLINE_MS = 25_000;

export function smtpTransport(smtpUrl: string): MailTransport {
  const transporter = nodemailer.createTransport({
    url: smtpUrl,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  return {
    async send({ raw, envelope }) {
      const info = await transporter.sendMail({ envelope, raw, signal: AbortSignal.timeout(SEND_DEADLINE_MS) });
      return { response: String(info.response ?? ''), rejected: (info.rejected ?? []).map(String) };
    },
  };
}

/** The embedded setup: shows what would have been sent. Written under a temporary name, then renamed. */
export function outboxDirectoryTransport(dir: string): MailTransport {
  return {
    async send({ raw, name }) {
      await mkdir(dir, { recursive: true });
      const file = path.join(dir, `${name}.eml`);
      await writeFile(`${file}.tmp`, raw);
      await rename(`${file}.tmp`, file);
      return { response: `written to ${file}`, rejected: [] };
    },
  };
}

export type FailureKind =
  /** The server refused the message for good (5xx): sending it again gets the same answer. */
  | 'permanent'
  /** Not taken, worth trying again: 4xx, server unreachable, refused login. */
  | 'temporary'
  /** The connection broke or timed out mid-transaction: the server may have taken the message. */
  | 'unknown';

/** Errors that happen before the server could have taken any message. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
const BEFORE_TRANSACTION_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT']);

/** Reads a nodemailer (or file system) error as the desk must treat it. */
export function classifySendError(error: unknown): { kind: FailureKind; reason: string; responseCode?: number } {
  const e = (error ?? {}) as { message?: string; code?: string; originalCode?: string; responseCode?: number; timeoutType?: string; syscall?: string };
  const reason = e.message ?? String(error);
  const code = e.responseCode;
  // A refused login is the desk's configuration, not this message's fault: keep it queued until someone fixes SMTP_URL.
  if (e.code === 'EAUTH' || e.code === 'ENOAUTH') return { kind: 'temporary', reason, responseCode: code };
  if (code !== undefined && code >= 500 && code < 600 && code !== 503) return { kind: 'permanent', reason, responseCode: code };
  if (code !== undefined && code >= 400) return { kind: 'temporary', reason, responseCode: code };
  if (e.code === 'EDNS' || e.code === 'ETLS' || e.code === 'ECONFIG') return { kind: 'temporary', reason };
  if (NOT_CONNECTED.has(e.originalCode ?? '') || NOT_CONNECTED.has(e.code ?? '')) return { kind: 'temporary', reason };
  if (e.code === 'ETIMEDOUT' && BEFORE_TRANSACTION_TIMEOUTS.has(e.timeoutType ?? '')) return { kind: 'temporary', reason };
  // The outbox directory: nothing was written under the final name.
  if (e.syscall !== undefined) return { kind: 'temporary', reason };
  return { kind: 'unknown', reason };
}
