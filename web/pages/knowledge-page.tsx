import type { RecordDraft } from '../../lib/knowledge/draft';
import { decide, type KnowledgeRecord, type RecordCommand, type RecordFields } from '../../lib/knowledge/record-rules';
import type { Actor } from '../../workflows/ticket-types';
import { formatDateTime } from '../format';
import type { Labels } from '../i18n';
import type { ConsoleSession } from '../session';
import { Layout, type PageFrame } from './layout';

/** What the person may do with a record: asked of the record's own rules, so a form is there exactly when the API would accept it. */
export const RECORD_ACTIONS = ['edit', 'submit', 'approve', 'reject'] as const;
export type RecordAction = (typeof RECORD_ACTIONS)[number];

/** The refusal (or bad input) of the action just tried, shown next to its button. */
export type RecordFailure = { action: RecordAction | 'create'; message: string };

function mayDo(record: KnowledgeRecord, actor: Actor, action: RecordAction): boolean {
  const probe: Record<RecordAction, RecordCommand> = {
    edit: { kind: 'edit', actor, edits: { symptom: record.symptom } },
    submit: { kind: 'submit', actor },
    approve: { kind: 'approve', actor },
    reject: { kind: 'reject', actor, comment: '-' },
  };
  return decide(record, probe[action], record.updatedAt).ok;
}

/** A record's own page: what it says, where it stands, and the forms its state and your role allow. */
export function KnowledgeRecordPage(props: { t: Labels; record: KnowledgeRecord; session: ConsoleSession; timeZone: string; failure?: RecordFailure; frame: PageFrame }) {
  const { t, record, session } = props;
  const actor = session.actor;
  const can = (action: RecordAction) => mayDo(record, actor, action);
  const ownInReview = record.status === 'in_review' && record.author === actor.user;
  const url = (action: RecordAction) => `/console/knowledge/${record.id}/do/${action}`;
  return (
    <Layout {...props.frame} title={`${t.knowledge.title} ${record.id}`}>
      <article class="knowledge-record" data-record={record.id}>
        <h1>
          {t.knowledge.title} #{record.id} <span data-record-status={record.status}>{t.knowledge.status[record.status]}</span>
        </h1>
        <dl class="facts">
          <Fact name={t.knowledge.author} value={record.author} />
          <Fact name={t.knowledge.reviewer} value={record.reviewer ?? '—'} />
          <Fact name={t.knowledge.updated} value={formatDateTime(record.updatedAt, t.lang, props.timeZone)} />
          <Fact name={t.knowledge.public} value={record.public ? t.knowledge.yes : t.knowledge.no} />
        </dl>
        {record.reviewComment && (
          <p class="review-comment" data-review-comment>
            {t.knowledge.comment}: {record.reviewComment}
          </p>
        )}
        <section class="tickets">
          <h2>{t.knowledge.tickets}</h2>
          <ul>
            {record.ticketNumbers.map((n) => (
              <li>
                <a href={`/tickets/${n}`}>#{n}</a>
              </li>
            ))}
          </ul>
        </section>
        {can('edit') ? (
          <RecordForm t={t} action={url('edit')} csrf={session.csrfToken} fields={record} button={t.knowledge.save} failed={failedAt(props.failure, 'edit')} name="edit" />
        ) : (
          <RecordText t={t} record={record} />
        )}
        {can('submit') && <ButtonForm action={url('submit')} csrf={session.csrfToken} button={t.knowledge.submit} failed={failedAt(props.failure, 'submit')} name="submit" />}
        {can('approve') && <RecordForm t={t} action={url('approve')} csrf={session.csrfToken} fields={record} button={t.knowledge.approve} failed={failedAt(props.failure, 'approve')} name="approve" withComment />}
        {can('reject') && (
          <form class="action action-reject" method="post" action={url('reject')} data-action="reject">
            <Hidden csrf={session.csrfToken} />
            <textarea name="comment" aria-label={t.knowledge.comment} rows={2} required></textarea>
            <button type="submit">{t.knowledge.reject}</button>
            <Failed message={failedAt(props.failure, 'reject')} />
          </form>
        )}
        {ownInReview && actor.role !== 'agent' && <p class="why">{t.knowledge.ownRecord}</p>}
        {props.failure && !RECORD_ACTIONS.some(can) && <Failed message={props.failure.message} />}
      </article>
    </Layout>
  );
}

