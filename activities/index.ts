import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { customerReplyActivities, type DeskAddresses } from './customer-replies';
import { ticketRecordActivities } from './ticket-records';

export interface ActivityDeps {
  db: Kysely<Database>;
  desk: DeskAddresses;
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...ticketRecordActivities(deps.db),
    ...customerReplyActivities(deps.db, deps.desk),
  };
}

export type TicketActivities = ReturnType<typeof createActivities>;
