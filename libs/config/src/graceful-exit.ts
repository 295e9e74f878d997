import { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * SIGTERM/SIGINT → app.close() (consumers stop, in-flight work settles, connections close) → exit 0.
 * Nest's own shutdown hooks re-raise the signal after closing, which ends the process with 143;
 * Kubernetes and process supervisors read a clean 0 better. A second signal exits at once, and so
 * does a close that takes longer than `deadlineMs` (exit 1): a client library that never settles
 * (the store-outage drill caught one) must not keep a stopped process alive. Unacked messages go
 * back to the broker either way.
 */
export function exitCleanlyOnSignals(app: INestApplicationContext, logger: LoggerService, deadlineMs = 60_000): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn(`${signal} again: exiting without waiting`, 'Shutdown');
      process.exit(1);
    }
    closing = true;
    logger.log(`${signal}: closing`, 'Shutdown');
    setTimeout(() => {
      logger.error(`shutdown still not done after ${deadlineMs} ms: exiting without waiting`, undefined, 'Shutdown');
      process.exit(1);
    }, deadlineMs).unref();
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
