// `npx helpdesk triage test [--rules FILE] < mail.eml`: what the triage rules
// would do with this mail if it arrived now (or --at), decoded by the intake's
// own decoder. Or, for a phone call or a web form, `--channel phone --subject …
// --body …`. Opens no ticket and reaches no server: the sender's account is
// not looked up (give --account to try rules that name one).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { decodeMail } from '../activities/mail/decode';
import type { Config } from '../lib/config';
import { loadSlaPolicy } from '../lib/sla-policy';
import { describeHit, describeOutcome } from '../lib/triage/describe-hit';
import { distinct, type ArrivingInquiry } from '../lib/triage/inquiry';
import { mailInquiry } from '../lib/triage/mail-inquiry';
import { loadTriageRules } from '../lib/triage/rules-file';
import { triage } from '../lib/triage/triage';
import { CHANNELS, type Channel } from '../workflows/ticket-types';
import { UsageError } from './token-command';

export const TRIAGE_USAGE = `npx helpdesk triage test [--rules <file>] [--at <ISO time>] [--account <id|name>] [--plan <plan>] < mail.eml
npx helpdesk triage test [--rules <file>] --channel ${CHANNELS.join('|')} --subject <text> [--body <text>] [--from <address>] [--at …] [--account …]`;

const OPTIONS = {
  rules: { type: 'string' },
  at: { type: 'string' },
  account: { type: 'string' },
  plan: { type: 'string' },
  channel: { type: 'string' },
  subject: { type: 'string' },
  body: { type: 'string' },
  from: { type: 'string' },
} as const;

type Options = ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>>['values'];

export async function triageCommand(config: Config, args: string[]): Promise<void> {
  const [verb, ...rest] = args;
  if (verb !== 'test') throw new UsageError(`unknown triage command ${verb ?? '(none)'}`);
  const { values } = parseArgs({ args: rest, options: OPTIONS });
  const file = values.rules ? path.resolve(values.rules) : config.triageRulesFile;
  const rules = loadTriageRules(file, loadSlaPolicy(), values.rules ? '--rules' : 'TRIAGE_RULES_FILE');
  const inquiry = await inquiryOf(values);
  const outcome = triage(rules, inquiry, { priority: 'P3', queue: null });

  console.log(file ? `rules: ${file} (${rules.length} rule${rules.length === 1 ? '' : 's'})` : 'rules: none (TRIAGE_RULES_FILE is not set; give --rules)');
  console.log(`inquiry: ${inquiry.channel} from ${inquiry.senders.join(', ') || '(no sender)'} at ${deskTime(inquiry.arrivedAt, config.timeZone)}, account ${inquiry.account ? inquiry.account.id : '(not looked up; --account)'}`);
  for (const hit of outcome.hits) {
    console.log(describeHit(hit));
    if (hit.matched.length) console.log(`    because ${hit.matched.join(', ')}`);
  }
  if (!outcome.hits.length) console.log('no rule matched');
  console.log(`→ ${describeOutcome(outcome)}`);
}

async function inquiryOf(values: Options): Promise<ArrivingInquiry> {
  const arrivedAt = arrivalOf(values.at);
  const account = values.account ? { id: values.account, name: values.account, ...(values.plan ? { plan: values.plan } : {}) } : null;
  if (values.channel === undefined && values.subject === undefined && values.body === undefined) {
    if (process.stdin.isTTY) throw new UsageError('give the mail on stdin (< mail.eml), or --channel, --subject and --body');
    const raw = await readStdin();
    if (raw.length === 0) throw new UsageError('no mail on stdin');
    return mailInquiry(decodeMail(raw), arrivedAt, account);
  }
  const channel = (values.channel ?? 'phone') as Channel;
  if (!CHANNELS.includes(channel)) throw new UsageError(`--channel must be one of ${CHANNELS.join(', ')}`);
  return {
    channel,
    senders: distinct(values.from ? [values.from] : []),
    recipients: [],
    subject: values.subject ?? '',
    body: values.body ?? '',
    attachments: [],
    account,
    arrivedAt,
  };
}

/** `2027-01-13 09:05 Asia/Tokyo`: business hours are the desk's, so is the time shown. */
function deskTime(ms: number, timeZone: string): string {
  return `${new Date(ms).toLocaleString('sv-SE', { timeZone, dateStyle: 'short', timeStyle: 'short' })} ${timeZone}`;
}

function arrivalOf(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const ms = Date.parse(at);
  if (!Number.isFinite(ms)) throw new UsageError(`--at ${at} is not a time like 2027-01-08T19:00:00+09:00`);
  return ms;
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
