// A ticket's SLA clocks as the workflow holds them: events in, alarms and
// verdicts out. Pure: the workflow decides what to do with what comes out.
import type { SlaReport } from '../ticket-messages';
import type { SlaStatus, TicketCommand, TicketState } from '../ticket-types';
import {
  applySlaEvent,
  fireDueAlarms,
  nextSlaAlarm,
  overallSlaStatus,
  slaView,
  startClocks,
  type SlaAlarm,
  type SlaClocks,
  type StoppedClock,
} from './clocks';
import type { SlaPolicy } from './policy';
import { slaEventsFor } from './ticket-sla-events';

export interface SlaChange {
  alarms: SlaAlarm[];
  stopped: StoppedClock[];
}

export class TicketSla {
  /** Undefined for tickets started before SLA clocks existed: they keep the old behaviour. */
  constructor(public clocks: SlaClocks | undefined) {}

  static start(policy: SlaPolicy | undefined, ticket: TicketState, nowMs: number): TicketSla {
    return new TicketSla(policy ? startClocks(policy, ticket.priority, nowMs) : undefined);
  }

  /** Feeds an accepted ticket change to the clocks. */
  onChange(command: TicketCommand, before: TicketState, after: TicketState, nowMs: number, note?: string): SlaChange {
    const change: SlaChange = { alarms: [], stopped: [] };
    if (!this.clocks) return change;
    for (const event of slaEventsFor(command, before, after, note)) {
      const step = applySlaEvent(this.clocks, event, nowMs);
      this.clocks = step.clocks;
      change.alarms.push(...step.alarms);
      change.stopped.push(...step.stopped);
    }
    return change;
  }

  /** The alarms whose time has come (the workflow's timer woke it). */
  dueAlarms(nowMs: number): SlaAlarm[] {
    if (!this.clocks) return [];
    const { clocks, alarms } = fireDueAlarms(this.clocks, nowMs);
    this.clocks = clocks;
    return alarms;
  }

  nextAlarmAt(): number | undefined {
    return this.clocks ? nextSlaAlarm(this.clocks)?.atMs : undefined;
  }

  status(ticket: TicketState, nowMs: number): SlaStatus {
    if (this.clocks) return overallSlaStatus(this.clocks, nowMs);
    // Tickets from before the clocks: paused while the customer has the ball, met once closed.
    if (ticket.status === 'closed') return 'met';
    return ticket.status === 'waiting_customer' ? 'paused' : 'on_track';
  }

  report(ticket: TicketState, nowMs: number): SlaReport {
    const view = this.clocks ? slaView(this.clocks, nowMs) : undefined;
    return {
      asOf: new Date(nowMs).toISOString(),
      status: this.status(ticket, nowMs),
      priority: ticket.priority,
      calendar: this.clocks?.policy.priorities[this.clocks.priority].calendar,
      clocks: view ? Object.entries(view).map(([clock, v]) => ({ clock, ...v })) : [],
    };
  }

  /** The nearest deadline of any running clock: the console's lists are sorted by it. */
  nextDueAt(nowMs: number): string | undefined {
    if (!this.clocks) return undefined;
    const due = Object.values(slaView(this.clocks, nowMs)).map((clock) => clock.dueAt).filter((d): d is string => d !== undefined);
    return due.sort()[0];
  }

  /** Current deadlines for the FirstResponseDueAt / ResolutionDueAt search attributes. */
  dueAt(nowMs: number): { firstResponse?: string; resolution?: string } {
    if (!this.clocks) return {};
    const view = slaView(this.clocks, nowMs);
    return { firstResponse: view.firstResponse.dueAt, resolution: view.resolution.dueAt };
  }
}
