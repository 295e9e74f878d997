/**
 * The queues a report worker's other queues are named after: `<requests>_dlq`, `<requests>.urgent`,
 * and its delay queues `<requests>.retry.<delay>ms` (retryQueueName). Tests, and several
 * deployments on one broker, run side by side under other request queue names.
 */
export interface ReportQueueNames {
  deadLetterQueue: string;
  /** Consumed beside the request queue where queues have no priorities (quorum). */
  urgentQueue: string;
}

export function reportQueueNames(requestQueue: string): ReportQueueNames {
  return { deadLetterQueue: `${requestQueue}_dlq`, urgentQueue: `${requestQueue}.urgent` };
}

/** Default queue names of the report worker (RABBITMQ_REQUEST_QUEUE, RABBITMQ_RESPONSE_QUEUE); the others derive from the request queue's. */
export const REPORT_QUEUES = {
  requests: 'report_generation_requests',
  responses: 'report_generation_responses',
} as const;

/** Responses nobody collects expire after 24 h. */
export const REPORT_RESPONSE_TTL_MS = 24 * 3600 * 1000;
