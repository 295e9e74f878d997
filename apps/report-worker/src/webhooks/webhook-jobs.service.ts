import { ReportGenerationResponse, RequestValidation } from '@app/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { ReportMetrics } from '../metrics/report.metrics';
import { WebhookJobPublisher } from './webhook-job.publisher';
import { originOf, WebhookUrlPolicy } from './webhook-url.policy';

/**
 * The report pipeline's side of webhooks: a request whose callback_url the policy refuses is
 * refused like an invalid one (the problem names callback_url), and the answer of an admitted one
 * becomes a webhook job, published before the request's delivery is acked. The POST itself is the
 * webhook consumer's (WebhookDeliveryService): a slow receiver never delays a report.
 */
@Injectable()
export class WebhookJobs {
  private readonly logger = new Logger(WebhookJobs.name);

  constructor(
    @Inject(WebhookUrlPolicy) private readonly policy: WebhookUrlPolicy,
    private readonly publisher: WebhookJobPublisher,
    private readonly metrics: ReportMetrics,
  ) {}

  /** The validation, or a refusal naming callback_url when the request's URL may not be called. */
  admit(validation: RequestValidation): RequestValidation {
    if (!validation.ok || validation.request.callback_url === undefined) return validation;
    const refusal = this.policy.refusal(validation.request.callback_url);
    if (refusal === undefined) return validation;
    const { request_id, user_id } = validation.request;
    return { ok: false, problems: [refusal], request_id, user_id };
  }

  /** Confirmed once the broker holds the job; nothing to do for a request without a callback_url. */
  async enqueue(response: ReportGenerationResponse, callbackUrl: string | undefined): Promise<void> {
    if (callbackUrl === undefined) return;
    const deliveryId = await this.publisher.enqueue(response, callbackUrl);
    this.metrics.webhooks.inc({ result: 'enqueued' });
    this.logger.log({
      message: 'webhook enqueued',
      request_id: response.request_id,
      delivery_id: deliveryId,
      target: originOf(callbackUrl),
    });
  }
}
