/**
 * Toxiproxy's HTTP API (scripts/services/toxiproxy.sh starts the server; run.sh exports its URL as
 * DRILLS_TOXIPROXY_URL): one TCP proxy per service of the drills' stack, and toxics on them.
 */
export type ProxiedService = 'rabbitmq' | 'mongo' | 'redis' | 'neo4j';

export interface Toxic {
  type: 'latency' | 'timeout' | 'bandwidth' | 'reset_peer';
  stream: 'upstream' | 'downstream';
  attributes: Record<string, number>;
}

export class ToxiproxyClient {
  /** The address each proxy listens on (`host:port`, the port picked by the OS). */
  readonly listen = new Map<ProxiedService, string>();
  private readonly toxics = new Map<ProxiedService, string[]>();

  constructor(
    /** Every proxy's name starts with it, so a drill's proxies are its own. */
    private readonly prefix: string,
    private readonly base = process.env.DRILLS_TOXIPROXY_URL ?? '',
  ) {
    if (!base)
      throw new Error(
        'DRILLS_TOXIPROXY_URL is not set: run the drills with `npm run drills` (drills/run.sh starts Toxiproxy)',
      );
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await response.text();
    if (!response.ok && !(method === 'DELETE' && response.status === 404))
      throw new Error(`toxiproxy ${method} ${path}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return text ? JSON.parse(text) : undefined;
  }

  /** A proxy in front of `upstream` (`host:port`), listening on a free loopback port. */
  async proxy(service: ProxiedService, upstream: string): Promise<string> {
    const name = this.name(service);
    await this.call('DELETE', `/proxies/${name}`);
    const created = (await this.call('POST', '/proxies', { name, listen: '127.0.0.1:0', upstream, enabled: true })) as {
      listen: string;
    };
    this.listen.set(service, created.listen);
    return created.listen;
  }

  private name(service: ProxiedService): string {
    return `${this.prefix}-${service}`;
  }

  /** Adds `toxic` to the proxy of `service` (toxicity 1: every connection). */
  async add(service: ProxiedService, toxic: Toxic): Promise<void> {
    const name = `${toxic.type}_${toxic.stream}`;
    await this.call('POST', `/proxies/${this.name(service)}/toxics`, { name, toxicity: 1, ...toxic });
    this.toxics.set(service, [...(this.toxics.get(service) ?? []), name]);
  }

  /** Removes every toxic this client added to `service`'s proxy. */
  async clear(service: ProxiedService): Promise<void> {
    for (const name of this.toxics.get(service) ?? [])
      await this.call('DELETE', `/proxies/${this.name(service)}/toxics/${name}`);
    this.toxics.delete(service);
  }

  /** Deletes the proxies (their connections close). */
  async close(): Promise<void> {
    for (const service of this.listen.keys())
      await this.call('DELETE', `/proxies/${this.name(service)}`).catch(() => undefined);
    this.listen.clear();
  }
}

/** `url` with its host and port replaced by a proxy's listen address. */
export function throughProxy(url: string, listen: string): string {
  const parsed = new URL(url);
  parsed.host = listen;
  return parsed.toString();
}
