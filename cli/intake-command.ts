// `npx helpdesk intake < message.eml`: one mail from stdin, through the same
// intake as the mailbox (its bytes kept, its intake workflow run by the worker),
// for procmail or .forward pipes. Prints {"outcome", "number"} as one JSON line.
// Exit 75 (EX_TEMPFAIL) when Temporal or the database cannot be reached, so the
// MTA keeps the mail and tries again; sending the same mail again is safe.

import { Client, Connection } from '@temporalio/client';
import { takeMail, mailIntakeFor } from '../activities/intake/take-mail';
import { temporalAddressOf, type Config } from '../lib/config';
import { withDatabase } from './database';
import { UsageError } from './token-command';

export const INTAKE_USAGE = 'npx helpdesk intake < message.eml';

/** sysexits.h: a temporary failure; the MTA retries. */
const EX_TEMPFAIL = 75;
const WAIT_MS = 60_000;

export async function intakeCommand(config: Config, args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError(`intake takes the mail on stdin and no arguments (got ${args.join(' ')})`);
  const raw = await readStdin();
  if (raw.length === 0) throw new UsageError('no mail on stdin');
  const connection = await Connection.connect({ address: temporalAddressOf(config), connectTimeout: 5000 }).catch((error) => {
    throw tempFail(`Temporal at ${temporalAddressOf(config)} cannot be reached: ${error instanceof Error ? error.message : String(error)}`);
  });
  try {
    const temporal = new Client({ connection, namespace: config.temporal.namespace });
    const { result } = await withDatabase(config, (db) => takeMail(mailIntakeFor(db, temporal, config), raw, 'pipe', { waitMs: WAIT_MS }));
    process.stdout.write(`${JSON.stringify({ outcome: result.outcome, ...(result.number ? { number: result.number } : {}) })}\n`);
  } catch (error) {
    throw tempFail(error instanceof Error ? error.message : String(error));
  } finally {
    await connection.close();
  }
}

export class TempFail extends Error {
  readonly exitCode = EX_TEMPFAIL;
}

function tempFail(message: string): Error {
  return new TempFail(message);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
