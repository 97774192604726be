// A mail as the triage rules see it, straight from the product's decoder: for
// `npx helpdesk triage test`, which looks at a mail without the desk storing it.
// The same fields the stored article gives lib/triage/stored-inquiry.ts.
import type { DecodedMail } from '../../activities/mail/decode';
import { addressesIn, DELIVERY_HEADERS, distinct, type ArrivingInquiry } from './inquiry';

export function mailInquiry(mail: DecodedMail, arrivedAt: number, account: ArrivingInquiry['account']): ArrivingInquiry {
  const customer = mail.replyTo[0] ?? mail.from;
  return {
    channel: 'email',
    senders: distinct([customer?.address ?? '', mail.from?.address ?? '']),
    recipients: distinct([...mail.to, ...mail.cc].map((a) => a.address).concat(addressesIn(DELIVERY_HEADERS.flatMap((name) => mail.headers.get(name) ?? [])))),
    // As the ticket's subject is made from it: one line.
    subject: mail.subject.replace(/[\r\n]+/g, ' ').trim(),
    body: mail.text,
    attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType })),
    account,
    arrivedAt,
  };
}
