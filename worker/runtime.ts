import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
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
 */
export function installRuntime(): void {
  const sdkLog = log.child({ component: 'temporal-sdk' });
  Runtime.install({
    shutdownSignals: [],
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      sdkLog[PINO_LEVEL[level]](meta ?? {}, message);
    }),
  });
}
