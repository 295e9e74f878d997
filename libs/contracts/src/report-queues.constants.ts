/** Queue names of the report worker. The request and response names can be overridden by settings. */
export const REPORT_QUEUES = {
  requests: 'report_generation_requests',
  responses: 'report_generation_responses',
  deadLetters: 'report_generation_requests_dlq',
} as const;

/** Responses nobody collects expire after 24 h. */
export const REPORT_RESPONSE_TTL_MS = 24 * 3600 * 1000;
