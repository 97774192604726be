import { log } from './log';

/**
 * Runs `stop` once on the first Ctrl-C, SIGTERM or SIGHUP (a closed terminal). A signal repeated within a
 * second is the same one relayed (a terminal's Ctrl-C reaches npm, tsx and
 * node alike) and is ignored; a later one ends the process at once, for the impatient.
 */
/** npm forwards the terminal's signal to its child within milliseconds; a person presses twice much later. */
const RELAYED_WITHIN_MS = 1000;

export function onShutdownSignal(stop: () => Promise<void>): void {
  let stoppingSince: number | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (stoppingSince !== undefined) {
      if (Date.now() - stoppingSince < RELAYED_WITHIN_MS) return;
      // The servers this process started are killed by its exit hook (scripts/devstack/processes.ts).
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
  process.on('SIGHUP', handler);
}
