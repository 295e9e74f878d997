import { randomBytes } from 'node:crypto';
import { serviceUrls } from './service-urls';

/** Broker users a spec creates through the management API (on vhost `/`), and removes again. */
export class BrokerUsers {
  private readonly created: string[] = [];
  private readonly api = new URL(serviceUrls.rabbitmqManagement);

  /** A new user with its own random password, allowed everything on `/`; returns its AMQP URL. */
  async create(name: string): Promise<string> {
    const password = randomBytes(16).toString('hex');
    await this.call('PUT', `/api/users/${encodeURIComponent(name)}`, { password, tags: '' });
    this.created.push(name);
    await this.call('PUT', `/api/permissions/%2F/${encodeURIComponent(name)}`, {
      configure: '.*',
      write: '.*',
      read: '.*',
    });
    const url = new URL(serviceUrls.rabbitmq);
    url.username = encodeURIComponent(name);
    url.password = password;
    return url.toString();
  }

  async removeAll(): Promise<void> {
    for (const name of this.created.splice(0))
      await this.call('DELETE', `/api/users/${encodeURIComponent(name)}`).catch(() => undefined);
  }

  private async call(method: string, path: string, body?: unknown): Promise<void> {
    const auth = Buffer.from(
      `${decodeURIComponent(this.api.username)}:${decodeURIComponent(this.api.password)}`,
    ).toString('base64');
    const response = await fetch(`${this.api.origin}${path}`, {
      method,
      headers: { authorization: `Basic ${auth}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  }
}
