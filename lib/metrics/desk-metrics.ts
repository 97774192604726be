// Every metric the desk defines, in one place (README "Metrics" lists them).
// Labels take values from small fixed sets only (channels, outcomes, levels,
// route patterns): a label value per ticket or per path would grow the
// registry without bound.
import { Counter, Histogram } from 'prom-client';
import { registry } from './registry';

const registers = [registry];

export const ticketsOpened = new Counter({
  name: 'helpdesk_tickets_opened_total',
  help: 'Tickets whose workflow was started, by the channel the inquiry came in on',
  labelNames: ['channel'] as const,
  registers,
});

export const mailsTakenIn = new Counter({
  name: 'helpdesk_mails_taken_in_total',
  help: 'Incoming mails the intake decided, by outcome (ticket, follow-up, spam, ignored)',
  labelNames: ['outcome'] as const,
  registers,
});

export const intakeLag = new Histogram({
  name: 'helpdesk_intake_lag_seconds',
  help: 'From a mail being stored on arrival to the intake recording it on a ticket (new ticket or follow-up)',
  // Seconds when the desk keeps up, minutes behind a burst (bench/mail-intake.ts: p99 30 s for 500 at once).
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
  registers,
});

export const mailsSent = new Counter({
  name: 'helpdesk_mails_sent_total',
  help: 'Outgoing mails handed to the SMTP server (or written to the outbox folder)',
  registers,
});

export const mailsFailed = new Counter({
  name: 'helpdesk_mails_failed_total',
  help: 'Outgoing mails given up for good: refused (the server answered 5xx) or unsendable (no address to write to, cannot be composed)',
  labelNames: ['kind'] as const,
  registers,
});

export const slaAlarms = new Counter({
  name: 'helpdesk_sla_alarms_total',
  help: 'SLA warnings and breaches, by the support level the ticket was at',
  labelNames: ['kind', 'level'] as const,
  registers,
});

export const apiRequests = new Counter({
  name: 'helpdesk_api_requests_total',
  help: 'HTTP requests answered by the API and console, by method, route pattern and status',
  labelNames: ['method', 'route', 'status'] as const,
  registers,
});

export const apiRequestDuration = new Histogram({
  name: 'helpdesk_api_request_duration_seconds',
  help: 'Time to answer an HTTP request, by method and route pattern',
  labelNames: ['method', 'route'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers,
});
