import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

interface ChatRequest {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
}

/**
 * A local server that speaks OpenAI's chat-completions API closely enough for the real `openai`
 * SDK: settable latency, scripted failures (`failNext(2, 429)`, or every call until `recover()`
 * with `failUntilRecovered(401)`), a call counter, and realistic `usage`. Its answer is a JSON
 * report that cites every knowledge-base id found in the prompt.
 */
export class FakeOpenAiServer {
  calls = 0;
  latencyMs = 0;
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

  reset(): this {
    this.calls = 0;
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
    this.reply(res, 200, this.completion(JSON.parse(Buffer.concat(chunks).toString() || '{}') as ChatRequest));
  }

  private completion(request: ChatRequest) {
    const prompt = (request.messages ?? []).map((message) => message.content).join('\n');
    const content = JSON.stringify(this.reportFor(prompt));
    const promptTokens = Math.ceil(prompt.length / 4);
    const completionTokens = Math.ceil(content.length / 4);
    return {
      id: `chatcmpl-fake-${this.calls}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: request.model ?? 'gpt-4o-mini',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
      },
    };
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
