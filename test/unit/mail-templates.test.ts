import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeIso2022Jp } from '../../activities/mail/iso-2022-jp';
import { checkTemplates, loadTemplate, renderTemplate, TEMPLATE_NAMES, TemplateError } from '../../activities/outbound-mail/templates';

const VALUES = {
  number: '2026112100042',
  subject: 'サーバが起動しません',
  owner: 'alice',
  customer_name: '山田太郎',
  customer: '山田太郎 様',
  customer_email: 'yamada@example.jp',
  priority: 'P2',
  level: 'L2',
  clock: 'firstResponse',
  clock_label: '初回応答',
  reason: 'カーネルの不具合の疑い',
};

describe('mail templates', () => {
  it('takes an optional Subject line, drops the blank line after it, and fills the placeholders', () => {
    const rendered = renderTemplate('Subject: [Ticket#{{number}}] {{ subject }}\n\n{{customer}}\n受付番号: {{number}}\n', VALUES);
    expect(rendered).toEqual({ subject: '[Ticket#2026112100042] サーバが起動しません', body: '山田太郎 様\n受付番号: 2026112100042\n' });
  });

  it('leaves the subject to the caller when there is no Subject line', () => {
    expect(renderTemplate('{{owner}} さん', VALUES)).toEqual({ subject: undefined, body: 'alice さん\n' });
  });

  it('puts a multi-line value on one line in the subject, and keeps its lines in the body', () => {
    const rendered = renderTemplate('Subject: {{reason}}\n{{reason}}', { reason: '一行目\r\n二行目' });
    expect(rendered.subject).toBe('一行目 二行目');
    expect(rendered.body).toBe('一行目\r\n二行目\n');
  });

  it('refuses an unknown placeholder rather than mailing "{{nmae}}"', () => {
    expect(() => renderTemplate('{{nmae}} 様', VALUES)).toThrow(TemplateError);
  });

  it.each(TEMPLATE_NAMES)('ships a Japanese default for %s that renders completely', async (name) => {
    const rendered = renderTemplate(await loadTemplate(name), VALUES);
    expect(rendered.body).toContain('2026112100042');
    expect(rendered.body).toMatch(/[\u3040-\u30ff]/);
    expect(`${rendered.subject ?? ''}${rendered.body}`).not.toMatch(/\{\{|\}\}/);
  });

  it.each(TEMPLATE_NAMES)('keeps the lines of %s within 78 octets in ISO-2022-JP, so it goes out as written (not flowed)', async (name) => {
    const { body } = renderTemplate(await loadTemplate(name), { ...VALUES, reason: '' });
    for (const line of body.split('\n')) {
      const encoded = encodeIso2022Jp(line, 'iso-2022-jp');
      expect(encoded.ok && encoded.bytes.length, line).toBeLessThanOrEqual(78);
    }
  });

  it('prefers a file in MAIL_TEMPLATES_DIR, and falls back to the default for the others', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'templates-'));
    await writeFile(path.join(dir, 'receipt_notice.txt'), 'Subject: 受付: {{subject}}\n独自の文面 {{number}}');
    expect(renderTemplate(await loadTemplate('receipt_notice', dir), VALUES)).toEqual({ subject: '受付: サーバが起動しません', body: '独自の文面 2026112100042\n' });
    expect(await loadTemplate('sla_warning', dir)).toBe(await loadTemplate('sla_warning'));
  });
});

describe('checkTemplates', () => {
  it('accepts the built-in templates and refuses an override with an unknown placeholder, naming it', async () => {
    await expect(checkTemplates()).resolves.toBeUndefined();
    const dir = await mkdtemp(path.join(os.tmpdir(), 'templates-'));
    await writeFile(path.join(dir, 'receipt_notice.txt'), '{{nmae}} 様\n受付番号 {{number}}\n');
    await expect(checkTemplates(dir)).rejects.toThrow(/receipt_notice: .*nmae/);
  });
});
