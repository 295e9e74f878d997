import { plainToInstance } from 'class-transformer';
import { validateSync, ValidationError } from 'class-validator';
import { MAX_JSON_DEPTH, nestingDepth } from './json-nesting';
import { normaliseLabSystemShapes } from './lab-system.shapes';
import { UnparsedMessage } from './unparsed-message';
import { ReportGenerationRequest } from './report-request.dto';
import { oversizedLists, REPORT_REQUEST_LIMITS, shownProblems } from './report-request.limits';

export type RequestValidation =
  | { ok: true; request: ReportGenerationRequest }
  | { ok: false; problems: string[]; request_id: string; user_id: string };

/** `labs.0.value: must be a number`, one entry per bad field, nested paths flattened. */
function describe(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((error) => {
    const path = `${prefix}${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((reason) => `${path}: ${reason.replace(/^\S+ /, '')}`);
    return [...own, ...describe(error.children ?? [], `${path}.`)];
  });
}

function idOf(value: unknown, key: 'request_id' | 'user_id'): string {
  const id = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof id === 'string' ? id : '';
}

function refused(body: object, problems: string[]): RequestValidation {
  return { ok: false, problems, request_id: idOf(body, 'request_id'), user_id: idOf(body, 'user_id') };
}

/**
 * Validates a decoded message body; the one place a request is checked (at the edge).
 * `bodyBytes`, when known, is the size of the message as it arrived. A body the consumer did not
 * parse (UnparsedMessage: too large, or poison) is refused as it is: its ids are unknown.
 */
export function validateReportRequest(body: unknown, bodyBytes = 0): RequestValidation {
  if (body instanceof UnparsedMessage) return { ok: false, problems: [body.problem], request_id: '', user_id: '' };
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const problem = typeof body === 'string' ? 'body: not valid JSON' : 'body: must be a JSON object';
    return { ok: false, problems: [problem], request_id: '', user_id: '' };
  }
  // class-transformer recurses: a deeply nested body would throw (stack overflow) instead of
  // failing validation, and the worker would requeue it forever.
  if (bodyBytes > REPORT_REQUEST_LIMITS.bodyBytes) {
    return refused(body, [`body: ${bodyBytes} bytes, more than the ${REPORT_REQUEST_LIMITS.bodyBytes} allowed`]);
  }
  if (nestingDepth(body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH)
    return refused(body, [`body: nested deeper than ${MAX_JSON_DEPTH} levels`]);
  const oversized = oversizedLists(body as Record<string, unknown>);
  if (oversized.length > 0) return refused(body, oversized);
  const canonical = normaliseLabSystemShapes(body as Record<string, unknown>);
  if ('problems' in canonical) return refused(body, shownProblems(canonical.problems));
  const request = plainToInstance(ReportGenerationRequest, canonical.body);
  const errors = validateSync(request, { forbidUnknownValues: false });
  if (errors.length > 0) return refused(body, shownProblems(describe(errors)));
  return { ok: true, request };
}
