/**
 * A report as the worker writes and serves it (`report.get`): report_data (structured),
 * json_content (the same, for clients) and markdown_content. Stored sealed: see SealedMedicalReport.
 */
export interface MedicalReport {
  report_id: string;
  user_id: string;
  request_id: string;
  /** Keyed fingerprint of the request minus request_id: identical inputs reuse this report. */
  content_hash: string;
  report_data: Record<string, unknown>;
  json_content: Record<string, unknown>;
  markdown_content: string;
  generator: 'llm' | 'deterministic';
  model?: string;
  created_at: Date;
  /** End of retention: the report is neither served nor reused after it, and is deleted. */
  expires_at: Date;
  generation_time_seconds: number;
  tokens_used?: number;
  estimated_cost?: number;
}

/** What a report's sealed field holds: everything in it that is health data. */
export type MedicalReportContent = Pick<MedicalReport, 'report_data' | 'markdown_content'>;