/** The form of a new record, prefilled from its ticket. */
export function KnowledgeDraftPage(props: { t: Labels; draft: RecordDraft; session: ConsoleSession; failure?: RecordFailure; frame: PageFrame }) {
  const { t, draft } = props;
  return (
    <Layout {...props.frame} title={t.knowledge.newRecord}>
      <article class="knowledge-record">
        <h1>{t.knowledge.newRecord}</h1>
        <p>{draft.ticketNumbers.map((n) => t.knowledge.fromTicket(n)).join(', ')}</p>
        <RecordForm t={t} action="/console/knowledge/new" csrf={props.session.csrfToken} fields={draft} button={t.knowledge.create} failed={props.failure?.message} name="create">
          {draft.ticketNumbers.map((n) => (
            <input type="hidden" name="ticketNumbers" value={n} />
          ))}
        </RecordForm>
      </article>
    </Layout>
  );
}

const failedAt = (failure: RecordFailure | undefined, action: RecordAction) => (failure?.action === action ? failure.message : undefined);

function Fact(props: { name: string; value: string }) {
  return (
    <div class="fact">
      <dt>{props.name}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

function RecordText({ t, record }: { t: Labels; record: KnowledgeRecord }) {
  return (
    <dl class="record-text">
      <dt>{t.knowledge.symptom}</dt>
      <dd data-field="symptom" style="white-space: pre-wrap">{record.symptom}</dd>
      <dt>{t.knowledge.cause}</dt>
      <dd data-field="cause" style="white-space: pre-wrap">{record.cause || '—'}</dd>
      <dt>{t.knowledge.fix}</dt>
      <dd data-field="fix" style="white-space: pre-wrap">{record.fix || '—'}</dd>
      <dt>{t.knowledge.product}</dt>
      <dd data-field="product">{[record.product, record.version].filter(Boolean).join(' ') || '—'}</dd>
      <dt>{t.knowledge.keywords}</dt>
      <dd data-field="keywords">{record.keywords.join(', ') || '—'}</dd>
    </dl>
  );
}

/** The session's CSRF token, as every console form carries it, and one Idempotency-Key per rendered form (a double click does one thing). */
function Hidden({ csrf }: { csrf: string }) {
  return (
    <>
      <input type="hidden" name="_csrf" value={csrf} />
      <input type="hidden" name="idempotencyKey" value={crypto.randomUUID()} />
    </>
  );
}

function Failed({ message }: { message?: string }) {
  return message ? (
    <p class="error" role="alert" data-error>
      {message}
    </p>
  ) : null;
}

function ButtonForm(props: { action: string; csrf: string; button: string; failed?: string; name: string }) {
  return (
    <form class={`action action-${props.name}`} method="post" action={props.action} data-action={props.name}>
      <Hidden csrf={props.csrf} />
      <button type="submit">{props.button}</button>
      <Failed message={props.failed} />
    </form>
  );
}

/** The record's fields to write or correct (the author's edit, a reviewer's approval, a new draft). */
function RecordForm(props: { t: Labels; action: string; csrf: string; fields: RecordFields; button: string; failed?: string; name: string; withComment?: boolean; children?: unknown }) {
  const { t, fields } = props;
  return (
    <form class={`record-form action action-${props.name}`} method="post" action={props.action} data-action={props.name}>
      <Hidden csrf={props.csrf} />
      {props.children}
      <label>
        {t.knowledge.symptom}
        <textarea name="symptom" rows={4} required>{fields.symptom}</textarea>
      </label>
      <label>
        {t.knowledge.cause}
        <textarea name="cause" rows={3}>{fields.cause}</textarea>
      </label>
      <label>
        {t.knowledge.fix}
        <textarea name="fix" rows={4}>{fields.fix}</textarea>
      </label>
      <label>
        {t.knowledge.product}
        <input name="product" value={fields.product ?? ''} />
      </label>
      <label>
        {t.knowledge.version}
        <input name="version" value={fields.version ?? ''} />
      </label>
      <label>
        {t.knowledge.keywords}
        <input name="keywords" value={fields.keywords.join(', ')} />
      </label>
      <label>
        <input type="checkbox" name="public" value="yes" checked={fields.public} /> {t.knowledge.public}
      </label>
      {props.withComment && (
        <label>
          {t.knowledge.comment}
          <textarea name="comment" rows={2}></textarea>
        </label>
      )}
      <button type="submit">{props.button}</button>
      <Failed message={props.failed} />
    </form>
  );
}
