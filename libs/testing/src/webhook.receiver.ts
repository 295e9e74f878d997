import { createServer, IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  /** Path and query, as the worker called it. */
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, byte for byte. */
  body: Buffer;
  /** The status this receiver answered; absent while it hangs. */
  status?: number;
  at: number;
}

/** An HTTP status to answer, or `hang`: keep the request open without answering. */
export type WebhookAnswer = number | 'hang';

/**
 * A loopback webhook receiver: records every POST with its raw body and answers by path, from a
 * rule a spec sets (`answer('/flaky', (n) => (n <= 2 ? 503 : 200))`, n counting calls to that
 * path from 1); 200 by default. Hanging requests stay open until `release()` or `stop()`.
 */
export class WebhookReceiver {
  readonly calls: ReceivedWebhook[] = [];
  private readonly rules = new Map<string, (call: number) => WebhookAnswer>();
  private readonly hanging: Array<{ response: ServerResponse; call: ReceivedWebhook }> = [];
  private server?: Server;

  answer(pathname: string, rule: (call: number) => WebhookAnswer): void {
    this.rules.set(pathname, rule);
  }

  /** The calls to one path (query left aside). */
  callsTo(pathname: string): ReceivedWebhook[] {
    return this.calls.filter((call) => call.path.split('?')[0] === pathname);
  }

  get pendingCount(): number {
    return this.hanging.length;
  }

  /** Answers every hanging request with `status`. */
  release(status = 200): void {
    for (const { response, call } of this.hanging.splice(0)) {
      call.status = status;
      response.writeHead(status).end();
    }
  }

  /** `127.0.0.1:<port>`, as WEBHOOK_ALLOWED_HOSTS lists it. */
  get host(): string {
    return `127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  url(path: string, host = this.host): string {
    return `http://${host}${path}`;
  }

  async start(): Promise<void> {
    this.server = createServer((request, response) => void this.receive(request, response));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.release(503);
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async receive(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const path = request.url ?? '/';
    const call: ReceivedWebhook = { path, headers: request.headers, body: Buffer.concat(chunks), at: Date.now() };
    this.calls.push(call);
    const rule = this.rules.get(path.split('?')[0]);
    const answer = rule ? rule(this.callsTo(path.split('?')[0]).length) : 200;
    if (answer === 'hang') return void this.hanging.push({ response, call });
    call.status = answer;
    response.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
  }
}
