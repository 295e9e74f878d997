import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ClassConstructor } from 'class-transformer';
import { SettingsError } from './settings.error';
import { validateSettings } from './settings.validation';

/** The process environment over the .env file (ENV_FILE, default ./.env), as ConfigModule reads them. */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = env.ENV_FILE ?? '.env';
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...env };
}

/**
 * Validates the environment before anything else starts. A bad setting ends the process with one
 * line per problem on stderr and exit code 78 (EX_CONFIG), instead of a stack trace.
 */
export function loadSettingsOrExit<T extends object>(schema: ClassConstructor<T>, env = process.env): T {
  try {
    return validateSettings(schema, readEnvironment(env));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
