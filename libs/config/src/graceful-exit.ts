import { INestApplicationContext, LoggerService } from '@nestjs/common';

/**
 * How long after the first stop signal another one is still the same stop request. A Ctrl-C
 * reaches every process in the terminal's foreground group, and whatever started the app (npm, a
 * wrapper script, a supervisor) may pass on its own copy, SIGINT or SIGTERM, milliseconds later.
 */
export const SAME_STOP_REQUEST_MS = 1000;

/**
 * SIGTERM/SIGINT → app.close() (consumers stop, in-flight work settles, connections close) → exit 0.
 * Nest's own shutdown hooks re-raise the signal after closing, which ends the process with 143;
 * Kubernetes and process supervisors read a clean 0 better.
 *
 * A repeat: any signal within SAME_STOP_REQUEST_MS of the first is part of the same request and
 * changes nothing. One after that is someone asking again (a second Ctrl-C once the first was
 * seen to be slow): exit 1 at once. So does a close that takes longer than `deadlineMs`: a client
 * library that never settles must not keep a stopped process alive. Unacked messages go back to
 * the broker either way.
 */
export function exitCleanlyOnSignals(app: INestApplicationContext, logger: LoggerService, deadlineMs = 60_000): void {
  let first: { signal: NodeJS.Signals; at: number } | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    if (first) {
      const sinceFirst = Math.round(performance.now() - first.at);
      if (sinceFirst <= SAME_STOP_REQUEST_MS) {
        logger.log(
          `${signal} ${sinceFirst} ms after ${first.signal}: the same stop request, still closing`,
          'Shutdown',
        );
        return;
      }
      logger.warn(`${signal} ${sinceFirst} ms after ${first.signal}: exiting without waiting`, 'Shutdown');
      process.exit(1);
    }
    first = { signal, at: performance.now() };
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
