import { pino, type DestinationStream, type Logger } from 'pino';
import { maskCredentials } from './mask-credentials';

/**
 * Where log lines go: every line passes through maskCredentials first, so no
 * URL's password reaches the log, whoever wrote the line (our code, an error
 * message of a library, a URL inside an error's stack).
 */
export function maskedDestination(out: { write(line: string): unknown }): DestinationStream {
  return { write: (line: string) => void out.write(maskCredentials(line)) };
}

/** One JSON line per event; a ticket's lines carry `ticket: <number>`. */
export const log: Logger = pino(
  {
    level: process.env.LOG_LEVEL || 'info',
    base: { service: process.env.HELPDESK_SERVICE || 'helpdesk' },
    timestamp: pino.stdTimeFunctions.isoTime,
  },
  maskedDestination(pino.destination({ dest: 1, sync: true })),
);

export function ticketLog(number: string): Logger {
  return log.child({ ticket: number });
}
