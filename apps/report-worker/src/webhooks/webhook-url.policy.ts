import { parseWebhookHosts, ReportWorkerEnv, WebhookHost } from '@app/config';
import { ConfigService } from '@nestjs/config';

export interface WebhookUrlSettings {
  /** Webhooks are off without a secret: nothing could be signed. */
  secret: string;
  allowedHosts: WebhookHost[];
  allowHttp: boolean;
}

const DEFAULT_PORTS: Record<string, number> = { 'https:': 443, 'http:': 80 };

/**
 * Which callback URLs the worker may call: https (http too with WEBHOOK_ALLOW_HTTP), no
 * credentials, a host and effective port listed in WEBHOOK_ALLOWED_HOSTS (a listed host without a
 * port allows the scheme's default port only). Checked when a request arrives and again before
 * each POST, since the settings may have changed meanwhile. Refusals name the host, never the path
 * or query (they may carry tokens).
 */
export class WebhookUrlPolicy {
  constructor(private readonly settings: WebhookUrlSettings) {}

  static fromConfig(config: ConfigService<ReportWorkerEnv, true>): WebhookUrlPolicy {
    return new WebhookUrlPolicy({
      secret: config.get('WEBHOOK_SECRET', { infer: true }),
      allowedHosts: parseWebhookHosts(config.get('WEBHOOK_ALLOWED_HOSTS', { infer: true })),
      allowHttp: config.get('WEBHOOK_ALLOW_HTTP', { infer: true }),
    });
  }

  get enabled(): boolean {
    return this.settings.secret !== '';
  }

  /** Why `url` may not be called, as `callback_url: …`; undefined when it may. */
  refusal(url: string): string | undefined {
    const why = this.problem(url);
    return why && `callback_url: ${why}`;
  }

  private problem(text: string): string | undefined {
    if (!this.enabled) return 'webhooks are not configured on this worker (WEBHOOK_SECRET is unset)';
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return 'not an absolute URL';
    }
    const port = DEFAULT_PORTS[url.protocol];
    if (port === undefined || (url.protocol === 'http:' && !this.settings.allowHttp)) {
      const allowed = this.settings.allowHttp ? 'https or http' : 'https only (WEBHOOK_ALLOW_HTTP is false)';
      return `scheme ${url.protocol.slice(0, 20)} is refused: ${allowed}`;
    }
    if (url.username || url.password) return 'credentials in the URL are refused';
    const effectivePort = url.port === '' ? port : Number(url.port);
    const listed = this.settings.allowedHosts.some(
      (allowed) => allowed.host === url.hostname && (allowed.port ?? port) === effectivePort,
    );
    if (!listed) return `host ${url.hostname}:${effectivePort} is not in WEBHOOK_ALLOWED_HOSTS`;
    return undefined;
  }
}

/** What a log line may show of a callback URL: its origin, never the path or query. */
export function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(not a URL)';
  }
}
