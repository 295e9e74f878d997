import { ReportWorkerEnv } from '@app/config';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import OpenAI, { APIConnectionError, APIError } from 'openai';
import { categoryTitle } from './category-titles';
import { LlmCallError } from './llm-call.error';
import { estimateCostUsd } from './llm-pricing';
import { buildReportPrompt } from './report-prompt.builder';
import { citationsIn, ReportDraft, ReportSection, ReportWriter, ReportWriterInput } from './report-writer.port';

/** The LLM answered, but not with the JSON asked for. Transient: a retry usually gets a good answer. */
export class UnusableLlmOutputError extends Error {
  readonly transient = true;
  constructor(reason: string) {
    super(`LLM output unusable: ${reason}`);
    this.name = 'UnusableLlmOutputError';
  }
}

/** SDK errors become LlmCallError (see there); anything else passes through unchanged. */
export function toLlmCallError(error: unknown): unknown {
  if (error instanceof APIConnectionError) return new LlmCallError(undefined, error.message);
  if (error instanceof APIError) return new LlmCallError(error.status, error.message);
  return error;
}

interface RawSection {
  category?: unknown;
  title?: unknown;
  body?: unknown;
}

/**
 * Writes reports with any OpenAI-compatible chat-completions server. The SDK does not retry
 * (maxRetries 0): a failed call is retried through the broker's delay queues instead, so a
 * retry never holds a prefetch slot while it waits.
 */
@Injectable()
export class LlmReportWriter implements ReportWriter {
  private readonly client: OpenAI;
  private readonly model: string;

  constructor(config: ConfigService<ReportWorkerEnv, true>) {
    this.model = config.get('OPENAI_MODEL', { infer: true });
    this.client = new OpenAI({
      apiKey: config.get('OPENAI_API_KEY', { infer: true }),
      baseURL: config.get('OPENAI_BASE_URL', { infer: true }) || undefined,
      timeout: config.get('OPENAI_TIMEOUT_MS', { infer: true }),
      maxRetries: 0,
    });
  }

  async write(input: ReportWriterInput): Promise<ReportDraft> {
    const completion = await this.client.chat.completions
      .create({
        model: this.model,
        messages: buildReportPrompt(input),
        response_format: { type: 'json_object' },
        temperature: 0.2,
      })
      .catch((error: unknown) => {
        throw toLlmCallError(error);
      });
    const content = completion.choices[0]?.message?.content;
    if (!content) throw new UnusableLlmOutputError('empty answer');
    const { summary, sections } = this.parse(content, new Set(input.knowledge.map((entry) => entry.id)));
    const prompt = completion.usage?.prompt_tokens ?? 0;
    const output = completion.usage?.completion_tokens ?? 0;
    return {
      generator: 'llm',
      llm_written: true,
      model: completion.model || this.model,
      summary,
      sections,
      tokens_used: completion.usage?.total_tokens ?? prompt + output,
      estimated_cost: estimateCostUsd(this.model, prompt, output),
    };
  }

  private parse(content: string, knownIds: Set<string>): { summary: string; sections: ReportSection[] } {
    let parsed: { summary?: unknown; sections?: unknown };
    try {
      parsed = JSON.parse(content);
    } catch {
      throw new UnusableLlmOutputError('not JSON');
    }
    if (typeof parsed.summary !== 'string' || !Array.isArray(parsed.sections)) {
      throw new UnusableLlmOutputError('missing summary or sections');
    }
    const sections = (parsed.sections as RawSection[])
      .filter((section) => typeof section?.body === 'string')
      .map((section) => {
        const category = typeof section.category === 'string' ? section.category : 'general';
        const body = section.body as string;
        const title = typeof section.title === 'string' ? section.title : categoryTitle(category);
        return { category, title, body, citations: citationsIn(body, knownIds) };
      });
    return { summary: parsed.summary, sections };
  }
}
