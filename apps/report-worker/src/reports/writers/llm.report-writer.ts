import { ReportWorkerEnv } from '@app/config';
import { inSpan, SpanKind } from '@app/tracing';
import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import OpenAI, { APIConnectionError, APIError } from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { Stream } from 'openai/streaming';
import { categoryTitle } from './category-titles';
import { LlmCallError } from './llm-call.error';
import { estimateCostUsd } from './llm-pricing';
import { buildReportPrompt } from './report-prompt.builder';
import {
  citationsIn,
  ReportDraft,
  ReportSection,
  ReportWriter,
  ReportWriterInput,
  TextListener,
} from './report-writer.port';
import { StreamedReportReader } from './streamed-report.reader';

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

/** What one call brought back, streamed or whole. */
interface Answer {
  content: string;
  /** The server said it was done (a finish reason), as opposed to the stream just ending. */
  finished: boolean;
  model?: string;
  usage?: ChatCompletion['usage'] | null;
}

interface RawSection {
  category?: unknown;
  title?: unknown;
  body?: unknown;
}

/**
 * Writes reports with any OpenAI-compatible chat-completions server. When someone listens for the
 * text (a caller waiting on reply_to for progress) it asks for a stream (usage in the last chunk)
 * and reads the sections' text as it comes; a server that ignores `stream` and answers whole is
 * read as well. With no listener (emit and raw JSON requests) it asks for the whole answer: the
 * stream would only cost the worker's single thread the parsing of one server-sent event per few
 * tokens (the SDK's SSE reader was the worker's top JavaScript frame at prefetch 256).
 * OPENAI_TIMEOUT_MS bounds the whole call, the body included (the SDK's own timeout stops at the
 * response headers, so a server that goes quiet mid-answer would hold the request forever). The SDK does not retry (maxRetries 0): a failed call
 * is retried through the broker's delay queues instead, so a retry never holds a prefetch slot
 * while it waits.
 */
@Injectable()
export class LlmReportWriter implements ReportWriter {
  private readonly client: OpenAI;
  private readonly model: string;
  private readonly timeoutMs: number;

  constructor(config: ConfigService<ReportWorkerEnv, true>) {
    this.model = config.get('OPENAI_MODEL', { infer: true });
    this.timeoutMs = config.get('OPENAI_TIMEOUT_MS', { infer: true });
    this.client = new OpenAI({
      apiKey: config.get('OPENAI_API_KEY', { infer: true }),
      baseURL: config.get('OPENAI_BASE_URL', { infer: true }) || undefined,
      timeout: this.timeoutMs,
      maxRetries: 0,
    });
  }

  async write(input: ReportWriterInput, onText?: TextListener): Promise<ReportDraft> {
    const answer = await this.tracedCall(input, onText).catch((error: unknown) => {
      throw toLlmCallError(error);
    });
    if (!answer.content) throw new UnusableLlmOutputError('empty answer');
    const { summary, sections } = this.parse(answer.content, new Set(input.knowledge.map((entry) => entry.id)));
    const prompt = answer.usage?.prompt_tokens ?? 0;
    const output = answer.usage?.completion_tokens ?? 0;
    return {
      generator: 'llm',
      llm_written: true,
      model: answer.model || this.model,
      summary,
      sections,
      tokens_used: answer.usage?.total_tokens ?? prompt + output,
      estimated_cost: estimateCostUsd(this.model, prompt, output),
    };
  }

  /** The call in a client span `chat <model>` (GenAI conventions), with the tokens it used. */
  private tracedCall(input: ReportWriterInput, onText?: TextListener): Promise<Answer> {
    const attributes = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': this.model };
    return inSpan(`chat ${this.model}`, { kind: SpanKind.CLIENT, attributes }, async (span) => {
      const answer = await this.call(input, onText);
      span?.setAttributes({
        'gen_ai.response.model': answer.model ?? this.model,
        'gen_ai.usage.input_tokens': answer.usage?.prompt_tokens ?? 0,
        'gen_ai.usage.output_tokens': answer.usage?.completion_tokens ?? 0,
      });
      return answer;
    });
  }

  private async call(input: ReportWriterInput, onText?: TextListener): Promise<Answer> {
    const controller = new AbortController();
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const response = await this.client.chat.completions
      .create(
        {
          model: this.model,
          messages: buildReportPrompt(input),
          response_format: { type: 'json_object' },
          temperature: 0.2,
          ...(onText ? { stream: true, stream_options: { include_usage: true } } : {}),
        },
        { signal: AbortSignal.any([controller.signal, deadline]) },
      )
      .asResponse();
    const streamed = response.headers.get('content-type')?.includes('text/event-stream');
    const answer = streamed
      ? await this.readStream(Stream.fromSSEResponse<ChatCompletionChunk>(response, controller), onText)
      : this.readWhole(await this.bodyOf(response, deadline));
    // The SDK's stream ends quietly when it is aborted: a deadline reached mid-stream is a timeout, not an answer.
    if (deadline.aborted && !answer.finished) throw this.timedOut();
    return answer;
  }

  /** A whole answer's body; the deadline reached while it arrives is a timeout (worth retrying), as mid-stream. */
  private async bodyOf(response: Response, deadline: AbortSignal): Promise<ChatCompletion> {
    try {
      return (await response.json()) as ChatCompletion;
    } catch (error) {
      throw deadline.aborted ? this.timedOut() : error;
    }
  }

  private timedOut(): LlmCallError {
    return new LlmCallError(undefined, `LLM answer not complete after ${this.timeoutMs} ms`);
  }

  private async readStream(stream: Stream<ChatCompletionChunk>, onText?: TextListener): Promise<Answer> {
    const reader = onText && new StreamedReportReader();
    const answer: Answer = { content: '', finished: false };
    for await (const chunk of stream) {
      answer.model ||= chunk.model;
      if (chunk.usage) answer.usage = chunk.usage;
      if (chunk.choices[0]?.finish_reason) answer.finished = true;
      const piece = chunk.choices[0]?.delta?.content;
      if (!piece) continue;
      answer.content += piece;
      if (reader) for (const text of reader.feed(piece)) onText!(text);
    }
    return answer;
  }

  private readWhole(completion: ChatCompletion): Answer {
    const content = completion.choices?.[0]?.message?.content ?? '';
    return { content, finished: true, model: completion.model, usage: completion.usage };
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
