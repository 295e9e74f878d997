/** What the worker answers on the response queue (or to the caller of `send()`). Seed field names plus extras. */
export interface ReportGenerationResponse {
  request_id: string;
  user_id: string;
  /** Empty when the request failed before a report existed. */
  report_id: string;
  status: 'success' | 'failed';
  error_message: string | null;
  /** ISO 8601. */
  timestamp: string;
  /** Extra: the report was not generated again (same request_id, or same content within REPORT_CACHE_TTL). */
  reused?: boolean;
  /** Extra: why it was reused: `request_id` (a redelivery/republish) or `content_hash` (identical input). */
  reused_by?: 'request_id' | 'content_hash';
  /** Extra: `llm` or `deterministic` (not LLM-written). */
  generator?: 'llm' | 'deterministic';
  /** Extra: deliveries this request took (1 = first try). */
  attempts?: number;
}

/** The AMQP `type` of a progress message on a caller's reply queue. */
export const REPORT_PROGRESS_TYPE = 'report.progress';

/**
 * A piece of a report as it is written, sent to a caller waiting on `reply_to` (Nest `send()`, or
 * a plain AMQP caller) before the final response. Best-effort: a lost value loses only display text,
 * the final response carries the outcome and the report is read with `report.get`.
 */
export interface ReportProgress {
  request_id: string;
  status: 'in_progress';
  /** The category of the section this text belongs to. */
  section: string;
  /** Extra: the section's place in the report's sections, from 0 (a report may have two sections of one category). */
  section_index: number;
  /** Text that follows the section's text sent so far; the deltas of a section (by section_index), joined, are its body. */
  text_delta: string;
  /** 1, 2, 3… within one attempt; a retried request that writes again starts over at 1. */
  sequence: number;
}
