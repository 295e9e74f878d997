/**
 * Size limits of a report request, checked before the field-by-field validation: validating
 * 20,000 bad lab rows one by one would build 20,000 error objects and take the worker to 1.8 GB of
 * RSS. A request over a limit fails with one problem per limit.
 */
export const REPORT_REQUEST_LIMITS = {
  /** Bytes of the message body; larger ones are refused before validation. */
  bodyBytes: 1024 * 1024,
  arrays: { labs: 200, plan: 100, red_flags: 100, resources_table: 100 },
  /** Characters of `callback_url`; the worker carries it in an AMQP header of each webhook job. */
  callbackUrlChars: 2048,
  /** Problems listed in a failed answer; the rest are counted. */
  problemsShown: 20,
} as const;

type LimitedArray = keyof typeof REPORT_REQUEST_LIMITS.arrays;

/** `labs: at most 200 entries (got 20000)` for each top-level list over its limit. */
export function oversizedLists(body: Record<string, unknown>): string[] {
  return (Object.keys(REPORT_REQUEST_LIMITS.arrays) as LimitedArray[])
    .filter((key) => Array.isArray(body[key]) && (body[key] as unknown[]).length > REPORT_REQUEST_LIMITS.arrays[key])
    .map(
      (key) => `${key}: at most ${REPORT_REQUEST_LIMITS.arrays[key]} entries (got ${(body[key] as unknown[]).length})`,
    );
}

/** The first problems, and how many more there were. */
export function shownProblems(problems: string[]): string[] {
  const shown = REPORT_REQUEST_LIMITS.problemsShown;
  return problems.length <= shown ? problems : [...problems.slice(0, shown), `… and ${problems.length - shown} more`];
}
