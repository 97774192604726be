// The console's knowledge records: a list with search and a status filter, a
// record's page, and the form of a new record prefilled from a closed ticket.
// As everywhere in the console, pages read and act only through the API's
// routes in-process (web/act.ts), so the record's rules, role checks, schemas,
// Idempotency-Key and audit line are the API's own.
import type { Context, Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { ApiEnv } from '../api/env';
import type { FoundRecord } from '../db/knowledge-records';
import type { RecordDraft } from '../lib/knowledge/draft';
import { RECORD_STATUSES, type KnowledgeRecord, type RecordStatus } from '../lib/knowledge/record-rules';
import type { Actor } from '../workflows/ticket-types';
import { actThroughApi, readThroughApi, type ActOutcome } from './act';
import type { ConsoleDeps } from './console';
import { labelsFor, LANGUAGE_COOKIE, pickLanguage } from './i18n';
import { KnowledgeListPage } from './pages/knowledge-list';
import { KnowledgeDraftPage, KnowledgeRecordPage, RECORD_ACTIONS, type RecordAction, type RecordFailure } from './pages/knowledge-page';
import { requireSession, type ConsoleEnv } from './session';

const validId = (id: string) => /^\d{1,18}$/.test(id);
const validNumber = (number: string) => /^\d{1,20}$/.test(number);

export function knowledgeConsoleRoutes(app: Hono<ConsoleEnv>, deps: ConsoleDeps): void {
  const session = requireSession(deps.db);
  const t = (c: Context) => labelsFor(pickLanguage(getCookie(c, LANGUAGE_COOKIE), c.req.header('accept-language')));
  const timeZone = deps.config.timeZone;
  const frame = (c: Context<ApiEnv>, title: string) => ({ t: t(c), title, session: c.get('session')!, here: c.req.path + new URL(c.req.url).search });
  const read = async <T,>(c: Context<ApiEnv>, path: string): Promise<T | undefined> => {
    const response = await readThroughApi(deps.api, c, c.get('session')!.actor, path);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };

  app.get('/console/knowledge', session, async (c) => {
    const q = (c.req.query('q') ?? '').trim().slice(0, 500);
    const status = (RECORD_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? (c.req.query('status') as RecordStatus) : undefined;
    const query = new URLSearchParams({ ...(q ? { q } : {}), ...(status ? { status } : {}) });
    const response = await readThroughApi(deps.api, c, c.get('session')!.actor, `/api/knowledge?${query}`);
    // A query the API refuses (a control character) shows an empty list, not an error page.
    const records = response.ok ? ((await response.json()) as { records: FoundRecord[] }).records : [];
    return c.html(<KnowledgeListPage t={t(c)} records={records} q={q || undefined} status={status} timeZone={timeZone} frame={frame(c, t(c).knowledge.title)} />);
  });

  app.get('/console/knowledge/new', session, async (c) => {
    const number = c.req.query('ticket') ?? '';
    const draft = validNumber(number) ? await read<RecordDraft>(c, `/api/tickets/${number}/knowledge-draft`) : undefined;
    if (!draft) return c.html(<p>{t(c).errors.notFound}</p>, 404);
    return c.html(<KnowledgeDraftPage t={t(c)} draft={draft} session={c.get('session')!} frame={frame(c, t(c).knowledge.newRecord)} />);
  });

  app.post('/console/knowledge/new', session, async (c) => {
    const form = await c.req.parseBody({ all: true });
    const ticketNumbers = listOf(form.ticketNumbers);
    const fields = fieldsOf(form);
    const outcome = await actThroughApi(deps.api, c, c.get('session')!.actor, { path: '/api/knowledge', body: { ...fields, ticketNumbers }, idempotencyKey: one(form.idempotencyKey) });
    if (outcome.ok) return c.redirect(`/console/knowledge/${(outcome.body as unknown as KnowledgeRecord).id}`, 303);
    const draft: RecordDraft = { ...fields, ticketNumbers };
    return c.html(<KnowledgeDraftPage t={t(c)} draft={draft} session={c.get('session')!} failure={{ action: 'create', message: failureText(outcome) }} frame={frame(c, t(c).knowledge.newRecord)} />, 422);
  });

  app.get('/console/knowledge/:id', session, async (c) => {
    const id = c.req.param('id');
    const record = validId(id) ? await read<KnowledgeRecord>(c, `/api/knowledge/${id}`) : undefined;
    if (!record) return c.html(<p>{t(c).errors.notFound}</p>, 404);
    return c.html(<KnowledgeRecordPage t={t(c)} record={record} session={c.get('session')!} timeZone={timeZone} frame={frame(c, record.symptom)} />);
  });

  app.post('/console/knowledge/:id/do/:action', session, async (c) => {
    const id = c.req.param('id');
    const action = c.req.param('action') as RecordAction;
    if (!validId(id) || !RECORD_ACTIONS.includes(action)) return c.notFound();
    const form = await c.req.parseBody({ all: true });
    const outcome = await act(c, c.get('session')!.actor, id, action, form);
    if (outcome.ok) return c.redirect(`/console/knowledge/${id}`, 303);
    const record = await read<KnowledgeRecord>(c, `/api/knowledge/${id}`);
    if (!record) return c.html(<p>{t(c).errors.notFound}</p>, 404);
    const failure: RecordFailure = { action, message: failureText(outcome) };
    return c.html(<KnowledgeRecordPage t={t(c)} record={record} session={c.get('session')!} timeZone={timeZone} failure={failure} frame={frame(c, record.symptom)} />, 422);
  });

  /** The API request each button stands for. */
  function act(c: Context<ApiEnv>, actor: Actor, id: string, action: RecordAction, form: Form): Promise<ActOutcome> {
    const idempotencyKey = one(form.idempotencyKey);
    const comment = one(form.comment)?.trim() || undefined;
    switch (action) {
      case 'edit':
        return actThroughApi(deps.api, c, actor, { method: 'PATCH', path: `/api/knowledge/${id}`, body: fieldsOf(form), idempotencyKey });
      case 'submit':
        return actThroughApi(deps.api, c, actor, { path: `/api/knowledge/${id}/submit`, body: {}, idempotencyKey });
      case 'approve':
        return actThroughApi(deps.api, c, actor, { path: `/api/knowledge/${id}/review`, body: { decision: 'approve', comment, edits: fieldsOf(form) }, idempotencyKey });
      case 'reject':
        return actThroughApi(deps.api, c, actor, { path: `/api/knowledge/${id}/review`, body: { decision: 'reject', comment }, idempotencyKey });
    }
  }

}

type Form = Record<string, string | File | (string | File)[]>;

const one = (value: Form[string] | undefined): string | undefined => (Array.isArray(value) ? one(value[0]) : typeof value === 'string' ? value : undefined);
const listOf = (value: Form[string] | undefined): string[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is string => typeof v === 'string');

/** The record's fields as the form sends them: empty product or version is none, keywords are split at commas. */
function fieldsOf(form: Form) {
  const optional = (name: string) => one(form[name])?.trim() || null;
  return {
    symptom: one(form.symptom) ?? '',
    cause: one(form.cause) ?? '',
    fix: one(form.fix) ?? '',
    product: optional('product'),
    version: optional('version'),
    keywords: (one(form.keywords) ?? '')
      .split(/[,、，]/)
      .map((k) => k.trim())
      .filter(Boolean),
    public: one(form.public) === 'yes',
  };
}

const failureText = (outcome: ActOutcome) => (outcome.ok ? '' : outcome.detail || outcome.title);
