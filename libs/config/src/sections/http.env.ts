import { IsIn, IsIP } from 'class-validator';
import { EnvInt } from '../env.decorators';

export const LOG_LEVELS = ['error', 'warn', 'log', 'debug', 'verbose'] as const;
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
