// The texts of the mails the desk writes itself: the receipt notice and the
// notices to staff (SLA warning, SLA breach, escalation).
//
// Template files are UTF-8 text named <template>.txt. The built-in ones (in
// Japanese) are in ./templates; a file of the same name in MAIL_TEMPLATES_DIR
// replaces one. Format:
//
//   Subject: [Ticket#{{number}}] SLA警告: {{clock_label}}   ← optional first line
//   (one blank line after it is optional and dropped)
//   body, with {{placeholders}}
//
// Without a Subject line the mail gets the reply subject
// `Re: [Ticket#<number>] <original subject>`. A placeholder the desk does not
// know is an error (a typo would otherwise reach customers as "{{nmae}}").

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const TEMPLATE_NAMES = ['receipt_notice', 'sla_warning', 'sla_breach', 'escalation'] as const;
export type TemplateName = (typeof TEMPLATE_NAMES)[number];

const PLACEHOLDERS = [
  'number',
  'subject',
  'owner',
  /** The customer's name as given, possibly empty. */
  'customer_name',
  /** How the customer is addressed: `山田太郎 様`, or `お客様` without a name. */
  'customer',
  'customer_email',
  'priority',
  'level',
  'clock',
  /** The SLA clock in words: 初回応答 / 更新 / 解決. */
  'clock_label',
  'reason',
] as const;
export type TemplateValues = Partial<Record<(typeof PLACEHOLDERS)[number], string>>;

export interface RenderedTemplate {
  /** Undefined when the template has no Subject line. */
  subject?: string;
  body: string;
}

export class TemplateError extends Error {
  override name = 'TemplateError';
}

const BUILT_IN_DIR = fileURLToPath(new URL('./templates/', import.meta.url));
const PLACEHOLDER = /\{\{\s*([A-Za-z_]+)\s*\}\}/g;
const SUBJECT_LINE = /^Subject:[ \t]*(.*)$/i;

/** The template's text: MAIL_TEMPLATES_DIR's file when there is one, else the built-in. */
export async function loadTemplate(name: TemplateName, overrideDir?: string): Promise<string> {
  if (overrideDir) {
    try {
      return await readFile(path.join(overrideDir, `${name}.txt`), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return readFile(path.join(BUILT_IN_DIR, `${name}.txt`), 'utf8');
}

/** Fills in the placeholders. Pure. Values used in the Subject line are put on one line. */
export function renderTemplate(text: string, values: TemplateValues): RenderedTemplate {
  const lines = text.replace(/^\ufeff/, '').replace(/\r\n?/g, '\n').split('\n');
  const subjectMatch = SUBJECT_LINE.exec(lines[0]);
  let bodyLines = lines;
  let subject: string | undefined;
  if (subjectMatch) {
    subject = fill(subjectMatch[1], values, (v) => v.replace(/\s*[\r\n]+\s*/g, ' ')).trim();
    bodyLines = lines.slice(lines[1] === '' ? 2 : 1);
  }
  const body = fill(bodyLines.join('\n'), values, (v) => v).replace(/\n+$/, '') + '\n';
  return { subject, body };
}

function fill(text: string, values: TemplateValues, shape: (value: string) => string): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (!(PLACEHOLDERS as readonly string[]).includes(name)) {
      throw new TemplateError(`unknown placeholder {{${name}}}; known: ${PLACEHOLDERS.join(', ')}`);
    }
    return shape(values[name as keyof TemplateValues] ?? '');
  });
}

const CLOCK_LABELS: Record<string, string> = { firstResponse: '初回応答', update: '更新', resolution: '解決' };

export function clockLabel(clock: string | undefined): string {
  return clock ? (CLOCK_LABELS[clock] ?? clock) : '';
}

export function customerSalutation(name: string | null | undefined): string {
  return name?.trim() ? `${name.trim()} 様` : 'お客様';
}

/**
 * Loads and renders every template once, so that a broken override in
 * MAIL_TEMPLATES_DIR stops the worker at start with the reason, instead of
 * leaving each ticket's mail activity retrying forever.
 */
export async function checkTemplates(overrideDir?: string): Promise<void> {
  const sample = Object.fromEntries(PLACEHOLDERS.map((name) => [name, 'x'])) as TemplateValues;
  const problems: string[] = [];
  for (const name of TEMPLATE_NAMES) {
    try {
      renderTemplate(await loadTemplate(name, overrideDir), sample);
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (problems.length) throw new TemplateError(`the mail templates cannot be used:\n  ${problems.join('\n  ')}`);
}
