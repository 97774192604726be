import { SLA_STATUSES, SUPPORT_LEVELS } from '../../workflows/ticket-types';
import type { Labels } from '../i18n';
import { Layout, type PageFrame } from './layout';

/** GET /api/sla/summary's answer. */
export interface SlaSummary {
  open: Record<string, Record<string, number>>;
  verdicts: { from: string; to: string; byClock: Record<string, { met: number; missed: number; breaches: number; warnings: number; breachRate: number | null }> };
}

interface SlaPageProps {
  t: Labels;
  summary: SlaSummary;
  today: SlaSummary;
  period: { from: string; to: string };
  temporalUiUrl?: string;
  namespace: string;
  frame: PageFrame;
}

const OPEN_STATES = SLA_STATUSES.filter((s) => s !== 'met');

export function SlaPage(props: SlaPageProps) {
  const { t, summary, today } = props;
  const temporalLink = (level: string, sla: string) =>
    props.temporalUiUrl
      ? `${props.temporalUiUrl}/namespaces/${encodeURIComponent(props.namespace)}/workflows?query=${encodeURIComponent(`WorkflowType = "ticketWorkflow" AND ExecutionStatus = "Running" AND SupportLevel = "${level}" AND SlaStatus = "${sla}"`)}`
      : undefined;
  const clocks = Object.entries(summary.verdicts.byClock ?? {});
  return (
    <Layout {...props.frame} title={t.slaPage.title}>
      <h1>{t.slaPage.title}</h1>
      <section>
        <h2>{t.slaPage.byLevel}</h2>
        <table class="sla-grid">
          <thead>
            <tr>
              <th>{t.slaPage.level}</th>
              {OPEN_STATES.map((s) => (
                <th>{t.sla[s]}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {SUPPORT_LEVELS.map((level) => (
              <tr>
                <th>{level}</th>
                {OPEN_STATES.map((s) => {
                  const n = summary.open[level]?.[s] ?? 0;
                  const ui = temporalLink(level, s);
                  return (
                    <td class={`cell sla-${s}`} data-cell={`${level}:${s}`}>
                      <a href={`/tickets?view=${level}&sla=${s}`}>{n}</a>
                      {ui && (
                        <a class="temporal" href={ui} title={t.slaPage.temporal} target="_blank" rel="noopener">
                          ↗
                        </a>
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section>
        <h2>{t.slaPage.today}</h2>
        <ul class="today">
          {Object.entries(today.verdicts.byClock ?? {}).map(([clock, v]) => (
            <li data-today={clock}>
              {t.clocks[clock as keyof Labels['clocks']] ?? clock}: {v.warnings} {t.slaPage.warnings}, {v.breaches} {t.slaPage.breaches}
            </li>
          ))}
        </ul>
      </section>
      <section>
        <h2>{t.slaPage.rates}</h2>
        <form method="get" action="/sla" class="period">
          <label>
            {t.slaPage.from} <input type="date" name="from" value={props.period.from.slice(0, 10)} />
          </label>
          <label>
            {t.slaPage.to} <input type="date" name="to" value={props.period.to.slice(0, 10)} />
          </label>
          <button type="submit">{t.slaPage.show}</button>
        </form>
        <RateChart t={t} clocks={clocks} />
      </section>
    </Layout>
  );
}

/** Met and missed per clock as horizontal bars: server-drawn SVG, no script. */
function RateChart(props: { t: Labels; clocks: [string, { met: number; missed: number }][] }) {
  const { t } = props;
  const width = 420;
  const row = 34;
  const max = Math.max(1, ...props.clocks.map(([, v]) => v.met + v.missed));
  // Label column (110) + bars (width) + room for the longest "n met / n missed (100%)" after a full bar.
  return (
    <svg class="chart" width={110 + width + 10 + 210} height={row * props.clocks.length + 10} role="img" aria-label={t.slaPage.rates}>
      {props.clocks.map(([clock, v], i) => {
        const metW = (v.met / max) * width;
        const missedW = (v.missed / max) * width;
        const total = v.met + v.missed;
        const rate = total ? Math.round((v.met / total) * 100) : undefined;
        const y = i * row + 5;
        return (
          <g data-chart={clock}>
            <text x="0" y={y + 17} font-size="13">
              {t.clocks[clock as keyof Labels['clocks']] ?? clock}
            </text>
            <rect x="110" y={y} width={metW} height="22" class="met" />
            <rect x={110 + metW} y={y} width={missedW} height="22" class="missed" />
            <text x={120 + metW + missedW} y={y + 17} font-size="13">
              {`${v.met} ${t.slaPage.met} / ${v.missed} ${t.slaPage.missed}${rate === undefined ? '' : ` (${rate}%)`}`}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
