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
