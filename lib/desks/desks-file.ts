// DESKS_FILE: the desks of an installation that serves several (brands),
// read and checked whole when the product starts, like SLA_POLICY_FILE: a
// file with any problem stops the start, each problem naming its field
// (`desks[1].addresses[0]: …`). Paths in it (slaPolicyFile, templatesDir) are
// relative to the file. Unset: one desk from SUPPORT_ADDRESS (desk.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { isReadableAddress } from '../../activities/mail/mail-addresses';
import type { Config } from '../config';
import { ConfigError } from '../config';
import { loadSlaPolicy } from '../sla-policy';
import type { SlaPolicy } from '../../workflows/sla/policy';
import { Desks, singleDesk, type Desk } from './desk';

const oneLine = (max: number) =>
  z
    .string({ error: 'must be a string' })
    .trim()
    .min(1, 'must not be empty')
    .max(max, `is longer than ${max} characters`)
    .regex(/^[^\p{Cc}]*$/u, 'must be one line without control characters');

const address = z
  .string({ error: 'must be a mail address (a string)' })
  .trim()
  .toLowerCase()
  .refine((a) => isReadableAddress(a) && !/[\s<>]/.test(a), { error: (issue) => `${JSON.stringify(issue.input)} is not a mail address like support@example.jp` });

const deskSchema = z.strictObject(
  {
    id: z.string({ error: 'must be a string' }).regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'must be lower-case letters, digits and "-" (at most 40), like "oss"'),
    name: oneLine(100),
    addresses: z.array(address, { error: 'must be a list of mail addresses' }).min(1, 'must list at least one address'),
    mailingList: address.optional(),
    senderName: oneLine(100).optional(),
    signature: z.string({ error: 'must be a string' }).max(2000, 'is longer than 2000 characters').optional(),
    templatesDir: oneLine(500).optional(),
    slaPolicyFile: oneLine(500).optional(),
    portalTitle: oneLine(100).optional(),
    default: z.boolean({ error: 'must be true or false' }).optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}` : 'must be an object') },
);

const fileSchema = z
  .strictObject({ desks: z.array(deskSchema, { error: 'must be a list of desks' }).min(1, 'must list at least one desk') }, { error: 'must be an object {"desks": [...]}' })
  .superRefine(({ desks }, ctx) => {
    const defaults = desks.filter((d) => d.default);
    if (desks.length > 1 && defaults.length !== 1) ctx.addIssue({ code: 'custom', path: ['desks'], message: `exactly one desk must have "default": true (${defaults.length} have)` });
    const seen = new Map<string, string>();
    desks.forEach((desk, i) => {
      if (desks.findIndex((d) => d.id === desk.id) !== i) ctx.addIssue({ code: 'custom', path: ['desks', i, 'id'], message: `"${desk.id}" is the id of an earlier desk` });
      desk.addresses.forEach((a, j) => {
        const owner = seen.get(a);
        if (owner) ctx.addIssue({ code: 'custom', path: ['desks', i, 'addresses', j], message: `${a} is already desk "${owner}"'s address` });
        seen.set(a, desk.id);
      });
    });
  });

type DeskEntry = z.infer<typeof deskSchema>;

/** `desks[1].addresses[0]: …` for every problem. */
function problemsOf(error: z.ZodError): string[] {
  return error.issues.map((issue) => {
    const where = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
    return `${where || '(file)'}: ${issue.message}`;
  });
}

/** The desks of DESKS_FILE, or the one desk of an installation without it. */
export function loadDesks(config: Pick<Config, 'desksFile' | 'supportAddress' | 'mailingListAddress' | 'mail'>, installationPolicy: SlaPolicy): Desks {
  if (!config.desksFile) return singleDesk(config, installationPolicy);
  const file = config.desksFile;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`DESKS_FILE ${file} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const parsed = fileSchema.safeParse(json);
  if (!parsed.success) throw new ConfigError(`DESKS_FILE ${file} is not valid:\n  ${problemsOf(parsed.error).join('\n  ')}`);
  const dir = path.dirname(file);
  const only = parsed.data.desks.length === 1;
  return new Desks(parsed.data.desks.map((entry, i) => deskOf(entry, i, { dir, only, config })), installationPolicy);
}

function deskOf(entry: DeskEntry, index: number, at: { dir: string; only: boolean; config: Pick<Config, 'mail'> }): Desk {
  const policyFile = entry.slaPolicyFile ? path.resolve(at.dir, entry.slaPolicyFile) : undefined;
  return {
    id: entry.id,
    name: entry.name,
    addresses: entry.addresses,
    mailingList: entry.mailingList,
    senderName: entry.senderName,
    signature: entry.signature?.trim() || undefined,
    // A desk's own templates replace MAIL_TEMPLATES_DIR for it; a file missing there is the built-in one.
    templatesDir: entry.templatesDir ? path.resolve(at.dir, entry.templatesDir) : at.config.mail.templatesDir,
    portalTitle: entry.portalTitle,
    slaPolicy: policyFile ? loadSlaPolicy(policyFile, `DESKS_FILE desks[${index}].slaPolicyFile`) : undefined,
    isDefault: at.only || entry.default === true,
  };
}
