import { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * SIGTERM/SIGINT → app.close() (consumers stop, in-flight work settles, connections close) → exit 0.
 * Nest's own shutdown hooks re-raise the signal after closing, which ends the process with 143;
 * Kubernetes and process supervisors read a clean 0 better. A second signal exits at once.
 */
export function exitCleanlyOnSignals(app: INestApplicationContext, logger: LoggerService): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`, 'Shutdown');
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: closing`, 'Shutdown');
    app.close().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error(`shutdown failed: ${error.message}`, error.stack, 'Shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** A bootstrap that fails (port taken, broken module) ends the process with one logged line and exit 1. */
export function runOrExit(bootstrap: () => Promise<void>): void {
  bootstrap().catch((error: Error) => {
    process.stderr.write(`${JSON.stringify({ level: 'fatal', message: `start-up failed: ${error.message}` })}\n`);
    process.exit(1);
  });
}
