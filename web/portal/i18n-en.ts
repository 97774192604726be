import type { PortalStrings } from './i18n';

export const en: PortalStrings = {
  lang: 'en',
  portal: 'Customer portal',
  signIn: {
    title: 'Sign in',
    intro: 'Enter your e-mail address and we will mail you a sign-in link.',
    email: 'E-mail address',
    send: 'Send the link',
    sent: 'If the address is known, a link is on its way. It works once, within 15 minutes.',
    invalidLink: 'This link has been used or has expired. Ask for a new one.',
    expired: 'Your session has ended. Please sign in again.',
  },
  signOut: 'Sign out',
  list: { title: 'Your tickets', number: 'Number', subject: 'Subject', state: 'State', due: 'Next answer due', requester: 'From', none: 'No tickets yet.', new: 'New inquiry' },
  states: { received: 'Received', working: 'In progress', answered: 'Answered (please check)', closed: 'Closed' },
  ticket: {
    endCustomer: 'End customer',
    partnerNumber: 'Your ticket number',
    you: 'You',
    desk: 'Support',
    kinds: { inquiry: 'Inquiry', follow_up: 'Follow-up', receipt_notice: 'Receipt notice', answer: 'Answer' },
    reply: 'Reply',
    replyBody: 'Message',
    send: 'Send',
    attachments: 'Attachments',
    back: 'Back to the list',
  },
  newTicket: { title: 'New inquiry', subject: 'Subject', body: 'Message', submit: 'Send' },
  knowledge: { title: 'Known problems and fixes', intro: 'Problems our customers have met before, and what solved them.', search: 'Search', none: 'Nothing found.', symptom: 'Symptom', cause: 'Cause', fix: 'Fix', product: 'Product' },
  errors: { notFound: 'No such ticket.', csrf: 'This form has expired. Reload the page.', failed: 'Could not send: ' },
  mail: {
    subject: 'Your sign-in link',
    body: (name, link) => `${name ? `Dear ${name},` : 'Hello,'}\n\nHere is your link to the customer portal. It works once, within 15 minutes.\n\n${link}\n\nIf you did not ask for it, ignore this mail.\n`,
  },
};
