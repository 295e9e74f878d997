import { IsIn, IsIP } from 'class-validator';
import { EnvBoolean, EnvInt } from '../env.decorators';

const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

export class LoggingEnv {
  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevelName = 'log';

  /** Address the HTTP port binds to: 127.0.0.1 on a workstation, 0.0.0.0 in a container. */
  @IsIP(undefined, { message: '$property must be an IP address such as 127.0.0.1 or 0.0.0.0' })
  HOST = '127.0.0.1';
}

export class HttpPortEnv {
  @EnvInt(1, 65535)
  PORT = 8000;
}

export class HealthPortEnv {
  /** The report worker's HTTP side port (health and metrics). */
  @EnvInt(1, 65535)
  HEALTH_PORT = 8001;
}

/** Abuse limits of a public HTTP port (event-ingest's API, and a worker's health port). */
export class HttpLimitsEnv {
  /**
   * Requests per client per minute before 429; 0 turns the limit off. The default is twice what
   * one client sending 1,000 single events a second needs, so only a runaway or hostile client
   * meets it. Health endpoints are exempt.
   */
  @EnvInt(0, 100_000_000)
  HTTP_RATE_LIMIT_PER_MINUTE = 120_000;

  /**
   * The client of a request is its peer address; behind a proxy you run, set true to take the
   * address that proxy put in X-Forwarded-For instead (one hop trusted). Left false otherwise: a
   * client could then name any address and escape its limit.
   */
  @EnvBoolean()
  HTTP_TRUST_PROXY = false;

  /** A request whose headers and body have not all arrived by then is answered 408 and its connection closed. */
  @EnvInt(100, 600_000)
  HTTP_REQUEST_TIMEOUT_MS = 30_000;
}
