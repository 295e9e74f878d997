import { Injectable, Logger } from '@nestjs/common';

export type AdminAction = 'queue.purge' | 'dlq.replay' | 'dlq.discard' | 'console.login';

/**
 * The audit trail of the admin endpoints: one structured log line per purge and replay (who: the
 * holder of ADMIN_TOKEN at this client address; what; when; outcome), marked `audit: true` for the
 * log pipeline to keep apart and append-only. This API has no database of its own.
 */
@Injectable()
export class AdminAudit {
  private readonly logger = new Logger('AdminAudit');

  async around<T>(
    action: AdminAction,
    client: string | undefined,
    target: string,
    operation: () => Promise<T>,
  ): Promise<T> {
    const base = {
      audit: true,
      action,
      actor: 'admin_token',
      client: client ?? 'unknown',
      target,
      at: new Date().toISOString(),
    };
    try {
      const result = await operation();
      this.logger.log({ message: 'admin action', ...base, outcome: 'done', result });
      return result;
    } catch (error) {
      this.logger.warn({ message: 'admin action', ...base, outcome: 'failed', error: (error as Error).message });
      throw error;
    }
  }
}
