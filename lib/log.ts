import { pino, type Logger } from 'pino';

/** One JSON line per event; a ticket's lines carry `ticket: <number>`. */
export const log: Logger = pino({
  level: process.env.LOG_LEVEL || 'info',
  base: { service: process.env.HELPDESK_SERVICE || 'helpdesk' },
  timestamp: pino.stdTimeFunctions.isoTime,
});

export function ticketLog(number: string): Logger {
  return log.child({ ticket: number });
}
