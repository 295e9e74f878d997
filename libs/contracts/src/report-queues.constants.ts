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

/** Queue names of the report worker (seed 000/001). The request and response names can be overridden by settings. */
export const REPORT_QUEUES = {
  requests: 'report_generation_requests',
  responses: 'report_generation_responses',
  deadLetters: reportQueueNames('report_generation_requests').deadLetterQueue,
} as const;

/** Responses nobody collects expire after 24 h. */
export const REPORT_RESPONSE_TTL_MS = 24 * 3600 * 1000;
