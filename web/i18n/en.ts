import type { Labels } from './index';

// Every string the console shows in English (Accept-Language, or the user's pick).
export const en: Labels = {
  lang: 'en',
  appName: 'Helpdesk',
  signIn: { title: 'Sign in', userName: 'User name', password: 'Password', submit: 'Sign in', failed: 'Wrong user name or password.', slowDown: (s) => `Too many attempts. Try again in ${s} s.`, notForRole: 'This role cannot use the console (use the API).', signOut: 'Sign out', expired: 'Your session has ended. Please sign in again.' },
  nav: { mine: 'My open tickets', new: 'New and unassigned', review: 'Awaiting my review', waiting: 'Waiting on the customer', warning: 'SLA warning', breached: 'SLA breached', L1: 'L1', L2: 'L2', L3: 'L3', closed: 'Closed recently', search: 'Search', sla: 'SLA', language: '日本語' },
  list: { number: 'Number', subject: 'Subject', customer: 'Customer', status: 'Status', priority: 'Priority', level: 'Level', owner: 'Owner', timeLeft: 'Time left', empty: 'No tickets here.', count: (n) => `${n} ticket${n === 1 ? '' : 's'}`, prev: 'Previous', next: 'Next', searchPlaceholder: 'Number, subject, customer address or name', noClock: '—' },
  status: { new: 'New', open: 'Open', in_progress: 'In progress', in_review: 'In review', approved: 'Approved', waiting_customer: 'Waiting on customer', closed: 'Closed' },
  sla: { on_track: 'On track', warning: 'Warning', breached: 'Breached', paused: 'Paused', met: 'Met' },
  clocks: { firstResponse: 'First response', update: 'Update', resolution: 'Resolution' },
  clockState: { running: 'running', paused: 'paused', stopped: 'stopped', not_started: 'not started', met: 'met', missed: 'missed' },
  ticket: { queue: 'Queue', owner: 'Owner', customer: 'Customer', priority: 'Priority', level: 'Level', status: 'Status', created: 'Created', due: 'Due', left: 'Left', thread: 'Thread', clocks: 'SLA', none: 'none', actions: 'Actions', suspect: 'Suspected spam', raw: 'Raw mail', problems: 'Could not be decoded', spamScore: 'Spam score', attachments: 'Attachments', from: 'From', to: 'To', cc: 'Cc', charset: 'Charset', refused: 'Refused action', reviewedBy: (who) => `Reviewed by ${who}`, comment: 'Comment', ownMemo: 'You cannot approve your own memo (another reviewer does).' },
  kinds: { inquiry: 'Inquiry', follow_up: 'Customer follow-up', phone_call: 'Phone call', memo: 'Memo', receipt_notice: 'Receipt notice', answer: 'Answer', notice: 'Notice', note: 'Note', event: 'History' },
  events: { assignQueue: 'Queued', reviewMemo: 'Memo reviewed', changePriority: 'Priority changed', reassign: 'Reassigned', escalate: 'Escalated', close: 'Closed', autoClose: 'Closed (no response)', markSpam: 'Marked as spam', refused: 'Refused action', sla_warning: 'SLA warning', mail_failed: 'Mail failed', record_failed: 'Could not be recorded', triage: 'Triage' },
  triage: { rule: (n, name) => (name ? `Rule ${n} "${name}"` : `Rule ${n}`), queue: 'queue', priority: 'priority', account: 'account', tags: 'tags', notSet: (field, wanted) => `${field} not set to ${wanted}`, because: (why) => ` (${why})`, decidedBy: (n) => `rule ${n} set it`, senderAccount: (id, name) => `the sender's account is ${id} (${name})`, stop: 'stop: later rules not looked at', nothing: 'nothing left to change', matched: 'Because', separator: ', ' },
  memo: { draft: 'draft', in_review: 'in review', approved: 'approved', rejected: 'rejected', sent: 'sent' },
  actions: { queue: 'Queue', acknowledge: 'Acknowledge', draftMemo: 'Draft memo', approve: 'Approve', reject: 'Reject', sendAnswer: 'Send answer', logPhoneCall: 'Log phone call', changePriority: 'Change priority', reassign: 'Reassign', escalate: 'Escalate', close: 'Close', markSpam: 'Mark as spam', inbound: 'inbound', outbound: 'outbound', reason: 'Reason', resolution: 'Resolution', body: 'Text', save: 'Save' },
  preview: { fits: 'Goes out in ISO-2022-JP.', fallback: (cs, chars) => `Goes out in ${cs}: ISO-2022-JP cannot carry ${chars}.`, utf8: 'Goes out in UTF-8.' },
  slaPage: { title: 'SLA', byLevel: 'Open tickets by level', today: "Today's warnings and breaches", rates: 'Met and missed', from: 'From', to: 'To', show: 'Show', met: 'met', missed: 'missed', rate: 'rate', temporal: 'In the Temporal UI', warnings: 'warnings', breaches: 'breaches', level: 'Level' },
  similar: { title: 'Similar tickets', none: 'No similar closed tickets yet.', terms: 'Shared terms', score: 'score' },
  keys: { title: 'Keyboard shortcuts', move: 'j / k: move in a list', open: 'Enter: open', memo: 'm: write a memo', submit: 'Ctrl+Enter: submit the form', help: '?: this list' },
  errors: { notFound: 'No such ticket.', forbidden: 'You may not do that.', unavailable: 'The service cannot be reached. Try again shortly.', csrf: 'This form has expired. Reload the page.' },
};
