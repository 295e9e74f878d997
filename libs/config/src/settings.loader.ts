import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';
import { ClassConstructor } from 'class-transformer';
import { SettingsError } from './settings.error';
import { validateSettings } from './settings.validation';

/**
 * The process environment over the .env file (ENV_FILE, default ./.env): the one place the file is
 * read. A variable set in the environment wins over the file.
 */
export function readEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = env.ENV_FILE ?? '.env';
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...env };
}

/** The settings `schema` describes, from the environment over the .env file, validated (throws a SettingsError). */
export function readSettings<T extends object>(schema: ClassConstructor<T>, env: NodeJS.ProcessEnv = process.env): T {
  return validateSettings(schema, readEnvironment(env));
}

/**
 * Validates the environment before anything else starts. A bad setting ends the process with one
 * line per problem on stderr and exit code 78 (EX_CONFIG), instead of a stack trace.
 */
export function loadSettingsOrExit<T extends object>(schema: ClassConstructor<T>, env = process.env): T {
  return exitOnSettingsError(() => readSettings(schema, env));
}

/** `read()`, or, when it throws a SettingsError, its problems on stderr and exit code 78. */
export function exitOnSettingsError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
