import { ClassConstructor, plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { SettingsError } from './settings.error';

const SECRET_NAME = /PASSWORD|TOKEN|SECRET|_KEYS?$/;

/** Shows a value in an error without leaking secrets or URL credentials. */
function describeValue(name: string, value: unknown): string {
  if (value === undefined) return 'missing';
  if (SECRET_NAME.test(name)) return 'value hidden';
  const text = String(value).replace(/\/\/[^/@]*@/g, '//***@');
  return `got "${text.length > 80 ? `${text.slice(0, 80)}…` : text}"`;
}

function describeError(error: ValidationError, env: Record<string, unknown>): string {
  const reasons = [...new Set(Object.values(error.constraints ?? {}))].join('; ');
  return `Invalid setting ${error.property} (${describeValue(error.property, env[error.property])}): ${reasons}`;
}

/**
 * Turns the raw environment into a typed settings object, or throws a SettingsError that names
 * every bad setting on a line of its own. Unknown variables are ignored: the environment is shared.
 */
export function validateSettings<T extends object>(schema: ClassConstructor<T>, env: Record<string, unknown>): T {
  // An empty value means "not set", so `FOO=` in a .env file falls back to the default.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const settings = plainToInstance(schema, present, { exposeDefaultValues: true });
  const errors = validateSync(settings, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    throw new SettingsError(errors.map((error) => describeError(error, present)));
  }
  return settings;
}
