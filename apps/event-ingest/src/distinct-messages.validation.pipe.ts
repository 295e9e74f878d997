import { passesCompiledRules } from '@app/contracts';
import { ValidationError, ValidationPipe } from '@nestjs/common';
import type { ValidatorOptions } from 'class-validator';

/**
 * Nest's ValidationPipe, listing each problem once: a field that breaks several constraints
 * sharing one message (user_id's "string or integer" union) otherwise repeats it per constraint.
 * A body that passes the DTO's compiled rules (the same class-validator rules, without the
 * executor's per-call work) skips class-validator; any other goes through it, for its messages.
 */
export class DistinctMessagesValidationPipe extends ValidationPipe {
  protected validate(object: object, options?: ValidatorOptions): Promise<ValidationError[]> | ValidationError[] {
    return passesCompiledRules(object, options) ? [] : super.validate(object, options);
  }

  protected flattenValidationErrors(errors: ValidationError[]): string[] {
    return [...new Set(super.flattenValidationErrors(errors))];
  }
}
