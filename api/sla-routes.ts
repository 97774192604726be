import { ROLE_GROUPS } from './role-groups';
import { z } from 'zod';
import { SLA_STATUSES, SUPPORT_LEVELS } from '../workflows/ticket-types';
import type { ApiDeps } from './env';
import type { RouteBook } from './route-book';
import { isoTime } from './ticket-schemas';
import { problemFromTemporal } from './temporal-errors';
import { rethrowDatabase } from './ticket-gateway';

const READERS = ROLE_GROUPS.desk;

const slaSummaryQuery = z.object({
  from: isoTime().optional(),
  to: isoTime().optional(),
});

/**
 * Managers' numbers: open tickets by SupportLevel × SlaStatus from Temporal's
 * count API (the same search attributes the UI filters by), and SLA verdicts
 * for a time range from sla_events, so that breach rates sit beside breaches.
 */
export function slaRoutes(book: RouteBook, deps: ApiDeps): void {
  book.add(
    { method: 'get', path: '/api/sla/summary', action: 'sla.summary', summary: 'Summarise SLA status', roles: READERS, query: slaSummaryQuery },
    async ({ c, query }) => {
      const to = query.to ? new Date(query.to) : new Date();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - 30 * 86_400_000);
      const [open, verdicts] = await Promise.all([openTicketCounts(deps), verdictCounts(deps, from, to)]);
      return c.json({ open, verdicts: { from: from.toISOString(), to: to.toISOString(), ...verdicts } });
    },
  );
}

async function openTicketCounts(deps: ApiDeps) {
  const cells = SUPPORT_LEVELS.flatMap((level) => SLA_STATUSES.map((slaStatus) => ({ level, slaStatus })));
  const counts = await Promise.all(
    cells.map(async ({ level, slaStatus }) => {
      const query = `WorkflowType = "ticketWorkflow" AND ExecutionStatus = "Running" AND TicketStatus != "closed" AND SupportLevel = "${level}" AND SlaStatus = "${slaStatus}"`;
      try {
        const { count } = await deps.temporal.connection.withDeadline(Date.now() + 10_000, () => deps.temporal.workflow.count(query));
        return count;
      } catch (error) {
        throw problemFromTemporal(error) ?? error;
      }
    }),
  );
  const table: Record<string, Record<string, number>> = {};
  cells.forEach(({ level, slaStatus }, i) => ((table[level] ??= {})[slaStatus] = counts[i]));
  return table;
}

async function verdictCounts(deps: ApiDeps, from: Date, to: Date) {
  const rows = await deps.db
    .selectFrom('sla_events')
    .select(['clock', 'kind', (eb) => eb.fn.countAll<string>().as('count')])
    .where('actual_at', '>=', from)
    .where('actual_at', '<', to)
    .groupBy(['clock', 'kind'])
    .execute()
    .catch(rethrowDatabase);
  const byClock: Record<string, { met: number; missed: number; breaches: number; warnings: number; breachRate: number | null }> = {};
  for (const clock of ['firstResponse', 'update', 'resolution']) byClock[clock] = { met: 0, missed: 0, breaches: 0, warnings: 0, breachRate: null };
  for (const row of rows) {
    const cell = (byClock[row.clock] ??= { met: 0, missed: 0, breaches: 0, warnings: 0, breachRate: null });
    const n = Number(row.count);
    if (row.kind === 'met') cell.met += n;
    else if (row.kind === 'missed') cell.missed += n;
    else if (row.kind === 'breach') cell.breaches += n;
    else if (row.kind === 'warning') cell.warnings += n;
  }
  // Every clock cycle is either met or breached at its deadline (a late stop, `missed`, follows its breach).
  for (const cell of Object.values(byClock)) cell.breachRate = cell.met + cell.breaches ? cell.breaches / (cell.met + cell.breaches) : null;
  return { byClock };
}
