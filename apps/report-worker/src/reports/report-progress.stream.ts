import { ReportProgress } from '@app/contracts';
import { SectionText } from './writers/report-writer.port';

/** Where progress goes: the caller's reply queue. Must not throw, and must return at once. */
export type ProgressSink = (progress: ReportProgress) => void;

/** How long text gathers before it goes out, so a model that streams a token at a time costs a message per tick, not per token. */
const GATHER_MS = 100;

/**
 * The progress of one attempt at a request: the writer's text, numbered, gathered into at most one
 * value per GATHER_MS and never mixing two sections in one value. The first piece goes out at once;
 * flush() sends what is left when the writer is done, before the final response.
 */
export class ReportProgressStream {
  private sequence = 0;
  private pending?: SectionText;
  private lastSentAt = -Infinity;

  constructor(
    private readonly requestId: string,
    private readonly sink: ProgressSink,
    private readonly gatherMs = GATHER_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  write({ section, index, text }: SectionText): void {
    if (this.pending && this.pending.index !== index) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { section, index, text };
    if (this.now() - this.lastSentAt >= this.gatherMs) this.flush();
  }

  flush(): void {
    if (!this.pending) return;
    const { section, index, text } = this.pending;
    this.pending = undefined;
    this.lastSentAt = this.now();
    this.sequence += 1;
    this.sink({
      request_id: this.requestId,
      status: 'in_progress',
      section,
      section_index: index,
      text_delta: text,
      sequence: this.sequence,
    });
  }
}
