// Everything a ticket's workflow run holds that changes, in one object, and
// the snapshot continue-as-new carries to the next run: a new field is added
// here once and cannot be forgotten there. Runs in the workflow sandbox.
import { TicketSla } from './sla/ticket-sla';
import type { TicketWorkflowInput } from './ticket';
import type { TicketState } from './ticket-types';

/** Follow-up article ids remembered across runs, to drop a signal delivered twice. */
const FOLLOW_UPS_CARRIED = 500;

export class TicketRun {
  ticket: TicketState;
  /** Numbers the history lines and SLA records (their idempotency keys). */
  sequence: number;
  /** Counts accepted changes; the read model keeps the newest. */
  version: number;
  /** Since when the ticket waits on the customer (the auto-close clock). */
  waitingSince?: string;
  readonly followUpArticles: Set<string>;
  readonly sla: TicketSla;

  /** `slaStartMs`: when a new ticket's SLA clocks start (a continued run carries its clocks). */
  constructor(input: TicketWorkflowInput, slaStartMs: number) {
    this.ticket = input.ticket;
    this.sequence = input.carried?.sequence ?? 0;
    this.version = input.carried?.version ?? 0;
    this.waitingSince = input.carried?.waitingSince;
    this.followUpArticles = new Set(input.carried?.followUpArticles ?? []);
    this.sla = input.carried ? new TicketSla(input.carried.sla) : TicketSla.start(input.slaPolicy, input.ticket, slaStartMs);
  }

  /** What the next run starts from. */
  carried(): NonNullable<TicketWorkflowInput['carried']> {
    return {
      sequence: this.sequence,
      version: this.version,
      waitingSince: this.waitingSince,
      sla: this.sla.clocks,
      followUpArticles: [...this.followUpArticles].slice(-FOLLOW_UPS_CARRIED),
    };
  }
}
