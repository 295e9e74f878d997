import { ClassConstructor } from 'class-transformer';
import { SettingsError } from './settings.error';
import { validateSettings } from './settings.validation';

/**
 * Validates the environment before anything else starts. A bad setting ends the process with one
 * line per problem on stderr and exit code 78 (EX_CONFIG), instead of a stack trace.
 */
export function loadSettingsOrExit<T extends object>(schema: ClassConstructor<T>, env = process.env): T {
  try {
    return validateSettings(schema, env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(78);
  }
}
