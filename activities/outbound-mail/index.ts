import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema';
import type { Desks } from '../../lib/desks/desk';
import { outboxDirectoryTransport, smtpTransport, type MailTransport } from './mail-transport';
import { noticeActivities } from './notices';
import { articleMailSender } from './send-article-mail';
import type { OutboundMailSettings } from './settings';

export type { NoticeRequest } from './notices';
export type { SentMail } from './send-article-mail';
export { outboundMailSettings, type OutboundMailSettings } from './settings';

/** The outbound-mail activities: sendArticleMail and sendNotice, through SMTP or into the outbox directory. */
export function outboundMailActivities(db: Kysely<Database>, desks: Desks, settings: OutboundMailSettings, transport?: MailTransport) {
  const through = transport ?? (settings.smtpUrl ? smtpTransport(settings.smtpUrl) : outboxDirectoryTransport(settings.outboxDir));
  const { sendArticleMail } = articleMailSender(db, desks, settings, through);
  return {
    sendArticleMail,
    ...noticeActivities(db, desks, sendArticleMail),
  };
}
