// When a fault began and ended, as an operator would see it on the desk's
// Prometheus metrics: every 250 ms each API's /metrics and each worker's
// (METRICS_PORT, and the Temporal SDK's on TEMPORAL_METRICS_PORT) are read;
// a part that does not answer, an API 5xx, or a failed activity or workflow
// task counts as trouble. The window is from the first such sample to the last.
import type { ProductionDesk } from '../devstack/production-desk';

const EVERY_MS = 250;

interface Totals {
  unreachable: number;
  serverErrors: number;
  failedTasks: number;
}

export interface FaultWindow {
  /** Seconds after the fault began that the metrics first and last showed trouble; null when they never did. */
  from: number | null;
  to: number | null;
}

export class FaultWatch {
  private timer?: NodeJS.Timeout;
  private last?: Totals;
  private first: number | null = null;
  private latest: number | null = null;
  private readonly startedAt = Date.now();

  constructor(private readonly desk: ProductionDesk) {}

  start(): this {
    const tick = async () => {
      const now = await this.totals();
      const trouble = now.unreachable > 0 || (this.last !== undefined && (now.serverErrors > this.last.serverErrors || now.failedTasks > this.last.failedTasks));
      // A restarted process counts from zero again: keep the highest totals seen.
      this.last = { unreachable: now.unreachable, serverErrors: Math.max(now.serverErrors, this.last?.serverErrors ?? 0), failedTasks: Math.max(now.failedTasks, this.last?.failedTasks ?? 0) };
      if (trouble) {
        const at = (Date.now() - this.startedAt) / 1000;
        this.first ??= at;
        this.latest = at;
      }
      if (this.timer) this.timer = setTimeout(() => void tick(), EVERY_MS);
    };
    this.timer = setTimeout(() => void tick(), 0);
    return this;
  }

  stop(): FaultWindow {
    clearTimeout(this.timer);
    this.timer = undefined;
    return { from: this.first, to: this.latest };
  }

  private async totals(): Promise<Totals> {
    const pages = await Promise.all(this.desk.metricsUrls().map(scrape));
    let unreachable = 0;
    let serverErrors = 0;
    let failedTasks = 0;
    for (const page of pages) {
      if (page === null) {
        unreachable++;
        continue;
      }
      serverErrors += sum(page, (line) => line.startsWith('helpdesk_api_requests_total{') && /status="5\d\d"/.test(line));
      failedTasks += sum(page, (line) => /^temporal_(activity_execution_failed|workflow_task_execution_failed)/.test(line));
    }
    return { unreachable, serverErrors, failedTasks };
  }
}

async function scrape(url: string): Promise<string | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
    return response.ok ? await response.text() : null;
  } catch {
    return null;
  }
}

function sum(page: string, wanted: (line: string) => boolean): number {
  let total = 0;
  for (const line of page.split('\n')) {
    if (line.startsWith('#') || !wanted(line)) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}
