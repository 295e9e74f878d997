import { accessSync, constants, statSync } from 'node:fs';
import { ValidateBy, ValidationArguments } from 'class-validator';

/** Why `path` cannot be read as a file, or undefined when it can. */
function whyUnreadable(path: string): string | undefined {
  try {
    if (!statSync(path).isFile()) return 'not a file';
    accessSync(path, constants.R_OK);
    return undefined;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? error);
  }
}

function settingOf(args: ValidationArguments | undefined, name: string): unknown {
  return (args?.object as Record<string, unknown> | undefined)?.[name];
}

/** An optional path to a PEM file (a CA bundle, a certificate, a key) the process can read, checked at boot. */
export function EnvReadableFile(): PropertyDecorator {
  return ValidateBy({
    name: 'readableFile',
    validator: {
      validate: (value: unknown) =>
        value === undefined || (typeof value === 'string' && whyUnreadable(value) === undefined),
      defaultMessage: (args?: ValidationArguments) =>
        `$property must name a readable file (${typeof args?.value === 'string' ? whyUnreadable(args.value) : 'not a path'})`,
    },
  });
}

/** Set together or not at all: a client certificate is useless without its key, and the other way round. */
export function EnvSetWith(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'setWith',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        value !== undefined || settingOf(args, other) === undefined,
      defaultMessage: () => `$property is required with ${other}`,
    },
  });
}

/**
 * While the boolean setting `required` is true, refuses a URL that `isTls` does not accept: a
 * plaintext connection to a service that carries patient data fails at boot, not in production.
 */
export function EnvTlsWhenRequired(
  required: string,
  isTls: (value: unknown) => boolean,
  expected: string,
): PropertyDecorator {
  return ValidateBy({
    name: 'tlsWhenRequired',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) => settingOf(args, required) !== true || isTls(value),
      defaultMessage: () => `${required} is true: $property must be ${expected}`,
    },
  });
}
