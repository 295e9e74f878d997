import { ValidationError, ValidationPipe } from '@nestjs/common';

/**
 * Nest's ValidationPipe, listing each problem once: a field that breaks several constraints
 * sharing one message (user_id's "string or integer" union) otherwise repeats it per constraint.
 */
export class DistinctMessagesValidationPipe extends ValidationPipe {
  protected flattenValidationErrors(errors: ValidationError[]): string[] {
    return [...new Set(super.flattenValidationErrors(errors))];
  }
}
