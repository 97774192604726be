// The activities of the mail intake workflow, bound to their dependencies.
// Each is safe to run twice: see the files they call.

import { examineMail, type IntakeDeps } from './examine-mail';
import { recordIntakeOutcome } from './intake-records';
import type { IntakeResult, MailIntakeInput, MailPlan } from '../../workflows/mail-intake-types';
import { openMailTicket, type MailTicketRequest } from './open-mail-ticket';
import { keepUnreadableMail } from './unreadable-mail';

export type { IntakeDeps } from './examine-mail';

export function mailIntakeActivities(deps: IntakeDeps) {
  return {
    examineMail: (input: MailIntakeInput): Promise<MailPlan> => examineMail(deps, input),
    keepUnreadableMail: (input: MailIntakeInput, reason: string): Promise<MailPlan> => keepUnreadableMail(deps.db, input, reason),
    openMailTicket: (request: MailTicketRequest): Promise<string> => openMailTicket(deps, request),
    recordIntakeOutcome: (intakeKey: string, result: IntakeResult): Promise<void> => recordIntakeOutcome(deps.db, intakeKey, result),
  };
}

export type MailIntakeActivities = ReturnType<typeof mailIntakeActivities>;
