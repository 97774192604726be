import { DefaultLogger, Runtime, type LogLevel, type RuntimeOptions } from '@temporalio/worker';
import { ConfigError, type Config } from '../lib/config';
import { log } from '../lib/log';

const PINO_LEVEL: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * The SDK's runtime, logging through pino, and without its own signal
 * handlers: our processes decide the order of shutdown themselves.
 *
 * Takes the configuration its caller has loaded (and so validated) already,
 * for TEMPORAL_METRICS_PORT and METRICS_HOST.
 */
export function installRuntime(config: Config): void {
  const sdkLog = log.child({ component: 'temporal-sdk' });
  try {
    Runtime.install({
      shutdownSignals: [],
      logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
        sdkLog[PINO_LEVEL[level]](meta ?? {}, message);
      }),
      telemetryOptions: sdkMetrics(config.metrics),
    });
  } catch (error) {
    // The exporter binds its port right here: a busy one is one line naming the setting, as a bad value is.
    if (config.metrics.temporalPort === undefined) throw error;
    throw new ConfigError(`TEMPORAL_METRICS_PORT ${config.metrics.temporalPort} on ${config.metrics.host}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/**
 * The SDK's worker and client metrics (temporal_…: polls, task latencies,
 * slots, sticky cache) on a port of their own, served by the SDK's native
 * exporter. Not folded into our /metrics: that would take the SDK's
 * experimental metrics buffer and a translation of every update into
 * prom-client; a second scrape target is simpler and cannot drift. The
 * exporter lives as long as the runtime (until the process's last Temporal
 * connection closes), and has no allowlist: it listens on METRICS_HOST only.
 */
function sdkMetrics({ host, temporalPort }: Config['metrics']): RuntimeOptions['telemetryOptions'] {
  if (temporalPort === undefined) return undefined;
  const address = host.includes(':') ? `[${host}]` : host;
  return {
    metrics: {
      prometheus: {
        bindAddress: `${address}:${temporalPort}`,
        // Prometheus' conventions, as for our own metrics: counters end in _total, durations in seconds.
        countersTotalSuffix: true,
        unitSuffix: true,
        useSecondsForDurations: true,
      },
    },
  };
}
