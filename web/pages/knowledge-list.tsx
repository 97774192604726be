import type { FoundRecord } from '../../db/knowledge-records';
import { RECORD_STATUSES, type RecordStatus } from '../../lib/knowledge/record-rules';
import { formatDateTime } from '../format';
import type { Labels } from '../i18n';
import { Layout, type PageFrame } from './layout';

export interface KnowledgeListProps {
  t: Labels;
  records: FoundRecord[];
  q?: string;
  status?: RecordStatus;
  timeZone: string;
}

/** The records, newest first, or those a search found, best first; a search box and a status filter (GET, so a list can be linked). */
export function KnowledgeListPage(props: KnowledgeListProps & { frame: PageFrame }) {
  const { t } = props;
  return (
    <Layout {...props.frame} title={t.knowledge.title}>
      <section class="knowledge-list">
        <h1>{t.knowledge.title}</h1>
        <form class="knowledge-search" method="get" action="/console/knowledge">
          <input type="search" name="q" value={props.q ?? ''} aria-label={t.knowledge.search} placeholder={t.knowledge.searchPlaceholder} />
          <select name="status" aria-label={t.list.status}>
            <option value="">{t.knowledge.allStatuses}</option>
            {RECORD_STATUSES.map((status) => (
              <option value={status} selected={status === props.status}>
                {t.knowledge.status[status]}
              </option>
            ))}
          </select>
          <button type="submit">{t.knowledge.search}</button>
        </form>
        {props.records.length === 0 ? (
          <p class="none">{t.knowledge.empty}</p>
        ) : (
          <table class="tickets">
            <thead>
              <tr>
                <th>{t.knowledge.symptom}</th>
                <th>{t.list.status}</th>
                <th>{t.knowledge.product}</th>
                <th>{t.knowledge.author}</th>
                <th>{t.knowledge.updated}</th>
              </tr>
            </thead>
            <tbody>
              {props.records.map((r) => (
                <tr data-record={r.id} data-status={r.status}>
                  <td>
                    <a href={`/console/knowledge/${r.id}`}>{firstLine(r.symptom)}</a>
                  </td>
                  <td data-record-status>{t.knowledge.status[r.status]}</td>
                  <td>{[r.product, r.version].filter(Boolean).join(' ')}</td>
                  <td>{r.author}</td>
                  <td>{formatDateTime(r.updatedAt, t.lang, props.timeZone)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}

/** A symptom's first line stands for the record in a list. */
function firstLine(text: string): string {
  const line = text.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
