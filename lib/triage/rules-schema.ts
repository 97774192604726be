// The triage rules file (TRIAGE_RULES_FILE), checked whole with zod and
// compiled into rules (rule.ts). Every problem names the rule by its place and
// name and the field: `rule 2 "障害": when.subjectPatterns[0]: "(" is not a
// regular expression (…)`. A file with any problem is not used at all, as for
// the SLA policy. How the rules apply (first rule per field wins, `stop` ends
// the list) is said in triage.ts.
import { z } from 'zod';
import type { SlaPolicy } from '../../workflows/sla/policy';
import { calendarFor } from '../../workflows/sla/policy';
import { CHANNELS, PRIORITIES } from '../../workflows/ticket-types';
import * as test from './conditions';
import type { Condition } from './conditions';
import type { TriageRule } from './rule';
import { ruleLabel } from './rule';

/** One line of text: no control characters (queue names and tags go into search attributes and history lines). */
const oneLine = (max: number, what: string) =>
  z
    .string({ error: `must be ${what} (a string)` })
    .trim()
    .min(1, `must not be empty`)
    .max(max, `is longer than ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, `must be one line without control characters`);

/** `what`: one entry and, when not just an added s, the plural ("mail address|mail addresses"). */
const list = <T extends z.ZodType>(item: T, what: string) => {
  const [one, many = `${one}s`] = what.split('|');
  return z.array(item, { error: `must be a list of ${many}` }).min(1, `must list at least one ${one}`);
};

const address = z
  .string({ error: 'must be a mail address (a string)' })
  .trim()
  .toLowerCase()
  .regex(/^[^@\s]+@[^@\s]+$/, 'is not a mail address like someone@example.jp');

const domain = z
  .string({ error: 'must be a domain (a string)' })
  .trim()
  .toLowerCase()
  .transform((d) => d.replace(/^@/, '').replace(/\.$/, ''))
  .pipe(z.string().regex(/^[^@\s./][^@\s/]*$/, 'is not a domain like example.jp'));

const pattern = z.string({ error: 'must be a regular expression (a string)' }).min(1, 'must not be empty').transform((source, ctx) => {
  try {
    // i: case does not matter; u: Japanese and emoji are one character each.
    return new RegExp(source, 'iu');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(source)} is not a regular expression (${error instanceof Error ? error.message : String(error)})` });
    return z.NEVER;
  }
});

const mediaType = z
  .string({ error: 'must be a media type (a string)' })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][\w.+-]*\/(\*|[a-z0-9][\w.+-]*)$/, 'is not a media type like application/pdf or image/*');

const extension = z
  .string({ error: 'must be a file-name extension (a string)' })
  .trim()
  .toLowerCase()
  .transform((e) => e.replace(/^\./, ''))
  .pipe(z.string().regex(/^[a-z0-9_+-]+(\.[a-z0-9_+-]+)*$/, 'is not a file-name extension like pdf, .exe or tar.gz'));

const priority = z.enum(PRIORITIES, { error: (issue) => `${JSON.stringify(issue.input)} is not a priority (${PRIORITIES.join(', ')})` });
const channel = z.enum(CHANNELS, { error: (issue) => `${JSON.stringify(issue.input)} is not a channel (${CHANNELS.join(', ')})` });

const when = z
  .object({
    from: list(address, 'mail address|mail addresses'),
    fromDomain: list(domain, 'domain'),
    to: list(address, 'mail address|mail addresses'),
    account: list(oneLine(200, 'an account id or name'), 'account id or name|account ids or names'),
    plan: list(oneLine(100, "an account's plan"), 'plan'),
    subjectWords: list(oneLine(200, 'a word'), 'word'),
    subjectPatterns: list(pattern, 'regular expression'),
    bodyWords: list(oneLine(200, 'a word'), 'word'),
    bodyPatterns: list(pattern, 'regular expression'),
    words: list(oneLine(200, 'a word'), 'word'),
    patterns: list(pattern, 'regular expression'),
    attachmentTypes: list(mediaType, 'media type'),
    attachmentExtensions: list(extension, 'extension'),
    channel: list(channel, 'channel'),
    businessHours: z.enum(['inside', 'outside'], { error: 'must be "inside" or "outside"' }),
    calendar: oneLine(100, 'the name of a calendar in the SLA policy'),
  }, { error: 'must be an object like {"words": ["障害"]}' })
  .partial()
  .strict();

const set = z
  .object({
    queue: oneLine(100, 'a queue name'),
    priority,
    account: z
      .union([z.string().trim(), z.number().int().positive()], { error: 'must be an account id' })
      .transform(String)
      .pipe(z.string().regex(/^\d{1,18}$/, 'is not an account id (digits, as `npx helpdesk account list` shows)')),
    tags: list(oneLine(50, 'a tag'), 'tag'),
  }, { error: 'must be an object like {"priority": "P1", "queue": "incident"}' })
  .partial()
  .strict();

