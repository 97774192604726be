// The process's one Prometheus registry. Everything the desk counts
// (desk-metrics.ts) and Node's own process metrics live here; the API's
// /metrics and a worker's metrics server (metrics-server.ts) both answer
// from it, so `npm start`, which runs every part in one process, shows one set.
import { collectDefaultMetrics, Registry } from 'prom-client';

export const registry = new Registry();

// CPU, memory, event-loop lag, GC: read at scrape time, no timers of their own.
collectDefaultMetrics({ register: registry });

/** The registry in Prometheus' text format, with the Content-Type that goes with it. */
export async function scrape(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}
