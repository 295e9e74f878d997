import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  canonicalId,
  createCollectionProblems,
  Problem,
  retrieveProblems,
  setPayloadProblems,
  upsertProblems,
  VectorsConfig,
} from './fake-qdrant.shapes';

export interface FakePoint {
  id: string | number;
  vector: unknown;
  payload: Record<string, unknown>;
}

interface Collection {
  vectors: VectorsConfig;
  points: Map<string, FakePoint>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  problems: Problem[];
}

type Reply = { status: number; result?: unknown; error?: string };

/**
 * A loopback stand-in for Qdrant's REST API, enough for `@qdrant/js-client-rest`: collections
 * (exists, get, create), points (upsert, retrieve, set payload). Every request is checked against
 * Qdrant's shapes; a bad one gets a 400 and lands in `rejected()`, an unknown route a 404, so a
 * spec can assert the client only made calls a real server would take. `failWith = 503` answers
 * every request with that status (an outage; 400 for a server that refuses the data).
 */
export class FakeQdrantServer {
  readonly collections = new Map<string, Collection>();
  readonly requests: RecordedRequest[] = [];
  failWith?: number;
  private server?: Server;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Requests a real Qdrant would have refused (bad shape or unknown route). */
  rejected(): RecordedRequest[] {
    return this.requests.filter((request) => request.problems.length > 0);
  }

  /** Adds a catalogue point, as the team that loads `products` would. */
  putPoint(collection: string, point: FakePoint): void {
    this.collections
      .get(collection)!
      .points.set(String(canonicalId(point.id)), { ...point, id: canonicalId(point.id)! });
  }

  point(collection: string, id: string | number): FakePoint | undefined {
    return this.collections.get(collection)?.points.get(String(canonicalId(id)));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://fake');
    let body: unknown;
    try {
      const raw = await readBody(req);
      body = raw.length > 0 ? JSON.parse(raw) : undefined;
    } catch {
      return this.send(
        res,
        req,
        url.pathname,
        { status: 400, error: 'body is not JSON' },
        ['body is not JSON'],
        started,
      );
    }
    const { reply, problems } = this.failWith
      ? { reply: { status: this.failWith, error: `failing on purpose with ${this.failWith}` }, problems: [] }
      : this.route(req.method ?? 'GET', url.pathname, body);
    this.send(res, req, url.pathname, reply, problems, started);
  }

  private route(method: string, path: string, body: unknown): { reply: Reply; problems: Problem[] } {
    const match = /^\/collections\/([A-Za-z0-9_-]+)(\/exists|\/points|\/points\/payload)?$/.exec(path);
    if (method === 'GET' && path === '/')
      return ok({ title: 'qdrant - vector search engine (fake)', version: '1.13.0' });
    if (!match) return refuse(404, [`no route ${method} ${path}`]);
    const [, name, rest = ''] = match;
    const collection = this.collections.get(name);
    const key = `${method} ${rest}`;
    if (key === 'GET /exists') return ok({ exists: !!collection });
    if (key === 'PUT ') return this.createCollection(name, body);
    if (!['GET ', 'PUT /points', 'POST /points', 'POST /points/payload'].includes(key))
      return refuse(404, [`no route ${method} ${path}`]);
    if (!collection)
      return { reply: { status: 404, error: `Not found: Collection \`${name}\` doesn't exist!` }, problems: [] };
    if (key === 'GET ')
      return ok({
        status: 'green',
        points_count: collection.points.size,
        config: { params: { vectors: collection.vectors } },
      });
    if (key === 'PUT /points') return this.upsert(collection, body);
    if (key === 'POST /points') return this.retrieve(collection, body);
    return this.setPayload(collection, body);
  }

  private createCollection(name: string, body: unknown) {
    const problems = createCollectionProblems(body);
    if (problems.length > 0) return refuse(400, problems);
    if (this.collections.has(name))
      return { reply: { status: 409, error: `Wrong input: Collection \`${name}\` already exists!` }, problems: [] };
    this.collections.set(name, { vectors: (body as { vectors: VectorsConfig }).vectors, points: new Map() });
    return ok(true);
  }

  private upsert(collection: Collection, body: unknown) {
    const problems = upsertProblems(body, collection.vectors);
    if (problems.length > 0) return refuse(400, problems);
    for (const point of (body as { points: FakePoint[] }).points) {
      const id = canonicalId(point.id)!;
      collection.points.set(String(id), { id, vector: point.vector, payload: point.payload ?? {} });
    }
    return ok({ operation_id: this.requests.length, status: 'completed' });
  }

  private retrieve(collection: Collection, body: unknown) {
    const problems = retrieveProblems(body);
    if (problems.length > 0) return refuse(400, problems);
    const {
      ids,
      with_payload = true,
      with_vector = false,
    } = body as { ids: unknown[]; with_payload?: unknown; with_vector?: unknown };
    const found = ids.map((id) => collection.points.get(String(canonicalId(id)))).filter((p): p is FakePoint => !!p);
    return ok(
      found.map((p) => ({
        id: p.id,
        ...(with_payload ? { payload: p.payload } : {}),
        ...(with_vector ? { vector: p.vector } : {}),
      })),
    );
  }

  private setPayload(collection: Collection, body: unknown) {
    const problems = setPayloadProblems(body);
    if (problems.length > 0) return refuse(400, problems);
    const { payload, points = [] } = body as { payload: Record<string, unknown>; points?: unknown[] };
    for (const id of points) {
      const point = collection.points.get(String(canonicalId(id)));
      if (point) point.payload = { ...point.payload, ...payload };
    }
    return ok({ operation_id: this.requests.length, status: 'completed' });
  }

  private send(
    res: ServerResponse,
    req: IncomingMessage,
    path: string,
    reply: Reply,
    problems: Problem[],
    started: bigint,
  ) {
    this.requests.push({ method: req.method ?? 'GET', path, status: reply.status, problems });
    const time = Number(process.hrtime.bigint() - started) / 1e9;
    const payload =
      reply.status < 300
        ? { result: reply.result, status: 'ok', time }
        : { status: { error: reply.error ?? problems.join('; ') }, time };
    res.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  }
}

function ok(result: unknown): { reply: Reply; problems: Problem[] } {
  return { reply: { status: 200, result }, problems: [] };
}

function refuse(status: number, problems: Problem[]): { reply: Reply; problems: Problem[] } {
  return { reply: { status, error: `Format error in JSON body: ${problems.join('; ')}` }, problems };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