const rule = z
  .object({
    $comment: z.string().optional(),
    name: oneLine(200, 'a name').optional(),
    when: when.optional(),
    set: set.optional(),
    stop: z.boolean({ error: 'must be true or false' }).optional(),
  }, { error: 'must be an object like {"name": …, "when": {…}, "set": {…}}' })
  .strict()
  .refine((r) => (r.set && Object.keys(r.set).length > 0) || r.stop, { message: 'does nothing: give it "set" (queue, priority, account, tags) or "stop": true' });

const rulesFile = z.object({ $comment: z.string().optional(), rules: z.array(rule, { error: 'must be a list of rules' }) }, { error: 'must be an object like {"rules": [...]}' }).strict();

type RuleInput = z.output<typeof rule>;
type WhenInput = NonNullable<RuleInput['when']>;

export type RulesParseResult = { ok: true; rules: TriageRule[] } | { ok: false; problems: string[] };

/** Checks a rules document (parsed JSON) and compiles it, or lists every problem. */
export function parseTriageRules(json: unknown, slaPolicy: SlaPolicy): RulesParseResult {
  const parsed = rulesFile.safeParse(json);
  if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((issue) => problemOf(issue, json)) };
  const problems: string[] = [];
  const rules = parsed.data.rules.map((input, i) => {
    const label = ruleLabel({ index: i + 1, name: input.name });
    const compiled = compileWhen(input.when ?? {}, slaPolicy, (field, message) => problems.push(`${label}: when.${field}: ${message}`));
    return { index: i + 1, name: input.name, when: compiled, set: input.set ?? {}, stop: input.stop ?? false };
  });
  return problems.length ? { ok: false, problems } : { ok: true, rules };
}

function compileWhen(w: WhenInput, policy: SlaPolicy, fail: (field: string, message: string) => void): Condition[] {
  const conditions: Condition[] = [];
  const add = <T>(value: T | undefined, make: (value: T) => Condition) => {
    if (value !== undefined) conditions.push(make(value));
  };
  add(w.from, test.fromAddress);
  add(w.fromDomain, test.fromDomain);
  add(w.to, test.toAddress);
  add(w.account, test.ofAccount);
  add(w.plan, test.onPlan);
  add(w.subjectWords, (v) => test.hasWord('subject', v));
  add(w.subjectPatterns, (v) => test.matchesPattern('subject', v));
  add(w.bodyWords, (v) => test.hasWord('body', v));
  add(w.bodyPatterns, (v) => test.matchesPattern('body', v));
  add(w.words, (v) => test.hasWord('text', v));
  add(w.patterns, (v) => test.matchesPattern('text', v));
  add(w.attachmentTypes, test.attachmentType);
  add(w.attachmentExtensions, test.attachmentExtension);
  add(w.channel, test.onChannel);
  if (w.calendar !== undefined && w.businessHours === undefined) fail('calendar', 'only goes with "businessHours"');
  if (w.calendar !== undefined && !policy.calendars[w.calendar]) {
    fail('calendar', `no calendar "${w.calendar}" in the SLA policy (it has ${Object.keys(policy.calendars).join(', ')})`);
  } else if (w.businessHours !== undefined) {
    // The desk's business hours: the calendar the policy gives P3, the priority a ticket arrives with.
    conditions.push(test.atHours(w.businessHours, w.calendar ? policy.calendars[w.calendar] : calendarFor(policy, 'P3')));
  }
  return conditions;
}

/** One zod issue in the desk's words: which rule, which field, what is wrong. */
function problemOf(issue: z.core.$ZodIssue, json: unknown): string {
  const path = [...issue.path];
  const message = issue.code === 'unrecognized_keys' ? unknownFieldsMessage(issue.keys, path) : issue.message;
  // One unknown field is named in the path, like any other field.
  const at = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...path, issue.keys[0]] : path;
  if (at[0] !== 'rules' || typeof at[1] !== 'number') return `${fieldPath(at) || 'the file'}: ${message}`;
  const index = at[1];
  const raw = (json as { rules?: unknown[] }).rules?.[index];
  const name = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : undefined;
  const field = fieldPath(at.slice(2));
  return `${ruleLabel({ index: index + 1, name })}: ${field ? `${field}: ` : ''}${message}`;
}

/** The fields each object of the file may have, for the message about one it may not. */
const KNOWN_FIELDS: Record<string, readonly string[]> = {
  file: Object.keys(rulesFile.shape),
  rule: ['name', 'when', 'set', 'stop', '$comment'],
  when: Object.keys(when.shape),
  set: Object.keys(set.shape),
};

function unknownFieldsMessage(keys: readonly string[], path: readonly PropertyKey[]): string {
  const where = path.length === 0 ? 'file' : path.length === 2 ? 'rule' : String(path[path.length - 1]);
  const known = KNOWN_FIELDS[where] ? ` (known: ${KNOWN_FIELDS[where].join(', ')})` : '';
  return (keys.length === 1 ? 'unknown field' : `unknown fields ${keys.map((k) => `"${k}"`).join(', ')}`) + known;
}

/** ['when', 'subjectPatterns', 0] → when.subjectPatterns[0] */
function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}
