import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Config } from '../lib/config';
import { customerReplyActivities, type DeskAddresses } from './customer-replies';
import { outboundMailActivities, outboundMailSettings, type OutboundMailSettings } from './outbound-mail';
import { slaRecordActivities } from './sla-records';
import { spamActivities } from './spam';
import type { SpamFilter } from './spam/spam-filter';
import { ticketRecordActivities } from './ticket-records';

export interface ActivityDeps {
  db: Kysely<Database>;
  desk: DeskAddresses;
  mail: OutboundMailSettings;
  spam: SpamFilter;
}

/** What the activities need, from the product's configuration. */
export function activityDeps(db: Kysely<Database>, config: Config, spam: SpamFilter): ActivityDeps {
  return {
    db,
    spam,
    desk: { supportAddress: config.supportAddress, mailingListAddress: config.mailingListAddress },
    mail: outboundMailSettings(config),
  };
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...ticketRecordActivities(deps.db),
    ...slaRecordActivities(deps.db),
    ...customerReplyActivities(deps.db, deps.desk, deps.mail.templatesDir),
    ...outboundMailActivities(deps.db, deps.desk, deps.mail),
    ...spamActivities(deps.spam, deps.db),
  };
}

export type TicketActivities = ReturnType<typeof createActivities>;
