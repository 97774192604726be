import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import type { Config } from '../lib/config';
import { singleDesk, type Desks } from '../lib/desks/desk';
import { customerMailActivities } from './customer-mail';
import { customerReplyActivities } from './customer-replies';
import { outboundMailActivities, outboundMailSettings, type OutboundMailSettings } from './outbound-mail';
import { slaRecordActivities } from './sla-records';
import { spamActivities } from './spam';
import type { SpamFilter } from './spam/spam-filter';
import { ticketRecordActivities } from './ticket-records';

export interface ActivityDeps {
  db: Kysely<Database>;
  desks: Desks;
  mail: OutboundMailSettings;
  spam: SpamFilter;
}

/** What the activities need, from the product's configuration. */
/** `desks`: DESKS_FILE's; absent, the one desk of SUPPORT_ADDRESS. */
export function activityDeps(db: Kysely<Database>, config: Config, spam: SpamFilter, desks: Desks = singleDesk(config)): ActivityDeps {
  return {
    db,
    spam,
    desks,
    mail: outboundMailSettings(config),
  };
}

/** Every activity the worker registers, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  const replies = customerReplyActivities(deps.db, deps.desks);
  const mail = outboundMailActivities(deps.db, deps.desks, deps.mail);
  return {
    ...ticketRecordActivities(deps.db),
    ...slaRecordActivities(deps.db),
    ...replies,
    ...mail,
    ...customerMailActivities(replies, mail.sendArticleMail),
    ...spamActivities(deps.spam, deps.db),
  };
}

export type TicketActivities = ReturnType<typeof createActivities>;
