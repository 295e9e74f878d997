/**
 * Message patterns of the report worker. Nest clients `send()` or `emit()` these; plain AMQP
 * clients publish `{"pattern": ..., "data": ...}` (with `reply_to` for an answer) or, for
 * report generation only, the bare seed-format request.
 */
export const REPORT_PATTERNS = {
  generate: 'report.generate',
  status: 'report.status',
  get: 'report.get',
  list: 'report.list',
  delete: 'report.delete',
} as const;

/**
 * Nest keeps one handler per pattern, so a fire-and-forget generate (emit() or raw JSON) gets an
 * internal route of its own; the worker's deserializer maps it. Clients never use this name.
 */
export const REPORT_GENERATE_EVENT_ROUTE = 'report.generate#event';

/** AMQP priority of urgent requests; the request queue is declared with `x-max-priority` 10. */
export const REPORT_PRIORITY = { normal: 0, urgent: 10, max: 10 } as const;

/** Headers the worker sets on retried and dead-lettered requests. */
export const REPORT_HEADERS = {
  attempt: 'x-report-attempt',
  deadLetterReason: 'x-dead-letter-reason',
  failedAt: 'x-failed-at',
  worker: 'x-worker',
  /** On a dead letter whose body the worker sealed: the id of the key it was sealed under. */
  sealedBody: 'x-sealed-body',
} as const;
