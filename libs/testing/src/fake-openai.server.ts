import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

interface ChatRequest {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

/** How a streamed answer goes wrong halfway: the server goes quiet with the connection open, or drops it. */
export type StreamFault = 'stall' | 'drop';

/**
 * A local server that speaks OpenAI's chat-completions API closely enough for the real `openai`
 * SDK: settable latency, scripted failures (`failNext(2, 429)`, or every call until `recover()`
 * with `failUntilRecovered(401)`), a call counter, and realistic `usage`. Its answer is a JSON
 * report that cites every knowledge-base id found in the prompt.
 *
 * Asked to stream (`stream: true`), it answers as the API documents chat-completions streaming:
 * server-sent events, each `data:` a `chat.completion.chunk` whose `choices[0].delta` carries the
 * role first, then the content in pieces of `chunkSize` characters (`chunkDelayMs` apart), then a
 * chunk with `finish_reason: "stop"`; with `stream_options.include_usage` every chunk has `usage:
 * null` and one more chunk, with no choices, carries the usage; then `data: [DONE]`.
 * `answerWhole()` makes it a server that ignores `stream`; `failMidStream()` one that stalls or
 * drops the connection halfway through the content.
 */
export class FakeOpenAiServer {
  calls = 0;
  latencyMs = 0;
  chunkSize = 16;
  chunkDelayMs = 0;
  /** The body of the last chat-completions call. */
  lastRequest?: ChatRequest;
  /**
   * Time from each call's request arriving to its answer's last byte handed to the socket, in ms:
   * what the LLM itself took, the latency and the streaming together (benchmarks compute their bound from it).
   */
  servedMs: number[] = [];
  private whole = false;
  private streamFault?: StreamFault;
  private server?: Server;
  private failures: number[] = [];
  private failingStatus?: number;
  private readonly sleeping = new Set<NodeJS.Timeout>();

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  /** The value for OPENAI_BASE_URL. */
  get baseUrl(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/v1`;
  }

  /** The next `count` calls answer `status` (429, 500, 503...) instead of a completion. */
  failNext(count: number, status = 429): this {
    this.failures.push(...Array<number>(count).fill(status));
    return this;
  }

  /** Every call answers `status` (401, 403, 404...) until recover() or reset(), after the scripted failures. */
  failUntilRecovered(status: number): this {
    this.failingStatus = status;
    return this;
  }

  recover(): this {
    this.failingStatus = undefined;
    return this;
  }

  setLatency(ms: number): this {
    this.latencyMs = ms;
    return this;
  }

  /** Stream content in pieces of `size` characters, `delayMs` apart. */
  setChunking(size: number, delayMs = 0): this {
    this.chunkSize = size;
    this.chunkDelayMs = delayMs;
    return this;
  }

  /** Answer a whole completion even when asked to stream, as some compatible servers do. */
  answerWhole(): this {
    this.whole = true;
    return this;
  }

  /** Every streamed answer stops halfway through its content: 'stall' keeps the connection open and silent, 'drop' destroys it. */
  failMidStream(fault: StreamFault): this {
    this.streamFault = fault;
    return this;
  }

  reset(): this {
    this.calls = 0;
    this.chunkSize = 16;
    this.chunkDelayMs = 0;
    this.lastRequest = undefined;
    this.servedMs = [];
    this.whole = false;
    this.streamFault = undefined;
    this.failures = [];
    this.failingStatus = undefined;
    this.latencyMs = 0;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    // Calls still "thinking" (their client may be gone) must not keep the test process alive.
    for (const timer of this.sleeping) clearTimeout(timer);
    this.sleeping.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const arrived = performance.now();
    res.once('finish', () => this.servedMs.push(performance.now() - arrived));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions'))
      return this.reply(res, 404, { error: { message: 'not found' } });
    this.calls += 1;
    const failure = this.failures.shift() ?? this.failingStatus;
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (failure) {
      return this.reply(res, failure, {
        error: { message: `scripted failure ${failure}`, type: 'fake', code: String(failure) },
      });
    }
    const request = JSON.parse(Buffer.concat(chunks).toString() || '{}') as ChatRequest;
    this.lastRequest = request;
    if (request.stream && !this.whole) return this.stream(res, request);
    const { content, usage } = this.answerTo(request);
    this.reply(res, 200, {
      ...this.envelope(request, 'chat.completion'),
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  }

  private answerTo(request: ChatRequest) {
    const prompt = (request.messages ?? []).map((message) => message.content).join('\n');
    const content = JSON.stringify(this.reportFor(prompt));
    const promptTokens = Math.ceil(prompt.length / 4);
    const completionTokens = Math.ceil(content.length / 4);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };
    return { content, usage };
  }

  private envelope(request: ChatRequest, object: string) {
    return {
      id: `chatcmpl-fake-${this.calls}`,
      object,
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? 'gpt-4o-mini',
      system_fingerprint: 'fp_fake',
    };
  }

  private async stream(res: ServerResponse, request: ChatRequest): Promise<void> {
    const { content, usage } = this.answerTo(request);
    const withUsage = request.stream_options?.include_usage === true;
    const chunk = (choices: unknown[], last?: typeof usage) => {
      const body = {
        ...this.envelope(request, 'chat.completion.chunk'),
        choices,
        ...(withUsage ? { usage: last ?? null } : {}),
      };
      res.write(`data: ${JSON.stringify(body)}\n\n`);
    };
    const delta = (value: object, finish: string | null = null) => [
      { index: 0, delta: value, logprobs: null, finish_reason: finish },
    ];
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    chunk(delta({ role: 'assistant', content: '', refusal: null }));
    const pieces = content.match(new RegExp(`[\\s\\S]{1,${this.chunkSize}}`, 'g')) ?? [];
    for (const [index, piece] of pieces.entries()) {
      if (this.streamFault && index === Math.floor(pieces.length / 2)) {
        if (this.streamFault === 'drop') res.destroy();
        return; // stalled: the connection stays open until the client gives up or stop()
      }
      if (this.chunkDelayMs > 0) await this.sleep(this.chunkDelayMs);
      chunk(delta({ content: piece }));
    }
    chunk(delta({}, 'stop'));
    if (withUsage) chunk([], usage);
    res.end('data: [DONE]\n\n');
  }

  private reportFor(prompt: string) {
    let facts: { knowledge_base?: Array<{ id: string; category: string; title: string }> } = {};
    try {
      facts = JSON.parse(prompt.slice(prompt.indexOf('{"patient"')));
    } catch {
      facts = {};
    }
    const sections = (facts.knowledge_base ?? []).map((entry) => ({
      category: entry.category,
      title: entry.title,
      body: `Here is what your results mean for ${entry.category.replace(/_/g, ' ')} [${entry.id}].`,
    }));
    return { summary: 'Your results, explained (fake LLM).', sections };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, ms);
      this.sleeping.add(timer);
    });
  }

  private reply(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
