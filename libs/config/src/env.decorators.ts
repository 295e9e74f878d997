import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min, ValidateBy, ValidationArguments } from 'class-validator';

/** "true"/"false" (any case) to a boolean; anything else stays a string and fails IsBoolean. */
export function EnvBoolean(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => {
      if (typeof value !== 'string') return value;
      const lower = value.trim().toLowerCase();
      return lower === 'true' ? true : lower === 'false' ? false : value;
    }),
    IsBoolean({ message: '$property must be true or false' }),
  );
}

/** A whole number in [min, max]; the env string "12" becomes 12, "12abc" fails. */
export function EnvInt(min: number, max = Number.MAX_SAFE_INTEGER): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) => (typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value)),
    IsInt({ message: `$property must be a whole number from ${min} to ${max}` }),
    Min(min, { message: `$property must be a whole number from ${min} to ${max}` }),
    Max(max, { message: `$property must be a whole number from ${min} to ${max}` }),
  );
}

/** A comma-separated list of whole milliseconds, e.g. "5000,30000,300000". */
export function EnvDelayList(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }) =>
      typeof value === 'string'
        ? value.split(',').map((part) => (/^\d+$/.test(part.trim()) ? Number(part) : part))
        : value,
    ),
    IsInt({ each: true, message: '$property must be a comma-separated list of whole milliseconds' }),
    Min(0, { each: true, message: '$property must be a comma-separated list of whole milliseconds' }),
  );
}

/** How to make a secret, for the line that refuses one. */
const HOW_TO_MAKE_ONE = 'npm start writes one into .env, or make one with `openssl rand -base64 32`';

/**
 * A random secret token: required, at least `minLength` characters, and none of the `published`
 * values (a placeholder printed in an example file is known to everyone).
 */
export function EnvSecretToken(minLength: number, published: readonly string[] = []): PropertyDecorator {
  return ValidateBy({
    name: 'secretToken',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && value.length >= minLength && !published.includes(value),
      defaultMessage: (args?: ValidationArguments) => {
        const value: unknown = args?.value;
        const problem =
          typeof value !== 'string'
            ? 'is required'
            : published.includes(value)
              ? 'is a published placeholder, not a secret'
              : `must be at least ${minLength} characters`;
        return `$property ${problem}: ${HOW_TO_MAKE_ONE}`;
      },
    },
  });
}

/**
 * A setting in a format of its own (a key ring, a list of scopes): valid when `parse` accepts it,
 * otherwise the reason `parse` threw is the message. Parsers name what is wrong, never a value.
 */
export function EnvParsed(parse: (value: string) => unknown): PropertyDecorator {
  return ValidateBy({
    name: 'parsed',
    validator: {
      validate: (value: unknown) => {
        try {
          parse(typeof value === 'string' ? value : '');
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: (args?: ValidationArguments) => {
        try {
          parse(typeof args?.value === 'string' ? args.value : '');
          return '$property is invalid';
        } catch (error) {
          return `$property: ${(error as Error).message}`;
        }
      },
    },
  });
}
