import { log } from './log';

/**
 * Runs `stop` once on the first Ctrl-C or SIGTERM. A signal repeated within a
 * few seconds is the same one relayed (a terminal's Ctrl-C reaches npm, tsx and
 * node alike) and is ignored; a later one ends the process at once, for the impatient.
 */
export function onShutdownSignal(stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < 3000) return;
      log.warn(`${signal} again: exiting now`);
      process.exit(130);
    }
    stoppingSince = Date.now();
    log.info(`${signal}: shutting down`);
    stop().then(
      () => process.exit(0),
      (error) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
