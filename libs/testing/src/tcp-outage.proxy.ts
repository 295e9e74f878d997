import { AddressInfo, createServer, Server, Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of one real service, so a spec can cut the network path to it
 * (`cut()`: every open connection is destroyed and new ones are refused) and restore it
 * (`restore()`) without stopping the shared service other specs are using. Point the app at
 * `url()` instead of the service. The fault drills stop the real services instead.
 */
export class TcpOutageProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private port = 0;
  private down = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  async start(port = 0): Promise<this> {
    this.server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  /** The target URL with host and port swapped for the proxy's, e.g. amqp://guest:guest@127.0.0.1:40123. */
  url(targetUrl: string): string {
    const url = new URL(targetUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString().replace(/\/$/, targetUrl.endsWith('/') ? '/' : '');
  }

  get listenPort(): number {
    return this.port;
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.down = false;
  }

  async stop(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private pipe(client: Socket): void {
    if (this.down) {
      client.destroy();
      return;
    }
    const upstream = new Socket();
    upstream.connect(this.targetPort, this.targetHost);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('error', () => undefined);
      socket.on('close', () => {
        this.sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
