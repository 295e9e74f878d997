import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';

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
