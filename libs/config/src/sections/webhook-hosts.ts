import { settingList } from './setting-list';

/** One entry of WEBHOOK_ALLOWED_HOSTS: a lower-case host name or IP literal, and a port or none. */
export interface WebhookHost {
  host: string;
  /** Absent: the scheme's default port only (443 for https, 80 for http). */
  port?: number;
}

const NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

function entry(text: string): WebhookHost {
  const lower = text.toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(lower);
  const host = match?.[1];
  if (!host || (!host.startsWith('[') && !NAME.test(host)))
    throw new Error(`"${text}" is not a host or host:port (no scheme, path or wildcard)`);
  if (match[2] === undefined) return { host };
  const port = Number(match[2]);
  if (port < 1 || port > 65535) throw new Error(`"${text}": the port must be from 1 to 65535`);
  return { host, port };
}

/**
 * WEBHOOK_ALLOWED_HOSTS: `host[:port]`, comma-separated, compared case-insensitively with the
 * callback URL's host and effective port. An IPv6 literal is written in brackets (`[::1]:8443`).
 */
export function parseWebhookHosts(text: string): WebhookHost[] {
  return settingList(text).map(entry);
}
