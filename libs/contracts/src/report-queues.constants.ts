/** Default queue names of the report worker (RABBITMQ_REQUEST_QUEUE, RABBITMQ_RESPONSE_QUEUE); the others derive from the request queue's. */
export const REPORT_QUEUES = {
  requests: 'report_generation_requests',
  responses: 'report_generation_responses',
} as const;

/** Responses nobody collects expire after 24 h. */
export const REPORT_RESPONSE_TTL_MS = 24 * 3600 * 1000;
