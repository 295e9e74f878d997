/**
 * An LLM call that failed, translated from the SDK's error by the LLM writer. The classifier
 * matches this class instead of the SDK's, so the `openai` package is loaded only when an LLM
 * writer is configured (it is about 20 MB of resident memory).
 */
export class LlmCallError extends Error {
  constructor(
    /** HTTP status; undefined when no answer came (connection refused, timeout). */
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'LlmCallError';
  }
}
