import { ConsoleLogger, LogLevel } from '@nestjs/common';
import { LogLevelName } from './sections/http.env';

const ORDER: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** One JSON object per line on stdout/stderr, as log shippers in Kubernetes expect. */
export function createJsonLogger(level: LogLevelName = 'log'): ConsoleLogger {
  const logLevels = ORDER.slice(0, ORDER.indexOf(level) + 1);
  return new ConsoleLogger({ json: true, logLevels, colors: false });
}
